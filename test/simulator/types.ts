// Why this file exists: the public types of the Edges simulator, kept apart from the implementation so that
// tests and other developers can import them without reading the server code.

/** Run statuses, as docs/edges-api.md §4 lists them. */
export type RunStatus =
	| 'CREATED'
	| 'INVALID'
	| 'QUEUED'
	| 'SCHEDULED'
	| 'BLOCKED'
	| 'STOPPED'
	| 'RUNNING'
	| 'FAILED'
	| 'PARTIAL_SUCCEEDED'
	| 'SUCCEEDED';

export const RUN_STATUSES: readonly RunStatus[] = [
	'CREATED',
	'INVALID',
	'QUEUED',
	'SCHEDULED',
	'BLOCKED',
	'STOPPED',
	'RUNNING',
	'FAILED',
	'PARTIAL_SUCCEEDED',
	'SUCCEEDED',
];

/** Input statuses (`GET /runs/{uid}/inputs`). */
export type InputStatus =
	| 'CREATED'
	| 'QUEUED'
	| 'SCHEDULED'
	| 'RUNNING'
	| 'BLOCKED'
	| 'FAILED'
	| 'SUCCEEDED'
	| 'STOPPED';

/** Delivery statuses of a callback record (`GET /runs/callbacks`). */
export type CallbackStatus = 'PENDING' | 'RUNNING' | 'FAILED' | 'SUCCESS';
export const CALLBACK_STATUSES: readonly CallbackStatus[] = [
	'PENDING',
	'RUNNING',
	'FAILED',
	'SUCCESS',
];

export type ScheduleStatus = 'ACTIVE' | 'PAUSED' | 'CANCELLED' | 'COMPLETED';
export const SCHEDULE_STATUSES: readonly ScheduleStatus[] = [
	'ACTIVE',
	'PAUSED',
	'CANCELLED',
	'COMPLETED',
];

/** Edges' standard error body (docs/edges-api.md §5). */
export interface EdgesErrorBody {
	error_label: string;
	error_scope: string;
	error_ref: string;
	message: string;
	status_code: number;
	params: Record<string, unknown>;
}

/** The JSON body the simulator POSTs to `callback.url` (docs/edges-api.md §3). */
export interface CallbackPayload {
	callback_ref_uid: string;
	run: { run_uid: string; batch_uid: string; status: RunStatus };
	input: Record<string, unknown> | null;
	custom_data: Record<string, unknown> | null;
	error: EdgesErrorBody | null;
	results: Array<Record<string, unknown>> | null;
}

/** One API request the simulator answered (or dropped). The API key is never recorded. */
export interface LoggedRequest {
	method: string;
	/** Full path as requested, without the query string, e.g. `/v1/runs/<uid>/outputs`. */
	path: string;
	query: Record<string, string | string[]>;
	/** Workspace the key mapped to; absent when the key was missing or unknown. */
	workspaceUid?: string;
	/** HTTP status answered; 0 when the socket was destroyed without an answer (`reset` fault). */
	status: number;
	/** Milliseconds since `EdgesSimulator.start()` resolved, when the request arrived. */
	at: number;
	/** The injected fault that hit this request, if any. */
	fault?: FaultRule['kind'];
	/** `Retry-After` of the answer, if it had one: what the client was asked to wait before trying again. */
	retryAfter?: string;
}

/** One callback POST attempt (retries, duplicates and replays each get their own entry). */
export interface LoggedDelivery {
	/** uid of the callback record (`GET /runs/callbacks/{uid}`) this attempt belongs to. */
	callbackUid: string;
	/** `callback_ref_uid` of the payload (= the `X-Callback-Ref` header). */
	ref: string;
	runUid: string;
	url: string;
	/** 1-based attempt number within its record. */
	attempt: number;
	/** HTTP status the receiver answered; absent on network error, timeout or dropped attempt. */
	status?: number;
	error?: string;
	payload: CallbackPayload;
	/** Headers the simulator sent (caller's `callback.headers` included). */
	headers: Record<string, string>;
	/** Milliseconds since start, when the attempt was sent. */
	at: number;
	/**
	 * When the attempt was sent and when it ended (answered, failed or timed out), numbered from one
	 * counter of the simulator's sends and ends: which came first is exact, where milliseconds can tie.
	 */
	sentSeq: number;
	endedSeq: number;
}

/** Internal view of one input of a run. */
export interface SimInput {
	uid: string;
	index: number;
	data: Record<string, unknown>;
	customData: Record<string, unknown> | null;
	status: InputStatus;
	error: EdgesErrorBody | null;
	outputCount: number;
}

