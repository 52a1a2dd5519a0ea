/** Schedule › Pause: no new runs until it is resumed. */
import { scheduleChangeOperation } from './change';

export const { description, execute } = scheduleChangeOperation('pause');
