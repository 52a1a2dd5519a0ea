/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
// Why this file exists: every test of the package must cross a real socket to something that behaves like
// Edges (docs/edges-api.md). This is that something: a node:http server speaking the documented API, with runs
// that progress on timers, callbacks POSTed over HTTP, rate limits and injected faults. Where the docs are
// silent, the choice made is written next to the code ("Docs silent: ...").

import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	ACTIONS,
	availableResults,
	classifyInput,
	errorFromInputError,
	outputJson,
	outputObject,
	type ActionSpec,
	type InputError,
} from './actions';
import { CallbackDispatcher, type CallbackRecordState } from './callbacks';
import { isValidTimeZone, nextCronTime, parseCron } from './cron';
import {
	ApiError,
	badParameters,
	errorBody,
	labelForStatus,
	notFound,
	unprocessable,
} from './errors';
import { Rng, hash32, hashedUuid } from './prng';
import { formatRetryAfter, TokenBucket, type RateScope } from './rateLimit';
import {
	ArrayInputs,
	FormulaOutputs,
	newInput,
	SegmentOutputs,
	VirtualInputs,
	type InputState,
	type InputStore,
} from './store';
import {
	CALLBACK_STATUSES,
	RUN_STATUSES,
	SCHEDULE_STATUSES,
	type CallbackFaults,
	type CallbackPayload,
	type EdgesErrorBody,
	type FaultRule,
	type InputStatus,
	type LoggedDelivery,
	type LoggedRequest,
	type RateLimit,
	type RunStatus,
	type ScheduleStatus,
	type SimInput,
	type SimRun,
	type SimulatorOptions,
} from './types';
import {
	intParam,
	listParam,
	parseJsonBody,
	parseQuery,
	sortItems,
	sortParam,
	stringParam,
	validateLiveRequest,
	validateRunRequest,
	validateScheduleRequest,
	type CallbackSpec,
	type Query,
	type RunRequest,
} from './validation';

// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a fixed key of the simulator, not a secret
export const DEFAULT_API_KEY = 'sim-key-workspace-1';
// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a fixed key of the simulator, not a secret
export const OTHER_API_KEY = 'sim-key-workspace-2';

interface Workspace {
	uid: string;
	userUid: string;
	name: string;
	planName: string;
	creditsMax: number;
	identitiesIncluded: number;
	identitiesSynced: number;
}

const WORKSPACES = new Map<string, Workspace>([
	[
		DEFAULT_API_KEY,
		{
			uid: '3f6a2c1e-8b4d-4e2a-9c1f-0a7b5d3e2f01',
			userUid: '7c1d9e2b-4a6f-4b3c-8d2e-1f0a9b8c7d01',
			name: 'Simulated workspace',
			planName: 'Gold',
			creditsMax: 1_000_000,
			identitiesIncluded: 10,
			identitiesSynced: 2,
		},
	],
	[
		OTHER_API_KEY,
		{
			uid: '3f6a2c1e-8b4d-4e2a-9c1f-0a7b5d3e2f02',
			userUid: '7c1d9e2b-4a6f-4b3c-8d2e-1f0a9b8c7d02',
			name: 'Sandbox workspace',
			planName: 'Trial',
			creditsMax: 1_000,
			identitiesIncluded: 1,
			identitiesSynced: 0,
		},
	],
]);

/** Workspace uid of each built-in API key. */
export const WORKSPACE_UIDS: Readonly<Record<string, string>> = Object.fromEntries(
	[...WORKSPACES].map(([key, ws]) => [key, ws.uid]),
);

const FINISHED: readonly RunStatus[] = ['SUCCEEDED', 'PARTIAL_SUCCEEDED', 'FAILED'];
const DONE_INPUT: readonly InputStatus[] = ['SUCCEEDED', 'FAILED', 'BLOCKED', 'STOPPED'];
const ANY_CREATE_STATUS = 'pending';
/** Docs silent (§7.6): X-RateLimit-Remaining when no limit is configured for the workspace. */
const UNLIMITED_REMAINING = '1000';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** How a test can end a run at once (`finishRun`, `endRunsOnCreation`). */
export type ForcedRunEnd = 'SUCCEEDED' | 'PARTIAL_SUCCEEDED' | 'FAILED' | 'BLOCKED' | 'STOPPED';

interface RunState {
	id: number;
	uid: string;
	ws: Workspace;
	spec: ActionSpec;
	mode: 'ASYNC' | 'LIVE';
	status: RunStatus;
	/** Every status the run has had, in order (the first is where it started). */
	history: RunStatus[];
	parameters: Record<string, unknown>;
	callback: CallbackSpec | null;
	scheduledRunUid: string | null;
	inputs: InputStore;
	outputs: SegmentOutputs | FormulaOutputs;
	/** GET /runs/{uid}/outputs serves at most this many (the first ones); null serves them all. */
	servedOutputs: number | null;
	outputBytes?: number;
	lastError: EdgesErrorBody | null;
	retryCount: number;
	createdAt: number;
	updatedAt: number;
	startedAt: number | null;
	finishedAt: number | null;
	seq: number;
	held: boolean;
	/** Cancels the pending timer; set while the run progresses by itself. */
	cancelTimer: (() => void) | null;
	/** Input indices still to start, read from `queueHead`. */
	queue: number[];
	queueHead: number;
	active: number[];
	/** Callbacks held back by the reorder fault until the run ends. */
	reorderBuffer: CallbackPayload[] | null;
	/** Uids, refs and shuffles of this run's background work come from its own stream (reproducible). */
	rng: Rng;
}

interface ScheduleState {
	uid: string;
	ws: Workspace;
	spec: ActionSpec;
	name: string | null;
	status: ScheduleStatus;
	cron: string | null;
	timezone: string;
	scheduleAt: number | null;
	request: RunRequest;
	nextExecutionAt: number | null;
	lastExecutedAt: number | null;
	lastRunUid: string | null;
	createdAt: number;
	updatedAt: number;
	seq: number;
}

interface Answer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

interface Waiter {
	check: () => void;
}

export class EdgesSimulator {
	readonly url: string;
	readonly baseUrl: string;
	readonly requests: LoggedRequest[] = [];
	readonly deliveries: LoggedDelivery[] = [];

	private readonly seed: number;
	private readonly options: Required<Omit<SimulatorOptions, 'seed'>>;
	private readonly rng: Rng;
	private readonly startedAt: number;
	private readonly runs = new Map<string, RunState>();
	private readonly runList: RunState[] = [];
	private readonly schedules = new Map<string, ScheduleState>();
	private readonly dispatcher: CallbackDispatcher;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly waiters = new Set<Waiter>();
	private readonly faults: FaultRule[] = [];
	private readonly rateLimits = new Map<string, RateLimit>();
	private readonly buckets = new Map<string, TokenBucket>();
	private holding = false;
	private endOnCreation: ForcedRunEnd | null = null;
	private inputHiddenInOutputs = false;
	private stopped = false;
	private seq = 0;
	private runIdCounter = 1000;
	private errorCounter = 0;

	private constructor(
		private readonly server: http.Server,
		port: number,
		options: SimulatorOptions,
	) {
		this.seed = options.seed ?? 1;
		this.options = {
			outputsPaging: options.outputsPaging ?? 'cursor',
			callbacksMaxLimit: options.callbacksMaxLimit ?? 100,
			stepMs: options.stepMs ?? 5,
			callbackRetry: options.callbackRetry ?? { attempts: 3, delayMs: 20 },
			callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
			asyncCreateStatus: options.asyncCreateStatus ?? 200,
			requireHttpsCallbacks: options.requireHttpsCallbacks ?? false,
			rateLimitClock: options.rateLimitClock ?? (() => Date.now()),
		};
		this.rng = new Rng(hash32(this.seed, 'simulator'));
		this.url = `http://127.0.0.1:${port}`;
		this.baseUrl = `${this.url}/v1`;
		this.startedAt = Date.now();
		this.dispatcher = new CallbackDispatcher(
			{
				now: () => Date.now(),
				elapsed: () => this.elapsed(),
				later: (ms, fn) => this.later(ms, fn),
				logDelivery: (delivery) => this.deliveries.push(delivery),
				changed: () => this.notify(),
			},
			this.options.callbackRetry,
			this.options.callbackTimeoutMs,
		);
	}

	/** Starts a simulator on 127.0.0.1 on a free port. */
	static async start(options: SimulatorOptions = {}): Promise<EdgesSimulator> {
		const holder: { simulator?: EdgesSimulator } = {};
		const server = http.createServer((req, res) => {
			if (holder.simulator) void holder.simulator.handle(req, res);
			else res.destroy();
		});
		server.keepAliveTimeout = 5000;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const { port } = server.address() as AddressInfo;
		holder.simulator = new EdgesSimulator(server, port, options);
		return holder.simulator;
	}