/** Internal view of a run (`EdgesSimulator.run(uid)`), a snapshot taken when called. */
export interface SimRun {
	uid: string;
	id: number;
	workspaceUid: string;
	action: string;
	mode: 'ASYNC' | 'LIVE';
	status: RunStatus;
	/** Every status the run has had, in order, e.g. CREATED, QUEUED, RUNNING, SUCCEEDED. */
	statusHistory: RunStatus[];
	/** Computed on first access (a seeded run may have 100,000 inputs). */
	readonly inputs: SimInput[];
	outputCount: number;
	callback: { url: string; headers: Record<string, string>; on: 'all' | 'final' } | null;
	scheduledRunUid: string | null;
	parameters: Record<string, unknown>;
	lastError: { label: string; message: string; params: Record<string, unknown> } | null;
	/** True while `holdRuns(true)` keeps this run RUNNING. */
	held: boolean;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
}

interface FaultMatch {
	/** Matched against the path after `/v1`, e.g. `/runs/` or `/actions/linkedin-extract-people/run/async`. */
	pathPrefix?: string;
	/** HTTP method, case-insensitive; any when absent. */
	method?: string;
	/** How many matching requests the rule hits before it is used up. */
	count: number;
}

/**
 * A fault for the next `count` matching API requests.
 * - `status`: answered with this status in Edges' error format. With `phase: 'before'` (the default) the
 *   request is NOT processed; with `phase: 'after'` it is processed first (a run is started, a schedule is
 *   created) and the answer is replaced by the error: an Edges that failed after acting, the case where a
 *   client must not repeat the request.
 * - `truncate`: processed normally, but a 2xx body is cut in half and the connection closed.
 * - `delay`: processed normally, the answer is held `ms` first (a client timeout then fires after the
 *   server has acted, like a slow real API).
 * - `reset`: the socket is destroyed without an answer; `phase` says whether the request was processed
 *   first (`after`, the default: the dangerous case for non-idempotent POSTs) or not (`before`).
 */
export type FaultRule = FaultMatch &
	(
		| {
				kind: 'status';
				status: number;
				/** Value of the Retry-After header to send, verbatim. */
				retryAfter?: string;
				/** error_label of the body; default STATUS_429 for 429, INTERNAL_ERROR for 5xx, STATUS_<n> else. */
				label?: string;
				/** Whether the request is processed before the error is answered; default `before` (it is not). */
				phase?: 'before' | 'after';
		  }
		| { kind: 'truncate' }
		| { kind: 'delay'; ms: number }
		| { kind: 'reset'; phase?: 'before' | 'after' }
	);

export interface RateLimit {
	/** Token refill rate; may be fractional (Trial plans get < 1 per second). */
	perSecond: number;
	/** Bucket size; default max(1, perSecond). */
	burst?: number;
	/** `Retry-After` as fractional seconds ("0.4", the default) or rounded up to whole seconds ("1"). */
	retryAfter?: 'fractional' | 'integer';
}

export interface CallbackFaults {
	/** Send each of the next N callbacks twice (same ref, the second right after the first). */
	duplicate?: number;
	/** on:'all' runs: buffer the run's callbacks and deliver them, final one included, in a seeded shuffle. */
	reorder?: boolean;
	/** Wait this long before every delivery attempt. */
	delayMs?: number;
	/** Next N callbacks: every attempt fails without reaching the endpoint (record FAILED, http_status null). */
	drop?: number;
	/** Next N callbacks: two copies sent at the same moment. */
	concurrentDuplicate?: number;
}

export interface SimulatorOptions {
	/** Seed of every generated value; default 1. */
	seed?: number;
	/** Outputs endpoint generation: `cursor` (newest docs, default) or `legacy` (limit <= 100 + offset). */
	outputsPaging?: 'cursor' | 'legacy';
	/** Maximum `limit` of `GET /runs/callbacks`; default 100 (docs say 20 or 100). */
	callbacksMaxLimit?: 20 | 100;
	/** Delay between a run's state transitions and between its batches; default 5 ms. */
	stepMs?: number;
	/** Total delivery attempts per callback and the pause between them; default 3 attempts, 20 ms. */
	callbackRetry?: { attempts: number; delayMs: number };
	/** A callback attempt that has no answer after this long fails; default 5000 ms. */
	callbackTimeoutMs?: number;
	/** HTTP status of a successful async or schedule creation; default 200 (undocumented, §7.1). */
	asyncCreateStatus?: number;
	/** Refuse non-https callback URLs with 400 BAD_PARAMETERS, as real Edges does; default false. */
	requireHttpsCallbacks?: boolean;
	/**
	 * Clock the rate-limit buckets refill by, in milliseconds; default `Date.now`. A test that gives the
	 * client the same clock (and advances it when the client sleeps) gets the same refusals however slowly
	 * the machine runs.
	 */
	rateLimitClock?: () => number;
}
