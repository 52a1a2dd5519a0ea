/** Schedule › Resume: a paused schedule runs again at its next time. */
import { scheduleChangeOperation } from './change';

export const { description, execute } = scheduleChangeOperation('resume');