	/** Closes the server, cancels every timer and ends deliveries in flight. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.dispatcher.stop();
		for (const waiter of [...this.waiters]) waiter.check();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ---- observation ---------------------------------------------------------------------------

	clearRequests(): void {
		this.requests.length = 0;
	}

	run(uid: string): SimRun | undefined {
		const run = this.runs.get(uid);
		return run ? this.simRun(run) : undefined;
	}

	waitForRun(uid: string, statuses: string[], timeoutMs = 10_000): Promise<SimRun> {
		if (!this.runs.has(uid)) return Promise.reject(new Error(`waitForRun: unknown run ${uid}`));
		return this.waitUntil(
			() => {
				const run = this.runs.get(uid) as RunState;
				return statuses.includes(run.status) ? this.simRun(run) : undefined;
			},
			timeoutMs,
			() => `run ${uid} to reach ${statuses.join('|')} (it is ${this.runs.get(uid)?.status})`,
		);
	}

	waitForDeliveries(
		predicate: (d: LoggedDelivery[]) => boolean,
		timeoutMs = 10_000,
	): Promise<LoggedDelivery[]> {
		return this.waitUntil(
			() => (predicate(this.deliveries) ? this.deliveries : undefined),
			timeoutMs,
			() => `deliveries to match (${this.deliveries.length} so far)`,
		);
	}

	/**
	 * Resolves when `predicate` holds; it is checked now and after every change of a run or a callback
	 * (e.g. `() => (sim.run(uid)?.outputCount ?? 0) >= 10`).
	 */
	waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
		return this.waitUntil(
			() => (predicate() ? true : undefined),
			timeoutMs,
			() => 'the predicate of waitFor',
		).then(() => undefined);
	}

	/** Resolves when no run progresses by itself (held runs do not count) and no callback is pending. */
	waitForIdle(timeoutMs = 10_000): Promise<void> {
		return this.waitUntil(
			() => (this.isIdle() ? true : undefined),
			timeoutMs,
			() =>
				`idle (${this.runList.filter((r) => r.cancelTimer).length} runs progressing, ${this.dispatcher.pendingCount} callbacks pending)`,
		).then(() => undefined);
	}

	// ---- seeding ---------------------------------------------------------------------------------

	/**
	 * A run that is already over, with `outputs` outputs generated on demand (nothing big is stored).
	 * List actions put every output on one input; single-result actions have one input per output. Then
	 * come `failedInputs` failed inputs (LK_ERROR; BAD_INPUT and BLOCKED when the status is BLOCKED). The
	 * status defaults to SUCCEEDED, or PARTIAL_SUCCEEDED/FAILED when there are failed inputs.
	 * `servedOutputs` (0..outputs) makes the outputs route serve only the first that many while the run
	 * still reports `output_count` = `outputs` (see `serveOutputs`).
	 */
	seedRun(options: {
		apiKey?: string;
		action?: string;
		outputs: number;
		servedOutputs?: number;
		outputBytes?: number;
		status?: RunStatus;
		failedInputs?: number;
		mode?: 'ASYNC' | 'LIVE';
	}): string {
		const ws = WORKSPACES.get(options.apiKey ?? DEFAULT_API_KEY);
		if (!ws) throw new Error('seedRun: unknown apiKey');
		const spec = ACTIONS[options.action ?? 'linkedin-search-people'];
		if (!spec) throw new Error(`seedRun: unknown action ${options.action}`);
		const failed = options.failedInputs ?? 0;
		const outputs = options.outputs;
		const list = spec.kind === 'list';
		const status: RunStatus =
			options.status ?? (failed === 0 ? 'SUCCEEDED' : outputs > 0 ? 'PARTIAL_SUCCEEDED' : 'FAILED');
		const now = Date.now();
		const uid = this.rng.uuid();
		const blocked = status === 'BLOCKED';
		const failure: EdgesErrorBody = blocked
			? errorBody(400, 'BAD_INPUT', 'The input is not valid for this action', '', {}, 'input')
			: errorBody(424, 'LK_ERROR', 'LinkedIn answered with an unexpected error', '', {}, 'input');
		const succeeded = list ? (outputs > 0 || failed === 0 ? 1 : 0) : outputs;
		const run = this.newRun(ws, spec, options.mode ?? 'ASYNC', uid, now);
		run.status = status;
		run.history = [status];
		run.inputs = new VirtualInputs({
			seed: this.seed,
			runUid: uid,
			spec,
			succeeded,
			failed,
			outputsPerSuccess: () => (list ? outputs : 1),
			failure,
			failedStatus: blocked ? 'BLOCKED' : 'FAILED',
			at: now,
		});
		run.outputs = new FormulaOutputs(outputs, list, now);
		run.outputBytes = options.outputBytes ?? 1000;
		if (options.servedOutputs !== undefined) {
			run.servedOutputs = servedCount('seedRun', options.servedOutputs, outputs);
		}
		run.startedAt = now;
		run.finishedAt = FINISHED.includes(status) || status === 'STOPPED' ? now : null;
		if (status === 'FAILED' || status === 'BLOCKED')
			run.lastError = { ...failure, error_ref: this.errorRef() };
		this.addRun(run);
		return uid;
	}

	// ---- control ---------------------------------------------------------------------------------

	/**
	 * Edges lost outputs of a run: from now on GET /runs/{uid}/outputs serves at most the first `count`
	 * outputs, in both paging styles, while `output_count`, the inputs, the callbacks and the credits still
	 * count every output. `null` serves them all again. Works on any run, seeded or started over HTTP; a
	 * run still going keeps producing, only what is served stops at `count`.
	 */
	serveOutputs(runUid: string, count: number | null): void {
		const run = this.runs.get(runUid);
		if (!run) throw new Error(`serveOutputs: unknown run ${runUid}`);
		run.servedOutputs = count === null ? null : servedCount('serveOutputs', count);
	}

	/** A token bucket per workspace (all of them, or the one of `apiKey`); `null` removes the limit. */
	setRateLimit(scope: RateScope, limit: RateLimit | null, apiKey?: string): void {
		const targets = apiKey ? [WORKSPACES.get(apiKey)] : [...WORKSPACES.values()];
		for (const ws of targets) {
			if (!ws) throw new Error('setRateLimit: unknown apiKey');
			const key = `${ws.uid}:${scope}`;
			if (limit) {
				if (!(limit.perSecond > 0)) throw new Error('setRateLimit: perSecond must be > 0');
				this.rateLimits.set(key, limit);
				this.buckets.set(key, new TokenBucket(limit, this.options.rateLimitClock()));
			} else {
				this.rateLimits.delete(key);
				this.buckets.delete(key);
			}
		}
	}

	injectFaults(rule: FaultRule): void {
		this.faults.push({ ...rule });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** Merges into the current callback faults (a key left out keeps its value; 0/false turns it off). */
	setCallbackFaults(faults: CallbackFaults): void {
		Object.assign(this.dispatcher.faults, faults);
	}

	holdRuns(hold: boolean): void {
		this.holding = hold;
		if (hold) return;
		for (const run of this.runList) {
			if (!run.held) continue;
			run.held = false;
			if (run.status === 'RUNNING' && !run.cancelTimer) this.schedule(run, () => this.tick(run));
		}
		this.notify();
	}

	/**
	 * Completes a run now (normally a held one) and resolves once its callbacks are delivered or failed.
	 * With `status`, every input not yet done is given the matching outcome (SUCCEEDED: succeeds;
	 * FAILED: LK_ERROR; BLOCKED: BAD_INPUT; STOPPED: stopped; PARTIAL_SUCCEEDED: the first fails, the
	 * others succeed) and the run ends with that status.
	 */
	async finishRun(uid: string, outcome: { status?: ForcedRunEnd } = {}): Promise<void> {
		const run = this.runs.get(uid);
		if (!run) throw new Error(`finishRun: unknown run ${uid}`);
		if (run.mode === 'LIVE') throw new Error(`finishRun: run ${uid} is a live run`);
		const progressing = ['CREATED', 'QUEUED', 'SCHEDULED', 'RUNNING'].includes(run.status);
		if (!progressing) throw new Error(`finishRun: run ${uid} is already ${run.status}`);
		this.endRunNow(run, outcome.status);
		await this.waitUntil(
			() => (this.dispatcher.pendingForRun(uid) === 0 ? true : undefined),
			this.options.callbackTimeoutMs * (this.options.callbackRetry.attempts + 1) + 5000,
			() => `callbacks of run ${uid} to be delivered`,
		);
	}

	/**
	 * Async runs created from now on end before their creation is answered, with `status` (as `finishRun`
	 * gives it), and their callbacks go out at once; `null` turns this off. Models a run that Edges ends
	 * within milliseconds (every input refused, a tiny run): its final callback can reach the client before
	 * the client has even read the creation answer.
	 */
	endRunsOnCreation(status: ForcedRunEnd | null): void {
		this.endOnCreation = status;
	}

	/**
	 * From now on, every output (outputs endpoint, live answers, callback results) leaves out the fields named
	 * like its action's input fields, e.g. `linkedin_profile_url` of linkedin-extract-people; `false` undoes
	 * it. Models an action whose results do not repeat their input (most real actions: a search result is a
	 * person found, not the search URL), so tests can check what readers do with results that cannot be
	 * matched back to the input that produced them.
	 */
	hideInputInOutputs(hide: boolean): void {
		this.inputHiddenInOutputs = hide;
	}

	private omittedOutputFields(spec: ActionSpec): readonly string[] | undefined {
		return this.inputHiddenInOutputs
			? [...spec.inputFields, ...spec.optionalInputFields]
			: undefined;
	}

	/** The synchronous part of `finishRun`: the run ends now, its callbacks are dispatched. */
	private endRunNow(run: RunState, forced: ForcedRunEnd | undefined): void {
		this.materialize(run);
		run.cancelTimer?.();
		run.cancelTimer = null;
		run.held = false;
		if (run.status !== 'RUNNING') this.enterRunning(run);
		if (forced) {
			let first = true;
			for (let i = 0; i < run.inputs.length; i++) {
				const input = run.inputs.get(i);
				if (DONE_INPUT.includes(input.status)) continue;
				input.forced =
					forced === 'SUCCEEDED'
						? 'succeed'
						: forced === 'FAILED'
							? 'fail'
							: forced === 'BLOCKED'
								? 'block'
								: forced === 'STOPPED'
									? 'stop'
									: first
										? 'fail'
										: 'succeed';
				first = false;
			}
		}
		while (!this.processWave(run)) {
			// Waves run back to back: the test asked for the run to end now.
		}
		this.finalize(run, forced);
	}

	/**
	 * Starts the next occurrence of a schedule now and returns the new run's uid. Refuses (throws) when the
	 * schedule is not ACTIVE, or when its previous run is still going (docs: that occurrence is skipped).
	 */
	async fireSchedule(scheduleUid: string): Promise<string> {
		const schedule = this.schedules.get(scheduleUid);
		if (!schedule) throw new Error(`fireSchedule: unknown schedule ${scheduleUid}`);
		if (schedule.status !== 'ACTIVE') {
			throw new Error(
				`fireSchedule: schedule ${scheduleUid} is ${schedule.status} and does not fire`,
			);
		}
		const previous = schedule.lastRunUid ? this.runs.get(schedule.lastRunUid) : undefined;
		if (previous && ['CREATED', 'QUEUED', 'SCHEDULED', 'RUNNING'].includes(previous.status)) {
			throw new Error(
				`fireSchedule: occurrence skipped, run ${previous.uid} of the schedule is still ${previous.status}`,
			);
		}
		const now = Date.now();
		const run = this.createAsyncRun(schedule.ws, schedule.spec, schedule.request, schedule.uid);
		schedule.lastRunUid = run.uid;
		schedule.lastExecutedAt = now;
		schedule.updatedAt = now;
		if (schedule.cron) {
			schedule.nextExecutionAt = nextCronTime(parseCron(schedule.cron), schedule.timezone, now);
		} else {
			schedule.status = 'COMPLETED';
			schedule.nextExecutionAt = null;
		}
		this.notify();
		return run.uid;
	}

	// ---- HTTP ------------------------------------------------------------------------------------

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.url);
		const method = (req.method ?? 'GET').toUpperCase();
		const log: LoggedRequest = {
			method,
			path: url.pathname,
			query: parseQuery(url.searchParams),
			status: 0,
			at: this.elapsed(),
		};
		this.requests.push(log);
		const apiPath = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : url.pathname;

		const fault = this.takeFault(method, apiPath);
		if (fault) log.fault = fault.kind;
		if (fault?.kind === 'reset' && fault.phase === 'before') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'status' && fault.phase !== 'after') {
			this.answerFault(res, log, apiPath, fault);
			req.resume();
			return;
		}

		let answer: Answer;
		try {
			const text = await readBody(req);
			// Node lower-cases header names, so X-API-Key is read case-insensitively, as the docs say.
			const key = req.headers['x-api-key'];
			answer = this.route(method, url, apiPath, text, Array.isArray(key) ? key[0] : key, log);
		} catch (error) {
			answer = this.errorAnswer(error);
		}
		if (this.stopped) return;

		if (fault?.kind === 'status') {
			// phase 'after': whatever the request did stays done; only the answer is lost.
			this.answerFault(res, log, apiPath, fault);
			return;
		}
		if (fault?.kind === 'reset') {
			log.status = 0;
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') {
			await new Promise<void>((resolve) => this.later(fault.ms, resolve));
			if (this.stopped || res.destroyed) return;
		}
		if (fault?.kind === 'truncate') {
			const bytes = Buffer.from(answer.body, 'utf8');
			const half = bytes.subarray(0, Math.floor(bytes.length / 2));
			log.status = answer.status;
			res.writeHead(answer.status, {
				...answer.headers,
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Length': String(half.length),
				Connection: 'close',
			});
			res.end(half, () => req.socket.destroy());
			return;
		}
		this.write(res, log, answer);
	}

	private answerFault(
		res: http.ServerResponse,
		log: LoggedRequest,
		apiPath: string,
		fault: Extract<FaultRule, { kind: 'status' }>,
	): void {
		const headers: Record<string, string> = {};
		if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
		if (fault.status === 429 && apiPath.startsWith('/runs'))
			headers['X-RateLimit-Type'] = '/v1/runs/outputs';
		const body = errorBody(
			fault.status,
			fault.label ?? labelForStatus(fault.status),
			`Injected fault: HTTP ${fault.status}`,
			this.errorRef(),
		);
		this.write(res, log, { status: fault.status, headers, body: JSON.stringify(body) });
	}

	private write(res: http.ServerResponse, log: LoggedRequest, answer: Answer): void {
		log.status = answer.status;
		if (answer.headers['Retry-After'] !== undefined) log.retryAfter = answer.headers['Retry-After'];
		if (res.destroyed) return;
		res.writeHead(answer.status, {
			...answer.headers,
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': String(Buffer.byteLength(answer.body)),
		});
		res.end(answer.body);
	}

	private takeFault(method: string, apiPath: string): FaultRule | undefined {
		const index = this.faults.findIndex(
			(rule) =>
				rule.count > 0 &&
				(!rule.method || rule.method.toUpperCase() === method) &&
				(!rule.pathPrefix || apiPath.startsWith(rule.pathPrefix)),
		);
		if (index < 0) return undefined;
		const rule = this.faults[index];
		rule.count--;
		if (rule.count <= 0) this.faults.splice(index, 1);
		return rule;
	}

	private errorAnswer(error: unknown): Answer {
		if (error instanceof ApiError) {
			const body = errorBody(
				error.status,
				error.label,
				error.message,
				this.errorRef(),
				error.params,
				error.scope,
			);
			return { status: error.status, headers: error.headers, body: JSON.stringify(body) };
		}
		const message = error instanceof Error ? error.message : String(error);
		const body = errorBody(500, 'INTERNAL_ERROR', `Simulator error: ${message}`, this.errorRef());
		return { status: 500, headers: {}, body: JSON.stringify(body) };
	}

	private route(
		method: string,
		url: URL,
		apiPath: string,
		text: string,
		apiKey: string | undefined,
		log: LoggedRequest,
	): Answer {
		if (!url.pathname.startsWith('/v1/'))
			throw notFound(`Route ${method} ${url.pathname} not found`);
		const ws = this.authenticate(apiKey, log);
		const headers: Record<string, string> = {};
		try {
			this.checkRateLimit(ws, apiPath, headers);
			const answer = this.dispatch(method, apiPath, log.query, text, ws);
			return { ...answer, headers: { ...headers, ...answer.headers } };
		} catch (error) {
			const answer = this.errorAnswer(error);
			return { ...answer, headers: { ...headers, ...answer.headers } };
		}
	}

	private authenticate(apiKey: string | undefined, log: LoggedRequest): Workspace {
		const ws = apiKey ? WORKSPACES.get(apiKey) : undefined;
		// Docs silent on the 401 body (§7.5): Edges' error format with UNAUTHORIZED.
		if (!ws)
			throw new ApiError(
				401,
				'UNAUTHORIZED',
				'Missing or invalid API key: send it in the X-API-Key header',
			);
		log.workspaceUid = ws.uid;
		return ws;
	}

	private checkRateLimit(ws: Workspace, apiPath: string, headers: Record<string, string>): void {
		const scope: RateScope | null = apiPath.startsWith('/runs')
			? 'runs'
			: /^\/actions\/[^/]+\/run\/live$/.test(apiPath)
				? 'live'
				: null;
		const now = this.options.rateLimitClock();
		let remaining: number | undefined;
		for (const s of ['all', scope] as const) {
			if (!s) continue;
			const bucket = this.buckets.get(`${ws.uid}:${s}`);
			if (!bucket) continue;
			const taken = bucket.take(now);
			if (!taken.ok) {
				const limit = bucket.limit;
				const retryAfter = formatRetryAfter(taken.retryAfterMs, limit.retryAfter);
				const errorHeaders: Record<string, string> = {
					'Retry-After': retryAfter,
					'X-RateLimit-Remaining': '0',
				};
				if (scope === 'runs') errorHeaders['X-RateLimit-Type'] = '/v1/runs/outputs';
				throw new ApiError(
					429,
					'STATUS_429',
					`Too many requests: the ${s === 'all' ? '' : `${s} `}rate limit of ${limit.perSecond} requests per second is reached`,
					{ retry_after: Number(retryAfter) },
					'request',
					errorHeaders,
				);
			}
			remaining = remaining === undefined ? taken.remaining : Math.min(remaining, taken.remaining);
		}
		if (scope === 'runs')
			headers['X-RateLimit-Remaining'] =
				remaining === undefined ? UNLIMITED_REMAINING : String(remaining);
		else if (remaining !== undefined) headers['X-RateLimit-Remaining'] = String(remaining);
	}

	private dispatch(
		method: string,
		path: string,
		query: Query,
		text: string,
		ws: Workspace,
	): Answer {
		const parts = path.split('/').slice(1).map(safeDecode);
		const [a, b, c, d] = parts;
		const n = parts.length;

		if (method === 'POST' && a === 'actions' && n === 4 && c === 'run') {
			const spec = ACTIONS[b];
			if (!spec) throw notFound(`Action '${b}' not found`);
			const body = parseJsonBody(text);
			if (d === 'live') return this.postLive(ws, spec, body, query);
			if (d === 'async') return this.postAsync(ws, spec, body);
			if (d === 'schedule') return this.postSchedule(ws, spec, body);
		}
		if (a === 'runs') {
			if (method === 'GET' && n === 1) return this.listRuns(ws, query);
			if (b === 'callbacks') {
				if (method === 'GET' && n === 2) return this.listCallbacks(ws, query);
				if (method === 'GET' && n === 3)
					return json(200, this.callbackJson(this.ownCallback(ws, c)));
				if (method === 'POST' && n === 4 && d === 'replay') return this.replay(ws, c);
			}
			if (b !== 'callbacks' && b) {
				if (method === 'GET' && n === 2) return json(200, this.runJson(this.ownRun(ws, b)));
				if (method === 'GET' && n === 3 && c === 'status')
					return json(200, this.statusJson(this.ownRun(ws, b)));
				if (method === 'GET' && n === 3 && c === 'outputs')
					return this.outputs(this.ownRun(ws, b), query);
				if (method === 'GET' && n === 3 && c === 'inputs')
					return this.inputs(this.ownRun(ws, b), query);
				if (method === 'POST' && n === 3 && c === 'cancel') return this.cancel(this.ownRun(ws, b));
				if (method === 'POST' && n === 3 && c === 'resume') return this.resume(this.ownRun(ws, b));
				if (method === 'POST' && n === 3 && c === 'continue')
					return this.continueRun(this.ownRun(ws, b));
			}
		}
		if (a === 'schedules') {
			if (method === 'GET' && n === 1) return this.listSchedules(ws, query);
			if (method === 'GET' && n === 2) return json(200, this.scheduleJson(this.ownSchedule(ws, b)));
			if (method === 'POST' && n === 3 && (c === 'pause' || c === 'resume' || c === 'cancel')) {
				return this.changeSchedule(this.ownSchedule(ws, b), c);
			}
		}
		if (a === 'workspaces' && method === 'GET') {
			if (n === 1) return json(200, this.workspaceJson(ws));
			if (n === 2 && b === 'consumption') return json(200, this.consumptionJson(ws));
		}
		throw notFound(`Route ${method} /v1${path} not found`);
	}

	// ---- actions ---------------------------------------------------------------------------------

	private postLive(ws: Workspace, spec: ActionSpec, body: unknown, query: Query): Answer {
		const request = validateLiveRequest(spec, body);
		this.checkIdentity(ws, spec, request);
		const cursor = stringParam(query, 'cursor');
		let run: RunState;
		let offset = 0;
		if (cursor !== undefined) {
			const decoded = decodeCursor(cursor);
			const found = decoded ? this.runs.get(String(decoded.r)) : undefined;
			if (!decoded || !found || found.ws !== ws || found.mode !== 'LIVE' || found.spec !== spec) {
				throw badParameters('querystring/cursor is invalid or expired', { cursor });
			}
			run = found;
			offset = Number(decoded.o);
		} else {
			const input = request.inputs[0];
			const problem = classifyInput(spec, input.data);
			if (problem?.status === 'BLOCKED') {
				throw new ApiError(
					400,
					'BAD_INPUT',
					problem.message,
					{ validation_errors: problem.validationErrors ?? {} },
					'input',
				);
			}
			const now = Date.now();
			run = this.newRun(ws, spec, 'LIVE', this.rng.uuid(), now);
			run.parameters = request.parameters;
			const state = newInput(this.seed, spec, run.uid, 0, input.data, input.customData, now);
			run.inputs = new ArrayInputs([state]);
			run.startedAt = now;
			run.finishedAt = now;
			state.startedAt = now;
			state.finishedAt = now;
			this.addRun(run);
			if (problem) {
				const error = errorFromInputError(problem, this.errorRef());
				state.status = 'FAILED';
				state.error = error;
				state.target = 0;
				assignStatus(run, 'FAILED');
				run.lastError = error;
				throw new ApiError(error.status_code, error.error_label, error.message, {}, 'input');
			}
			assignStatus(run, 'SUCCEEDED');
			state.status = 'SUCCEEDED';
			const max =
				typeof request.parameters.max_results === 'number'
					? request.parameters.max_results
					: Infinity;
			state.target =
				spec.kind === 'single'
					? 1
					: Math.min(availableResults(spec, state.data, state.identity), max);
		}
		const input = run.inputs.get(0);
		const target = input.target ?? 0;
		const now = Date.now();
		if (spec.kind === 'single') {
			if (input.produced === 0) {
				(run.outputs as SegmentOutputs).append(0, 0, 1, now);
				input.produced = 1;
			}
			return { status: 200, headers: {}, body: this.outputText(run, 0) };
		}
		const end = Math.min(target, offset + spec.pageSize);
		if (end > input.produced) {
			(run.outputs as SegmentOutputs).append(0, input.produced, end - input.produced, now);
			input.produced = end;
			run.updatedAt = now;
		}
		const items: string[] = [];
		for (let k = offset; k < end; k++) items.push(this.outputForInput(run, input, k, now));
		const headers: Record<string, string> = {};
		if (end < target) {
			headers['X-Pagination-Next'] =
				`${this.baseUrl}/actions/${spec.slug}/run/live?cursor=${encodeCursor({ r: run.uid, o: end })}`;
		}
		return { status: 200, headers, body: `[${items.join(',')}]` };
	}

	/**
	 * Actions that act as a LinkedIn account need an identity: given ones (direct), any of the workspace
	 * (auto, the default) or Edges' pool (managed). Docs silent on when the refusal comes: at the request,
	 * 424 NO_VALID_ACCOUNT_CONFIGURED, when the workspace has no synced identity and none is given.
	 */
	private checkIdentity(ws: Workspace, spec: ActionSpec, request: RunRequest): void {
		if (
			!spec.identityRequired ||
			request.identityMode === 'managed' ||
			request.identityIds.length > 0
		)
			return;
		if (ws.identitiesSynced > 0) return;
		throw new ApiError(
			424,
			'NO_VALID_ACCOUNT_CONFIGURED',
			`${spec.slug} needs a LinkedIn identity and the workspace has none synced: pass identity_ids or use identity_mode "managed"`,
		);
	}

	private postAsync(ws: Workspace, spec: ActionSpec, body: unknown): Answer {
		const request = validateRunRequest(spec, body, {
			maxInputs: 100_000,
			extraKeys: [],
			requireHttps: this.options.requireHttpsCallbacks,
		});
		this.checkIdentity(ws, spec, request);
		const run = this.createAsyncRun(ws, spec, request, null);
		if (this.endOnCreation) this.endRunNow(run, this.endOnCreation);
		// Docs: the creation answer has a lowercase status (pending|running|completed|failed).
		return json(this.options.asyncCreateStatus, {
			run_id: run.id,
			run_uid: run.uid,
			workspace_uid: ws.uid,
			user_uid: ws.userUid,
			action_name: spec.slug,
			status: ANY_CREATE_STATUS,
			postponed_until: null,
			created_at: iso(run.createdAt),
			updated_at: iso(run.updatedAt),
		});
	}

	private postSchedule(ws: Workspace, spec: ActionSpec, body: unknown): Answer {
		const request = validateScheduleRequest(spec, body, {
			requireHttps: this.options.requireHttpsCallbacks,
			parseCron,
			isValidTimeZone,
		});
		this.checkIdentity(ws, spec, request);
		const now = Date.now();
		const uid = this.rng.uuid();
		let next: number | null;
		if (request.scheduleAt !== null && request.scheduleAt > now) next = request.scheduleAt;
		else if (request.cron) next = nextCronTime(parseCron(request.cron), request.timezone, now);
		else next = request.scheduleAt ?? now; // Docs: no schedule_at = now (one-shot).
		const schedule: ScheduleState = {
			uid,
			ws,
			spec,
			name: request.name,
			status: 'ACTIVE',
			cron: request.cron,
			timezone: request.timezone,
			scheduleAt: request.scheduleAt,
			request,
			nextExecutionAt: next,
			lastExecutedAt: null,
			lastRunUid: null,
			createdAt: now,
			updatedAt: now,
			seq: this.seq++,
		};
		this.schedules.set(uid, schedule);
		// Docs silent on the uid's key (§7.3): it is sent as both `uid` and `scheduled_run_uid`.
		return json(this.options.asyncCreateStatus, {
			uid,
			scheduled_run_uid: uid,
			status: schedule.status,
			cron: schedule.cron,
			timezone: schedule.timezone,
			next_execution_at: next === null ? null : iso(next),
			created_at: iso(now),
		});
	}

	// ---- runs --------------------------------------------------------------------------------------

	private listRuns(ws: Workspace, query: Query): Answer {
		const limit = intParam(query, 'limit', { def: 10, min: 1, max: 100 });
		const offset = intParam(query, 'offset', { def: 0, min: 0 });
		const statuses = listParam(query, 'status', RUN_STATUSES);
		const actions = listParam(query, 'action_name');
		const modes = listParam(query, 'execution_mode', ['LIVE', 'ASYNC']);
		const uids = listParam(query, 'uid');
		const users = listParam(query, 'user_uid');
		const sort = sortParam(query, ['created_at', 'status', 'updated_at']);
		const runs = this.runList.filter(
			(run) =>
				run.ws === ws &&
				(!statuses || statuses.includes(run.status)) &&
				(!actions || actions.includes(run.spec.slug)) &&
				(!modes || modes.includes(run.mode)) &&
				(!uids || uids.includes(run.uid)) &&
				(!users || users.includes(ws.userUid)),
		);
		sortItems(runs, sort, (run, field) =>
			field === 'status' ? run.status : field === 'updated_at' ? run.updatedAt : run.createdAt,
		);
		return json(
			200,
			runs.slice(offset, offset + limit).map((run) => this.runJson(run)),
		);
	}

	private outputs(run: RunState, query: Query): Answer {
		// Docs: not available for live runs. Docs silent on the answer: 400 BAD_PARAMETERS.
		if (run.mode === 'LIVE') {
			throw badParameters(
				'Outputs are not available for live runs: a live call returns its results directly',
			);
		}
		// Docs silent (§7.11) on a run still going: the outputs produced so far are answered, 200.
		// A test may have capped what is served (`servedOutputs`): the listing then ends there.
		const total =
			run.servedOutputs === null
				? run.outputs.count
				: Math.min(run.outputs.count, run.servedOutputs);
		if (this.options.outputsPaging === 'legacy') {
			const limit = intParam(query, 'limit', { def: 100, min: 1, max: 100 });
			const offset = intParam(query, 'offset', { def: 0, min: 0 });
			return this.outputsPage(run, offset, Math.min(total, offset + limit), {});
		}
		const limit = intParam(query, 'limit', { def: 100, min: 1, max: 500 });
		if (query.offset !== undefined) {
			// Docs: `offset` is deprecated; sending it switches the request to offset paging (no header).
			const offset = intParam(query, 'offset', { def: 0, min: 0 });
			return this.outputsPage(run, offset, Math.min(total, offset + limit), {});
		}
		let start = 0;
		const cursor = stringParam(query, 'cursor');
		if (cursor !== undefined) {
			const decoded = decodeCursor(cursor);
			if (!decoded || decoded.r !== run.uid || typeof decoded.o !== 'number' || decoded.o < 0) {
				throw badParameters('querystring/cursor is invalid or expired', { cursor });
			}
			start = decoded.o;
		}
		const end = Math.min(total, start + limit);
		const headers: Record<string, string> = {};
		if (end < total) {
			headers['X-Pagination-Next'] =
				`${this.baseUrl}/runs/${run.uid}/outputs?limit=${limit}&cursor=${encodeCursor({ r: run.uid, o: end })}`;
		}
		return this.outputsPage(run, start, end, headers);
	}

	/** Builds a page's JSON in one go from per-output JSON strings (a 500 x 1 KB page is 500 KB). */
	private outputsPage(
		run: RunState,
		start: number,
		end: number,
		headers: Record<string, string>,
	): Answer {
		const parts: string[] = [];
		for (let i = start; i < end; i++) parts.push(this.outputText(run, i));
		return { status: 200, headers, body: `[${parts.join(',')}]` };
	}

	private outputText(run: RunState, index: number): string {
		const location = run.outputs.locate(index);
		const input = run.inputs.get(location.inputIndex);
		return this.outputForInput(run, input, location.k, location.producedAt);
	}

	private outputForInput(run: RunState, input: InputState, k: number, producedAt: number): string {
		return outputJson({
			seed: this.seed,
			spec: run.spec,
			input: input.data,
			identity: input.identity,
			k,
			extractedAt: iso(producedAt),
			parameters: run.parameters,
			outputBytes: run.outputBytes,
			omitFields: this.omittedOutputFields(run.spec),
		});
	}

	private inputs(run: RunState, query: Query): Answer {
		const limit = intParam(query, 'limit', { def: 100, min: 1, max: 100 });
		const offset = intParam(query, 'offset', { def: 0, min: 0 });
		const items: unknown[] = [];
		for (let i = offset; i < Math.min(run.inputs.length, offset + limit); i++)
			items.push(inputJson(run.inputs.get(i)));
		return json(200, items);
	}

	private cancel(run: RunState): Answer {
		if (run.mode === 'LIVE') throw badParameters('Live runs cannot be cancelled');
		// Docs silent: cancelling a STOPPED run again answers it unchanged; a finished run cannot be cancelled.
		if (run.status === 'STOPPED') return json(200, this.runJson(run));
		if (FINISHED.includes(run.status)) {
			throw unprocessable(
				'INVALID_RUN_STATUS',
				`Run ${run.uid} is ${run.status} and cannot be cancelled`,
				{
					status: run.status,
				},
			);
		}
		this.materialize(run);
		run.cancelTimer?.();
		run.cancelTimer = null;
		run.held = false;
		// Docs: pending work stops and no further callbacks are sent (callbacks held by the reorder fault
		// were never sent, so they are dropped; those already queued before the cancel still go out).
		run.reorderBuffer = null;
		const now = Date.now();
		for (let i = 0; i < run.inputs.length; i++) {
			const input = run.inputs.get(i);
			if (DONE_INPUT.includes(input.status)) continue;
			input.status = 'STOPPED';
			input.finishedAt = now;
			input.updatedAt = now;
		}
		assignStatus(run, 'STOPPED');
		run.finishedAt = now;
		run.updatedAt = now;
		this.notify();
		return json(200, this.runJson(run));
	}

	private resume(run: RunState): Answer {
		if (run.mode === 'LIVE' || (run.status !== 'BLOCKED' && run.status !== 'STOPPED')) {
			throw unprocessable(
				'INVALID_RUN_STATUS',
				`Only a BLOCKED or STOPPED run can be resumed; run ${run.uid} is ${run.status}`,
				{
					status: run.status,
				},
			);
		}
		this.materialize(run);
		// Docs (recover-blocked-run): status -> SCHEDULED, last_error cleared, retry_count 0; succeeded
		// inputs are not re-run, the others (BLOCKED, STOPPED, never done) are.
		const pending: number[] = [];
		for (let i = 0; i < run.inputs.length; i++) {
			const input = run.inputs.get(i);
			if (input.status === 'SUCCEEDED' || input.status === 'FAILED') continue;
			this.rescheduleInput(input);
			pending.push(i);
		}
		this.restart(run, pending);
		// Docs silent on the answer (§7.4): the Run object, like cancel and continue.
		return json(200, this.runJson(run));
	}

	private continueRun(run: RunState): Answer {
		const allowed: readonly RunStatus[] = [
			'BLOCKED',
			'STOPPED',
			'FAILED',
			'PARTIAL_SUCCEEDED',
			'SUCCEEDED',
		];
		if (run.mode === 'LIVE' || run.parameters.sync_mode !== 'incremental') {
			throw unprocessable(
				'INVALID_RUN_STATUS',
				'Only runs started with parameters.sync_mode "incremental" can be continued',
			);
		}
		if (!allowed.includes(run.status)) {
			throw unprocessable(
				'INVALID_RUN_STATUS',
				`Run ${run.uid} is ${run.status} and cannot be continued`,
				{
					status: run.status,
				},
			);
		}
		this.materialize(run);
		const maxResults = this.maxResults(run);
		const pending: number[] = [];
		for (let i = 0; i < run.inputs.length; i++) {
			const input = run.inputs.get(i);
			// New items only: a list input may fetch up to max_results more of what it has not fetched yet.
			if (input.target !== null && run.spec.kind === 'list') {
				const available = availableResults(run.spec, input.data, input.identity);
				input.target += Math.max(0, Math.min(maxResults, available - input.target));
			}
			this.rescheduleInput(input);
			pending.push(i);
		}
		this.restart(run, pending);
		return json(200, this.runJson(run));
	}

	private rescheduleInput(input: InputState): void {
		input.status = 'SCHEDULED';
		input.error = null;
		input.validationErrors = null;
		input.forced = null;
		input.emittedThisPass = false;
		input.finishedAt = null;
		input.updatedAt = Date.now();
	}

	private restart(run: RunState, pending: number[]): void {
		const now = Date.now();
		assignStatus(run, 'SCHEDULED');
		run.lastError = null;
		run.retryCount = 0;
		run.finishedAt = null;
		run.updatedAt = now;
		run.queue = pending;
		run.queueHead = 0;
		run.active = [];
		this.schedule(run, () => this.enterRunningAndTick(run));
		this.notify();
	}

	// ---- callbacks history -----------------------------------------------------------------------

	private listCallbacks(ws: Workspace, query: Query): Answer {
		const limit = intParam(query, 'limit', {
			def: 10,
			min: 1,
			max: this.options.callbacksMaxLimit,
		});
		const offset = intParam(query, 'offset', { def: 0, min: 0 });
		const statuses = listParam(query, 'status', CALLBACK_STATUSES);
		const runUids = listParam(query, 'run_uid');
		const sort = sortParam(query, ['created_at', 'status', 'updated_at']);
		const records = this.dispatcher.records.filter(
			(record) =>
				record.workspaceUid === ws.uid &&
				(!statuses || statuses.includes(record.status)) &&
				(!runUids || runUids.includes(record.runUid)),
		);
		sortItems(records, sort, (record, field) =>
			field === 'status'
				? record.status
				: field === 'updated_at'
					? record.updatedAt
					: record.createdAt,
		);
		return json(
			200,
			records.slice(offset, offset + limit).map((record) => this.callbackJson(record)),
		);
	}

	private replay(ws: Workspace, uid: string): Answer {
		const original = this.ownCallback(ws, uid);
		// Docs: only the original can be replayed, at most 3 times. Docs silent on the refusal: 422 with
		// REPLAY_NOT_ALLOWED / REPLAY_LIMIT_REACHED (not 429, which clients would wait on and retry).
		if (original.parentUid !== null) {
			throw unprocessable(
				'REPLAY_NOT_ALLOWED',
				`Callback ${uid} is a replay of ${original.parentUid}; only the original callback can be replayed`,
				{
					parent_uid: original.parentUid,
				},
			);
		}
		const replays = this.dispatcher.records.filter(
			(record) => record.parentUid === original.uid,
		).length;
		if (replays >= 3) {
			throw unprocessable(
				'REPLAY_LIMIT_REACHED',
				`Callback ${uid} has already been replayed 3 times, the maximum`,
				{
					max_replays: 3,
				},
			);
		}
		const record = this.dispatcher.create({
			uid: this.rng.uuid(),
			parentUid: original.uid,
			runUid: original.runUid,
			workspaceUid: original.workspaceUid,
			url: original.url,
			callerHeaders: original.callerHeaders,
			payload: original.payload,
		});
		this.dispatcher.enqueue(record, record.uid);
		return json(200, this.callbackJson(record));
	}

	// ---- schedules ---------------------------------------------------------------------------------

	private listSchedules(ws: Workspace, query: Query): Answer {
		// Docs silent on limits (§7.3): the runs list's (default 10, max 100).
		const limit = intParam(query, 'limit', { def: 10, min: 1, max: 100 });
		const offset = intParam(query, 'offset', { def: 0, min: 0 });
		const statuses = listParam(query, 'status', SCHEDULE_STATUSES);
		const actions = listParam(query, 'action_name');
		const sort = sortParam(query, ['created_at', 'status', 'updated_at']);
		const schedules = [...this.schedules.values()].filter(
			(schedule) =>
				schedule.ws === ws &&
				(!statuses || statuses.includes(schedule.status)) &&
				(!actions || actions.includes(schedule.spec.slug)),
		);
		sortItems(schedules, sort, (schedule, field) =>
			field === 'status'
				? schedule.status
				: field === 'updated_at'
					? schedule.updatedAt
					: schedule.createdAt,
		);
		return json(
			200,
			schedules.slice(offset, offset + limit).map((schedule) => this.scheduleJson(schedule)),
		);
	}

	private changeSchedule(schedule: ScheduleState, action: 'pause' | 'resume' | 'cancel'): Answer {
		const now = Date.now();
		const refuse = () =>
			unprocessable(
				'INVALID_SCHEDULE_STATUS',
				`Schedule ${schedule.uid} is ${schedule.status} and cannot be ${action}d`,
				{
					status: schedule.status,
				},
			);
		// Docs silent: repeating a change answers the schedule unchanged; changing a finished one is a 422.
		if (action === 'pause') {
			if (schedule.status === 'ACTIVE') schedule.status = 'PAUSED';
			else if (schedule.status !== 'PAUSED') throw refuse();
		} else if (action === 'resume') {
			if (schedule.status === 'PAUSED') {
				schedule.status = 'ACTIVE';
				if (schedule.cron)
					schedule.nextExecutionAt = nextCronTime(parseCron(schedule.cron), schedule.timezone, now);
			} else if (schedule.status !== 'ACTIVE') throw refuse();
		} else {
			if (schedule.status === 'COMPLETED') throw refuse();
			schedule.status = 'CANCELLED';
			schedule.nextExecutionAt = null;
		}
		schedule.updatedAt = now;
		this.notify();
		// Docs silent on the answer: the schedule as GET /schedules/{uid} shows it.
		return json(200, this.scheduleJson(schedule));
	}

	// ---- run engine --------------------------------------------------------------------------------

	private newRun(
		ws: Workspace,
		spec: ActionSpec,
		mode: 'ASYNC' | 'LIVE',
		uid: string,
		now: number,
	): RunState {
		return {
			id: this.runIdCounter++,
			uid,
			ws,
			spec,
			mode,
			status: 'CREATED',
			history: ['CREATED'],
			parameters: {},
			callback: null,
			scheduledRunUid: null,
			inputs: new ArrayInputs([]),
			outputs: new SegmentOutputs(),
			servedOutputs: null,
			lastError: null,
			retryCount: 0,
			createdAt: now,
			updatedAt: now,
			startedAt: null,
			finishedAt: null,
			seq: this.seq++,
			held: false,
			cancelTimer: null,
			queue: [],
			queueHead: 0,
			active: [],
			reorderBuffer: null,
			rng: new Rng(hash32(this.seed, 'run', uid)),
		};
	}

	private addRun(run: RunState): void {
		this.runs.set(run.uid, run);
		this.runList.push(run);
		this.notify();
	}

	private createAsyncRun(
		ws: Workspace,
		spec: ActionSpec,
		request: RunRequest,
		scheduledRunUid: string | null,
	): RunState {
		const now = Date.now();
		const run = this.newRun(ws, spec, 'ASYNC', this.rng.uuid(), now);
		run.parameters = { ...request.parameters };
		run.callback = request.callback;
		run.scheduledRunUid = scheduledRunUid;
		run.held = this.holding;
		run.inputs = new ArrayInputs(
			request.inputs.map((input, i) =>
				newInput(this.seed, spec, run.uid, i, input.data, input.customData, now),
			),
		);
		run.queue = request.inputs.map((_, i) => i);
		this.addRun(run);
		this.schedule(run, () => {
			this.setRunStatus(run, 'QUEUED');
			for (let i = 0; i < run.inputs.length; i++) this.setInputStatus(run.inputs.get(i), 'QUEUED');
			this.schedule(run, () => this.enterRunningAndTick(run));
		});
		return run;
	}

	private enterRunningAndTick(run: RunState): void {
		this.enterRunning(run);
		if (run.held) {
			run.cancelTimer = null;
			this.notify();
			return;
		}
		this.schedule(run, () => this.tick(run));
	}

	private enterRunning(run: RunState): void {
		this.setRunStatus(run, 'RUNNING');
		run.startedAt ??= Date.now();
		if (this.dispatcher.faults.reorder && run.callback?.on === 'all') run.reorderBuffer = [];
	}

	private tick(run: RunState): void {
		run.cancelTimer = null;
		if (run.status !== 'RUNNING') return;
		if (this.processWave(run)) this.finalize(run);
		else this.schedule(run, () => this.tick(run));
	}

	/**
	 * One step of a running run: up to `parallel` inputs each produce their next batch (pages of one input
	 * are sequential, inputs run side by side, as Edges processes them in parallel). Returns true when
	 * every input is done. Docs silent on parallelism: max(10, inputs/50), so big runs end in ~100 steps.
	 */
	private processWave(run: RunState): boolean {
		const parallel = Math.max(10, Math.ceil(run.inputs.length / 50));
		while (run.active.length < parallel && run.queueHead < run.queue.length) {
			run.active.push(run.queue[run.queueHead++]);
		}
		const now = Date.now();
		run.active = run.active.filter((index) => !this.stepInput(run, run.inputs.get(index), now));
		run.updatedAt = now;
		this.notify();
		return run.active.length === 0 && run.queueHead >= run.queue.length;
	}

	/** Advances one input by one batch; returns true when the input is done. */
	private stepInput(run: RunState, input: InputState, now: number): boolean {
		const spec = run.spec;
		if (input.status !== 'RUNNING') {
			input.status = 'RUNNING';
			input.startedAt ??= now;
			input.updatedAt = now;
			if (input.forced === 'stop') {
				this.setInputStatus(input, 'STOPPED');
				input.finishedAt = now;
				return true;
			}
			const problem = this.inputOutcome(spec, input);
			if (problem) {
				input.status = problem.status;
				input.error = errorFromInputError(
					problem,
					`err-${hashedUuid(run.uid, 'input-error', input.index)}`,
				);
				input.validationErrors = problem.validationErrors ?? null;
				input.finishedAt = now;
				this.emitCallback(run, {
					status: 'RUNNING',
					input: input.data,
					customData: input.customData,
					error: input.error,
					results: null,
				});
				return true;
			}
			if (input.target === null) {
				input.target =
					spec.kind === 'single'
						? 1
						: Math.min(availableResults(spec, input.data, input.identity), this.maxResults(run));
			}
		}
		if (input.forced === 'fail' || input.forced === 'block') {
			// finishRun forced a failure on an input that had already started.
			const problem = this.inputOutcome(spec, input) as InputError;
			input.status = problem.status;
			input.error = errorFromInputError(
				problem,
				`err-${hashedUuid(run.uid, 'input-error', input.index)}`,
			);
			input.finishedAt = now;
			this.emitCallback(run, {
				status: 'RUNNING',
				input: input.data,
				customData: input.customData,
				error: input.error,
				results: null,
			});
			return true;
		}
		const target = input.target ?? 0;
		const count = Math.min(spec.pageSize, target - input.produced);
		if (count > 0 || !input.emittedThisPass) {
			const start = input.produced;
			if (count > 0) (run.outputs as SegmentOutputs).append(input.index, start, count, now);
			input.produced += Math.max(0, count);
			input.emittedThisPass = true;
			if (run.callback?.on === 'all') {
				const results: Array<Record<string, unknown>> = [];
				for (let k = start; k < start + Math.max(0, count); k++) {
					results.push(
						outputObject({
							seed: this.seed,
							spec,
							input: input.data,
							identity: input.identity,
							k,
							extractedAt: iso(now),
							parameters: run.parameters,
							outputBytes: run.outputBytes,
							omitFields: this.omittedOutputFields(spec),
						}),
					);
				}
				this.emitCallback(run, {
					status: 'RUNNING',
					input: input.data,
					customData: input.customData,
					error: null,
					results,
				});
			}
		}
		input.updatedAt = now;
		if (input.produced >= target) {
			input.status = 'SUCCEEDED';
			input.finishedAt = now;
			return true;
		}
		return false;
	}

	private inputOutcome(spec: ActionSpec, input: InputState): InputError | null {
		if (input.forced === 'succeed') return null;
		if (input.forced === 'fail') {
			return {
				status: 'FAILED',
				status_code: 424,
				label: 'LK_ERROR',
				message: 'LinkedIn answered with an unexpected error',
			};
		}
		if (input.forced === 'block') {
			return {
				status: 'BLOCKED',
				status_code: 400,
				label: 'BAD_INPUT',
				message: 'The input cannot be processed by this action',
			};
		}
		return classifyInput(spec, input.data);
	}

	private maxResults(run: RunState): number {
		const given = run.parameters.max_results;
		return typeof given === 'number' ? given : run.spec.defaultMaxResults;
	}

	/**
	 * Ends a run. Status: every input succeeded -> SUCCEEDED; some -> PARTIAL_SUCCEEDED; none -> FAILED, or
	 * BLOCKED when every input was BLOCKED. last_error = the first failing input's error on FAILED/BLOCKED.
	 */
	private finalize(run: RunState, forced?: RunStatus): void {
		const now = Date.now();
		let succeeded = 0;
		let blocked = 0;
		let firstError: EdgesErrorBody | null = null;
		for (let i = 0; i < run.inputs.length; i++) {
			const input = run.inputs.get(i);
			if (input.status === 'SUCCEEDED') succeeded++;
			if (input.status === 'BLOCKED') blocked++;
			if (!firstError && input.error) firstError = input.error;
		}
		const total = run.inputs.length;
		const status: RunStatus =
			forced ??
			(succeeded === total
				? 'SUCCEEDED'
				: succeeded > 0
					? 'PARTIAL_SUCCEEDED'
					: blocked === total
						? 'BLOCKED'
						: 'FAILED');
		assignStatus(run, status);
		run.updatedAt = now;
		// BLOCKED is not terminal (it can be resumed): finished_at stays empty for it.
		run.finishedAt = status === 'BLOCKED' ? null : now;
		run.lastError = null;
		if (status === 'FAILED' || status === 'BLOCKED') {
			run.lastError =
				firstError ??
				errorBody(
					424,
					'LK_ERROR',
					'The run failed',
					`err-${hashedUuid(run.uid, 'run-error')}`,
					{},
					'input',
				);
		}
		if (run.callback) {
			// Docs silent (§7.9) on the final callback's fields: input and custom_data are null (it is about
			// the run, not one input), error is the run's last_error when it failed, results is [] in
			// on:'all' mode (all results went in the batches) and null in on:'final' mode.
			this.emitCallback(
				run,
				{
					status,
					input: null,
					customData: null,
					error: run.lastError,
					results: run.callback.on === 'all' ? [] : null,
				},
				true,
			);
		}
		if (run.reorderBuffer) {
			const buffered = run.rng.shuffle(run.reorderBuffer);
			run.reorderBuffer = null;
			for (const payload of buffered) this.sendPayload(run, payload);
		}
		this.notify();
	}

	private emitCallback(
		run: RunState,
		parts: {
			status: RunStatus;
			input: Record<string, unknown> | null;
			customData: Record<string, unknown> | null;
			error: EdgesErrorBody | null;
			results: Array<Record<string, unknown>> | null;
		},
		final = false,
	): void {
		if (!run.callback) return;
		if (!final && run.callback.on !== 'all') return;
		const payload: CallbackPayload = {
			callback_ref_uid: run.rng.uuid(),
			run: { run_uid: run.uid, batch_uid: run.rng.uuid(), status: parts.status },
			input: parts.input ? { ...parts.input } : null,
			custom_data: parts.customData,
			error: parts.error,
			results: parts.results,
		};
		if (run.reorderBuffer) run.reorderBuffer.push(payload);
		else this.sendPayload(run, payload);
	}

	private sendPayload(run: RunState, payload: CallbackPayload): void {
		if (!run.callback) return;
		const record = this.dispatcher.create({
			uid: run.rng.uuid(),
			runUid: run.uid,
			workspaceUid: run.ws.uid,
			url: run.callback.url,
			callerHeaders: run.callback.headers,
			payload,
		});
		this.dispatcher.enqueue(record, run.uid);
	}

	/** Replaces a seeded run's generated inputs and outputs with real ones, before it changes. */
	private materialize(run: RunState): void {
		if (run.inputs instanceof VirtualInputs) run.inputs = run.inputs.materialize();
		if (run.outputs instanceof FormulaOutputs) run.outputs = run.outputs.toSegments();
	}

	private setRunStatus(run: RunState, status: RunStatus): void {
		assignStatus(run, status);
		run.updatedAt = Date.now();
		this.notify();
	}

	private setInputStatus(input: InputState, status: InputStatus): void {
		input.status = status;
		input.updatedAt = Date.now();
	}

	/** Runs `fn` after stepMs, as the run's one pending step. */
	private schedule(run: RunState, fn: () => void): void {
		run.cancelTimer?.();
		const cancel = this.later(this.options.stepMs, () => {
			if (run.cancelTimer === cancel) run.cancelTimer = null;
			fn();
		});
		run.cancelTimer = cancel;
	}

	// ---- views -----------------------------------------------------------------------------------

	private runJson(run: RunState): Record<string, unknown> {
		return {
			id: run.id,
			uid: run.uid,
			action_id: run.spec.id,
			action_name: run.spec.slug,
			retry_count: run.retryCount,
			user_uid: run.ws.userUid,
			workspace_uid: run.ws.uid,
			execution_mode: run.mode,
			last_error: run.lastError
				? {
						label: run.lastError.error_label,
						message: run.lastError.message,
						params: run.lastError.params,
					}
				: null,
			parameters: run.parameters,
			callback: run.callback ? { url: run.callback.url } : null,
			status: run.status,
			output_count: run.outputs.count,
			scheduled_run_uid: run.scheduledRunUid,
			started_at: isoOrNull(run.startedAt),
			finished_at: isoOrNull(run.finishedAt),
			created_at: iso(run.createdAt),
			updated_at: iso(run.updatedAt),
		};
	}

	private statusJson(run: RunState): Record<string, unknown> {
		return {
			id: run.id,
			uid: run.uid,
			status: run.status,
			postponed_until: null,
			started_at: isoOrNull(run.startedAt),
			finished_at: isoOrNull(run.finishedAt),
			created_at: iso(run.createdAt),
			updated_at: iso(run.updatedAt),
		};
	}

	private callbackJson(record: CallbackRecordState): Record<string, unknown> {
		return {
			uid: record.uid,
			parent_uid: record.parentUid,
			retry_count: record.retryCount,
			created_at: iso(record.createdAt),
			updated_at: iso(record.updatedAt),
			status: record.status,
			callback_url: record.url,
			http_status: record.httpStatus,
			http_response: record.httpResponse,
			batch_uid: record.batchUid,
			run_uid: record.runUid,
			error: record.status === 'SUCCESS' ? null : record.error,
			workspace_uid: record.workspaceUid,
		};
	}

	private scheduleJson(schedule: ScheduleState): Record<string, unknown> {
		return {
			uid: schedule.uid,
			name: schedule.name,
			status: schedule.status,
			action_name: schedule.spec.slug,
			cron: schedule.cron,
			timezone: schedule.timezone,
			next_execution_at: isoOrNull(schedule.nextExecutionAt),
			last_executed_at: isoOrNull(schedule.lastExecutedAt),
			postponed_until: null,
			workspace_uid: schedule.ws.uid,
			user_uid: schedule.ws.userUid,
			parameters: schedule.request.parameters,
			callback: schedule.request.callback ? { url: schedule.request.callback.url } : null,
			created_at: iso(schedule.createdAt),
			updated_at: iso(schedule.updatedAt),
		};
	}

	private creditsByAction(ws: Workspace): Map<string, { credits: number; runs: number }> {
		const usage = new Map<string, { credits: number; runs: number }>();
		for (const run of this.runList) {
			if (run.ws !== ws) continue;
			const entry = usage.get(run.spec.slug) ?? { credits: 0, runs: 0 };
			entry.credits += run.outputs.count * run.spec.creditsPerResult;
			entry.runs += 1;
			usage.set(run.spec.slug, entry);
		}
		return usage;
	}

	private workspaceJson(ws: Workspace): Record<string, unknown> {
		const used = Math.min(
			ws.creditsMax,
			[...this.creditsByAction(ws).values()].reduce((sum, e) => sum + e.credits, 0),
		);
		const month = monthBounds(Date.now());
		return {
			uid: ws.uid,
			name: ws.name,
			credits_left: ws.creditsMax - used,
			credits_max: ws.creditsMax,
			credits_used: used,
			plan_name: ws.planName,
			current_month_start: month.start,
			current_month_end: month.end,
			identities_included: ws.identitiesIncluded,
			identities_synced: ws.identitiesSynced,
			identities_remaining: ws.identitiesIncluded - ws.identitiesSynced,
		};
	}

	private consumptionJson(ws: Workspace): Record<string, unknown> {
		const usage = this.creditsByAction(ws);
		const used = Math.min(
			ws.creditsMax,
			[...usage.values()].reduce((sum, e) => sum + e.credits, 0),
		);
		const month = monthBounds(Date.now());
		return {
			credits_left: ws.creditsMax - used,
			credits_used: used,
			credits_max: ws.creditsMax,
			current_month_start: month.start,
			current_month_end: month.end,
			consumptions: [...usage].map(([slug, entry]) => ({
				action_slug: slug,
				credits_used: entry.credits,
				runs_count: entry.runs,
			})),
		};
	}

	private simRun(run: RunState): SimRun {
		const inputs = run.inputs;
		let cached: SimInput[] | undefined;
		return {
			uid: run.uid,
			id: run.id,
			workspaceUid: run.ws.uid,
			action: run.spec.slug,
			mode: run.mode,
			status: run.status,
			statusHistory: [...run.history],
			get inputs(): SimInput[] {
				cached ??= Array.from({ length: inputs.length }, (_, i) => {
					const input = inputs.get(i);
					return {
						uid: input.uid,
						index: input.index,
						data: input.data,
						customData: input.customData,
						status: input.status,
						error: input.error,
						outputCount: input.produced,
					};
				});
				return cached;
			},
			outputCount: run.outputs.count,
			callback: run.callback ? { ...run.callback, headers: { ...run.callback.headers } } : null,
			scheduledRunUid: run.scheduledRunUid,
			parameters: run.parameters,
			lastError: run.lastError
				? {
						label: run.lastError.error_label,
						message: run.lastError.message,
						params: run.lastError.params,
					}
				: null,
			held: run.held,
			createdAt: iso(run.createdAt),
			startedAt: isoOrNull(run.startedAt),
			finishedAt: isoOrNull(run.finishedAt),
		};
	}

	// ---- lookups and plumbing --------------------------------------------------------------------

	private ownRun(ws: Workspace, uid: string): RunState {
		const run = this.runs.get(uid);
		// Another workspace's run is indistinguishable from a missing one.
		if (!run || run.ws !== ws) throw notFound(`Run ${uid} not found`);
		return run;
	}

	private ownCallback(ws: Workspace, uid: string): CallbackRecordState {
		const record = this.dispatcher.byUid.get(uid);
		if (!record || record.workspaceUid !== ws.uid) throw notFound(`Callback ${uid} not found`);
		return record;
	}

	private ownSchedule(ws: Workspace, uid: string): ScheduleState {
		const schedule = this.schedules.get(uid);
		if (!schedule || schedule.ws !== ws) throw notFound(`Schedule ${uid} not found`);
		return schedule;
	}

	private errorRef(): string {
		return `err-${hashedUuid(this.seed, 'api-error', this.errorCounter++)}`;
	}

	private elapsed(): number {
		return Date.now() - this.startedAt;
	}

	private isIdle(): boolean {
		return (
			this.dispatcher.pendingCount === 0 && !this.runList.some((run) => run.cancelTimer !== null)
		);
	}

	/** Runs fn after ms unless the simulator stops first; returns a cancel function. */
	private later(ms: number, fn: () => void): () => void {
		if (this.stopped) return () => undefined;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.stopped) fn();
		}, ms);
		this.timers.add(timer);
		return () => {
			clearTimeout(timer);
			this.timers.delete(timer);
		};
	}

	private notify(): void {
		for (const waiter of [...this.waiters]) waiter.check();
	}

	private waitUntil<T>(
		probe: () => T | undefined,
		timeoutMs: number,
		describe: () => string,
	): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			let cancelTimer: () => void = () => undefined;
			const waiter: Waiter = {
				check: () => {
					if (this.stopped) {
						this.waiters.delete(waiter);
						cancelTimer();
						reject(new Error(`simulator stopped while waiting for ${describe()}`));
						return;
					}
					const value = probe();
					if (value === undefined) return;
					this.waiters.delete(waiter);
					cancelTimer();
					resolve(value);
				},
			};
			this.waiters.add(waiter);
			cancelTimer = this.later(timeoutMs, () => {
				this.waiters.delete(waiter);
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`));
			});
			waiter.check();
		});
	}
}

/** Checks a `servedOutputs` count: a whole number, at least 0 and at most `max` when given. */
function servedCount(caller: string, count: number, max?: number): number {
	if (!Number.isInteger(count) || count < 0 || (max !== undefined && count > max)) {
		const range = max === undefined ? 'at least 0' : `from 0 to ${max}`;
		throw new Error(`${caller}: servedOutputs must be a whole number ${range}, got ${count}`);
	}
	return count;
}

function assignStatus(run: RunState, status: RunStatus): void {
	if (run.status !== status) run.history.push(status);
	run.status = status;
}

function json(status: number, value: unknown): Answer {
	return { status, headers: {}, body: JSON.stringify(value) };
}

function inputJson(input: InputState): Record<string, unknown> {
	return {
		uid: input.uid,
		status: input.status,
		input_data: input.data,
		custom_data: input.customData,
		last_error: input.error
			? {
					has_failed: true,
					message: input.error.message,
					scope: input.error.error_scope,
					label: input.error.error_label,
					error_ref: input.error.error_ref,
					params: input.error.params,
					validation_errors: input.validationErrors ?? {},
				}
			: null,
		output_count: input.produced,
		retry_count: 0,
		started_at: isoOrNull(input.startedAt),
		finished_at: isoOrNull(input.finishedAt),
		created_at: iso(input.createdAt),
		updated_at: iso(input.updatedAt),
	};
}

let lastIso = { ms: NaN, text: '' };
/** ISO time; the last value is memoised, as a page of outputs repeats the same extraction time. */
function iso(ms: number): string {
	if (ms !== lastIso.ms) lastIso = { ms, text: new Date(ms).toISOString() };
	return lastIso.text;
}

function isoOrNull(ms: number | null): string | null {
	return ms === null ? null : iso(ms);
}

function monthBounds(now: number): { start: string; end: string } {
	const date = new Date(now);
	const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
	const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) - 1;
	return { start: iso(start), end: iso(end) };
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Cursors are opaque to clients: base64url of a small JSON object. */
function encodeCursor(value: Record<string, string | number>): string {
	return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> | null {
	try {
		const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		return value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: null;
	} catch {
		return null;
	}
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => {
			if (tooLarge)
				reject(
					new ApiError(
						413,
						'BAD_PARAMETERS',
						`body must NOT be larger than ${MAX_BODY_BYTES} bytes`,
					),
				);
			else resolve(Buffer.concat(chunks).toString('utf8'));
		});
		req.on('error', reject);
	});
}
