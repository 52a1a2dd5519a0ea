/** Schedule › Cancel: deletes the schedule for good (Edges has no way to edit one: cancel and create again). */
import { scheduleChangeOperation } from './change';

export const { description, execute } = scheduleChangeOperation('cancel');
