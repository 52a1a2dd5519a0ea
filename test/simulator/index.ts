// Why this file exists: the one import path of the Edges simulator for tests, benchmarks and e2e code
// (`import { EdgesSimulator } from './simulator'`), so the layout behind it can change freely.

export { EdgesSimulator, DEFAULT_API_KEY, OTHER_API_KEY, WORKSPACE_UIDS } from './simulator';
export { ACTIONS, NO_RESULT_MARKER, FAIL_MARKER, type ActionSpec } from './actions';
export {
	CallbackReceiver,
	type ReceivedCallback,
	type ReceiverAnswer,
	type Responder,
} from './receiver';
export type {
	CallbackFaults,
	CallbackPayload,
	CallbackStatus,
	EdgesErrorBody,
	FaultRule,
	InputStatus,
	LoggedDelivery,
	LoggedRequest,
	RateLimit,
	RunStatus,
	ScheduleStatus,
	SimInput,
	SimRun,
	SimulatorOptions,
} from './types';
export type { RateScope } from './rateLimit';
