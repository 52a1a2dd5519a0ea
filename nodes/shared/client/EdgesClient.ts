/**
 * The Edges API client shared by every node of the package: one method per endpoint of docs/edges-api.md §2.
 *
 * It knows nothing about n8n. It is given a transport (how to send a request and how to wait) and a base
 * URL, and it owns what makes a client trustworthy: typed requests, answers checked against the schemas in
 * `schemas.ts`, typed errors, retries that honour `Retry-After` and never repeat a request that may have
 * started a run, and pagination as async iterators.
 */
import { z } from 'zod';

import { EdgesApiError, EdgesNetworkError, EdgesResponseError, networkErrorFrom } from './errors';
import {
	buildUrl,
	type HttpMethod,
	type HttpResponse,
	type HttpTransport,
	type QueryValue,
} from './http';
import { offsetPagingIsOver, resolveNextUrl, type Page } from './pagination';
import {
	DEFAULT_RETRY_POLICY,
	backoffDelay,
	isRetryableStatus,
	parseRetryAfter,
	type RetryPolicy,
} from './retry';
import {
	asyncRunCreatedSchema,
	callbackRecordSchema,
	consumptionSchema,
	describeZodError,
	errorBodySchema,
	runInputSchema,
	runSchema,
	runStatusSchema,
	scheduleCreatedSchema,
	scheduleSchema,
	workspaceSchema,
	type AsyncRunCreated,
	type CallbackDeliveryStatus,
	type CallbackRecord,
	type Consumption,
	type Run,
	type RunInput,
	type RunStatus,
	type RunStatusInfo,
	type Schedule,
	type ScheduleCreated,
	type Workspace,
} from './schemas';

export type ExecutionMode = 'live' | 'async' | 'schedule';
export type IdentityMode = 'direct' | 'auto' | 'managed';

export interface CallbackConfig {
	/** Must be HTTPS for real Edges. */
	url: string;
	/** Sent by Edges with every callback, e.g. the secret our trigger checks. */
	headers?: Record<string, string>;
	/** `all` streams one callback per batch; `final` sends one when the run ends. */
	on?: 'all' | 'final';
}

/** One element of `inputs[]`: the action's input fields plus an optional `custom_data` object. */
export type ActionInput = Record<string, unknown> & { custom_data?: Record<string, unknown> };

interface ActionRunOptions {
	parameters?: Record<string, unknown>;
	identity_ids?: string[];
	identity_mode?: IdentityMode;
}

export interface LiveRunRequest extends ActionRunOptions {
	input: ActionInput;
}

export interface AsyncRunRequest extends ActionRunOptions {
	inputs: ActionInput[];
	callback?: CallbackConfig;
}

export interface ScheduleRunRequest extends AsyncRunRequest {
	/** POSIX 5-field cron; absent = one-shot at `schedule_at`. */
	cron?: string;
	/** IANA time zone, default UTC. */
	timezone?: string;
	/** ISO date-time of the one-shot or first run; absent = now. */
	schedule_at?: string;
	name?: string;
}

export interface ListQuery {
	limit?: number;
	offset?: number;
	/** Field names, `-` prefix for descending, e.g. `-created_at`. */
	sort?: string[];
}

export interface ListRunsQuery extends ListQuery {
	status?: RunStatus[];
	action_name?: string[];
	execution_mode?: Array<'LIVE' | 'ASYNC'>;
	uid?: string[];
	user_uid?: string[];
}

export interface ListCallbacksQuery extends ListQuery {
	status?: CallbackDeliveryStatus[];
	run_uid?: string[];
}

export interface ListSchedulesQuery extends ListQuery {
	status?: string[];
	action_name?: string[];
}

export interface PagingOptions {
	/** Page size to ask for first; Edges' maximum for the endpoint is the default. */
	pageSize?: number;
	/** Smaller page sizes to fall back to, in order, when the server refuses a page size with a 400. */
	fallbackPageSizes?: number[];
	/** How many items the listing should hold, when known (a run's `output_count`); see offsetPagingIsOver. */
	expectedTotal?: number;
}

/** Edges' documented page-size maximums: newest docs first, then the older, smaller limit. */
export const OUTPUTS_PAGE_SIZES = [500, 100];
export const RUNS_PAGE_SIZES = [100];
export const INPUTS_PAGE_SIZES = [100];
export const CALLBACKS_PAGE_SIZES = [100, 20];
export const SCHEDULES_PAGE_SIZES = [100];

export interface EdgesClientOptions {
	baseUrl: string;
	transport: HttpTransport;
	retry?: Partial<RetryPolicy>;
	/** Per-request timeout; long pages of outputs need more than the default of most HTTP stacks. */
	timeoutMs?: number;
	/** Sees every answer; used for pacing by `X-RateLimit-Remaining` and for tests' accounting. */
	pacer?: RequestPacer;
	/** Default `now` for Retry-After dates; injectable for tests. */
	now?: () => number;
}

/** Paces requests ahead of the rate limit, so a long listing does not run into 429s in the first place. */
export interface RequestPacer {
	/** Milliseconds to wait before sending the next request (0 = go). */
	delayBeforeRequest(): number;
	observe(response: HttpResponse): void;
}

/** How a request may be retried: reads freely, writes only when Edges certainly did not act. */
type RequestKind = 'read' | 'write';

interface RequestArgs<T> {
	method: HttpMethod;
	/** Path below the base URL, or an absolute URL (a followed `X-Pagination-Next`). */
	path: string;
	query?: Record<string, QueryValue | undefined>;
	body?: unknown;
	schema: z.ZodType<T, z.ZodTypeDef, unknown>;
	kind: RequestKind;
}

export interface ClientResponse<T> {
	data: T;
	status: number;
	headers: Record<string, string>;
}

/** For answers whose shape the docs do not give (live results, resume, schedule actions): any JSON. */
const anyJson = z.unknown();

export class EdgesClient {
	readonly baseUrl: string;
	private readonly transport: HttpTransport;
	private readonly retry: RetryPolicy;
	private readonly timeoutMs: number;
	private readonly pacer?: RequestPacer;
	private readonly now: () => number;

	constructor(options: EdgesClientOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.transport = options.transport;
		this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.timeoutMs = options.timeoutMs ?? 120_000;
		this.pacer = options.pacer;
		this.now = options.now ?? Date.now;
	}

	/** The same client with other retry or timeout settings (e.g. a quick check that must not linger). */
	withOptions(options: { retry?: Partial<RetryPolicy>; timeoutMs?: number }): EdgesClient {
		return new EdgesClient({
			baseUrl: this.baseUrl,
			transport: this.transport,
			pacer: this.pacer,
			now: this.now,
			retry: { ...this.retry, ...options.retry },
			timeoutMs: options.timeoutMs ?? this.timeoutMs,
		});
	}

	// ---- Actions (docs/edges-api.md §2.1) -------------------------------------------------------------

	/**
	 * Runs an action synchronously and returns its result with the next page's URL when Edges sent one.
	 * Retried only on 429: a live call that failed later may have run, and live calls cost credits.
	 */
	async runLive(slug: string, request: LiveRunRequest, pageUrl?: string) {
		const response = await this.request({
			method: 'POST',
			path: pageUrl ?? actionPath(slug, 'live'),
			body: request,
			schema: anyJson,
			kind: 'write',
		});
		const next = response.headers['x-pagination-next'];
		return {
			result: response.data,
			nextUrl: next ? resolveNextUrl(next, this.baseUrl) : undefined,
		};
	}

	/** Live pages as an iterator: each page is the action's result (an object or an array). */
	async *iterateLive(slug: string, request: LiveRunRequest): AsyncGenerator<unknown> {
		let pageUrl: string | undefined;
		do {
			const page = await this.runLive(slug, request, pageUrl);
			yield page.result;
			pageUrl = page.nextUrl;
		} while (pageUrl);
	}

	/** Starts an async run. Never repeated once it may have reached Edges (see retry.ts). */
	async startAsyncRun(slug: string, request: AsyncRunRequest): Promise<AsyncRunCreated> {
		return (
			await this.request({
				method: 'POST',
				path: actionPath(slug, 'async'),
				body: request,
				schema: asyncRunCreatedSchema,
				kind: 'write',
			})
		).data;
	}

	/** Creates a schedule. Never repeated once it may have reached Edges. */
	async scheduleRun(slug: string, request: ScheduleRunRequest): Promise<ScheduleCreated> {
		return (
			await this.request({
				method: 'POST',
				path: actionPath(slug, 'schedule'),
				body: request,
				schema: scheduleCreatedSchema,
				kind: 'write',
			})
		).data;
	}

	// ---- Runs (§2.2) -----------------------------------------------------------------------------

	async getRun(runUid: string): Promise<Run> {
		return (await this.get(`/runs/${seg(runUid)}`, runSchema)).data;
	}

	async getRunStatus(runUid: string): Promise<RunStatusInfo> {
		return (await this.get(`/runs/${seg(runUid)}/status`, runStatusSchema)).data;
	}

	listRuns(query: ListRunsQuery = {}, paging: PagingOptions = {}): AsyncGenerator<Page<Run>> {
		return this.paginate('/runs', runSchema.array(), query, {
			fallbackPageSizes: RUNS_PAGE_SIZES,
			...paging,
		});
	}

	/** Pages of a run's outputs, in the action's own output format. Not available for live runs. */
	listRunOutputs(
		runUid: string,
		paging: PagingOptions = {},
	): AsyncGenerator<Page<Record<string, unknown>>> {
		return this.paginate(
			`/runs/${seg(runUid)}/outputs`,
			outputPageSchema,
			{},
			{
				fallbackPageSizes: OUTPUTS_PAGE_SIZES,
				...paging,
			},
		);
	}

	/** Pages of a run's inputs with their status and `last_error`: where per-input errors live. */
	listRunInputs(runUid: string, paging: PagingOptions = {}): AsyncGenerator<Page<RunInput>> {
		return this.paginate(
			`/runs/${seg(runUid)}/inputs`,
			runInputSchema.array(),
			{},
			{
				fallbackPageSizes: INPUTS_PAGE_SIZES,
				...paging,
			},
		);
	}

	/** Cancels an async or schedule run: pending work stops and no further callbacks are sent. */
	async cancelRun(runUid: string): Promise<Run> {
		return (await this.post(`/runs/${seg(runUid)}/cancel`, runSchema)).data;
	}

	/**
	 * Resumes a BLOCKED or STOPPED run. The answer's shape is undocumented (docs/edges-api.md §7.4), so it is
	 * returned as Edges sent it; callers that need the run read it with `getRun`.
	 */
	async resumeRun(runUid: string): Promise<unknown> {
		return (await this.post(`/runs/${seg(runUid)}/resume`, anyJson)).data;
	}

	/** Fetches new items for an incremental run; same run uid, same callback URL. */
	async continueRun(runUid: string): Promise<Run> {
		return (await this.post(`/runs/${seg(runUid)}/continue`, runSchema)).data;
	}

	// ---- Callbacks history (§2.3) ----------------------------------------------------------------

	listCallbacks(
		query: ListCallbacksQuery = {},
		paging: PagingOptions = {},
	): AsyncGenerator<Page<CallbackRecord>> {
		return this.paginate('/runs/callbacks', callbackRecordSchema.array(), query, {
			fallbackPageSizes: CALLBACKS_PAGE_SIZES,
			...paging,
		});
	}

	async getCallback(callbackUid: string): Promise<CallbackRecord> {
		return (await this.get(`/runs/callbacks/${seg(callbackUid)}`, callbackRecordSchema)).data;
	}

	/** Replays an original callback (at most 3 times); returns the new record. Never repeated on its own. */
	async replayCallback(callbackUid: string): Promise<CallbackRecord> {
		return (await this.post(`/runs/callbacks/${seg(callbackUid)}/replay`, callbackRecordSchema))
			.data;
	}

	// ---- Schedules (§2.4) ------------------------------------------------------------------------

	listSchedules(
		query: ListSchedulesQuery = {},
		paging: PagingOptions = {},
	): AsyncGenerator<Page<Schedule>> {
		return this.paginate('/schedules', scheduleSchema.array(), query, {
			fallbackPageSizes: SCHEDULES_PAGE_SIZES,
			...paging,
		});
	}

	async getSchedule(scheduleUid: string): Promise<Schedule> {
		return (await this.get(`/schedules/${seg(scheduleUid)}`, scheduleSchema)).data;
	}

	/** `pause`, `resume` or `cancel` (cancel deletes the schedule for good). */
	async changeSchedule(
		scheduleUid: string,
		action: 'pause' | 'resume' | 'cancel',
	): Promise<unknown> {
		return (await this.post(`/schedules/${seg(scheduleUid)}/${action}`, anyJson)).data;
	}

	// ---- Workspace (§2.5) ------------------------------------------------------------------------

	async getWorkspace(): Promise<Workspace> {
		return (await this.get('/workspaces', workspaceSchema)).data;
	}

	async getConsumption(): Promise<Consumption> {
		return (await this.get('/workspaces/consumption', consumptionSchema)).data;
	}

	// ---- Core ------------------------------------------------------------------------------------

	private get<T>(
		path: string,
		schema: z.ZodType<T, z.ZodTypeDef, unknown>,
		query?: RequestArgs<T>['query'],
	) {
		return this.request({ method: 'GET', path, query, schema, kind: 'read' });
	}

	private post<T>(path: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, body?: unknown) {
		return this.request({ method: 'POST', path, body, schema, kind: 'write' });
	}

	/**
	 * Pages through a list endpoint. Asks for the largest page size first; when the server refuses it with
	 * a 400 on the first page, steps down to the next documented size instead of failing.
	 */
	async *paginate<T>(
		path: string,
		listSchema: z.ZodType<T[], z.ZodTypeDef, unknown>,
		listQuery: object,
		paging: PagingOptions,
	): AsyncGenerator<Page<T>> {
		const query = listQuery as Record<string, QueryValue | undefined>;
		const sizes = paging.pageSize
			? [paging.pageSize, ...(paging.fallbackPageSizes ?? []).filter((s) => s < paging.pageSize!)]
			: (paging.fallbackPageSizes ?? [100]);
		const startOffset = typeof query.offset === 'number' ? query.offset : 0;
		let sizeIndex = 0;
		let limit = sizes[0];
		let offset = startOffset;
		let nextUrl: string | undefined;
		let total = 0;
		let first = true;

		for (;;) {
			const outcome = await settle(
				nextUrl
					? this.request({ method: 'GET', path: nextUrl, schema: listSchema, kind: 'read' })
					: this.get(path, listSchema, {
							...query,
							limit,
							// The first page is asked without an offset where possible: Edges' newer outputs
							// endpoint switches to the deprecated offset paging when one is sent.
							offset: first && offset === 0 ? undefined : offset,
						}),
			);
			if (!outcome.ok) {
				const refusedPageSize =
					first &&
					outcome.error instanceof EdgesApiError &&
					outcome.error.status === 400 &&
					sizeIndex < sizes.length - 1;
				if (!refusedPageSize) throw outcome.error;
				sizeIndex += 1;
				limit = sizes[sizeIndex];
				continue;
			}
			const response = outcome.value;

			const items = response.data;
			const next = response.headers['x-pagination-next'];
			const style = next || nextUrl ? 'cursor' : 'offset';
			total += items.length;
			yield { items, offset, requestedLimit: limit, style };
			offset += items.length;
			first = false;

			if (next) {
				nextUrl = resolveNextUrl(next, this.baseUrl);
				continue;
			}
			if (nextUrl) return; // cursor paging: no header means this was the last page
			if (
				offsetPagingIsOver({
					received: items.length,
					limit,
					totalSoFar: total,
					expectedTotal: paging.expectedTotal,
				})
			) {
				return;
			}
		}
	}

	/** Sends one logical request, retrying as its kind allows, and checks the answer against `schema`. */
	async request<T>(args: RequestArgs<T>): Promise<ClientResponse<T>> {
		const url = /^https?:\/\//.test(args.path)
			? args.path
			: buildUrl(this.baseUrl, args.path, args.query);
		const endpoint = `${args.method} ${endpointPath(url, this.baseUrl)}`;

		for (let attempt = 0; ; attempt++) {
			const canRetry = attempt < this.retry.maxRetries;
			const pause = this.pacer?.delayBeforeRequest() ?? 0;
			if (pause > 0) await this.transport.sleep(pause);

			let response: HttpResponse;
			try {
				response = await this.transport.send({
					method: args.method,
					url,
					body: args.body,
					timeoutMs: this.timeoutMs,
				});
			} catch (error) {
				const networkError =
					error instanceof EdgesNetworkError ? error : networkErrorFrom(error, endpoint);
				const safeToRepeat = args.kind === 'read' || !networkError.mayHaveReachedServer;
				if (canRetry && safeToRepeat) {
					await this.transport.sleep(backoffDelay(attempt, this.retry));
					continue;
				}
				throw networkError;
			}
			this.pacer?.observe(response);

			if (response.status >= 200 && response.status < 300) {
				const parsed = parseJson(response.text);
				if (!parsed.ok) {
					// A cut-off or garbled body on a read is a transport fault: read it again.
					if (canRetry && args.kind === 'read') {
						await this.transport.sleep(backoffDelay(attempt, this.retry));
						continue;
					}
					throw new EdgesResponseError({
						message: `Edges sent a body that is not valid JSON for ${endpoint} (${parsed.reason})`,
						endpoint,
						status: response.status,
					});
				}
				const checked = args.schema.safeParse(parsed.value);
				if (!checked.success) {
					throw new EdgesResponseError({
						message: `Edges' answer to ${endpoint} is not in the documented shape: ${describeZodError(checked.error)}`,
						endpoint,
						status: response.status,
					});
				}
				return { data: checked.data, status: response.status, headers: response.headers };
			}

			const apiError = apiErrorFrom(response, endpoint, this.now(), args.kind === 'write');
			// Writes are repeated only after a 429, which is a refusal: Edges did nothing.
			const retryable =
				args.kind === 'read' ? isRetryableStatus(response.status) : response.status === 429;
			if (canRetry && retryable) {
				const askedWait =
					apiError.retryAfterSeconds !== undefined ? apiError.retryAfterSeconds * 1000 : undefined;
				if (askedWait !== undefined && askedWait > this.retry.maxRetryAfterMs) throw apiError;
				await this.transport.sleep(askedWait ?? backoffDelay(attempt, this.retry));
				continue;
			}
			throw apiError;
		}
	}
}

/**
 * Outputs are free-form objects in each action's own format; checking 100,000 of them field by field would
 * cost more than fetching them, so a page of outputs is checked only for being an array of objects.
 */
const outputPageSchema = z.custom<Array<Record<string, unknown>>>(
	(value) =>
		Array.isArray(value) &&
		value.every(
			(element) => element !== null && typeof element === 'object' && !Array.isArray(element),
		),
	{ message: 'expected an array of result objects' },
);

/** Awaits a promise into a result value, so that failures can be inspected outside a catch block. */
async function settle<T>(
	promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
	if (text === '') return { ok: true, value: undefined };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		return { ok: false, reason: error instanceof Error ? error.message : 'unparseable' };
	}
}

/** Turns a non-2xx answer into an EdgesApiError, reading Edges' error body when there is one. */
function apiErrorFrom(
	response: HttpResponse,
	endpoint: string,
	now: number,
	isWrite: boolean,
): EdgesApiError {
	const parsed = parseJson(response.text);
	const body = parsed.ok ? errorBodySchema.safeParse(parsed.value) : undefined;
	const fields = body?.success ? body.data : {};
	const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
	const paramsWait =
		typeof fields.params?.retry_after === 'number'
			? (fields.params.retry_after as number) * 1000
			: undefined;
	const label = fields.error_label;
	const detail = fields.message ?? (!parsed.ok && response.text ? response.text : undefined);
	const message = [
		`Edges answered ${response.status}${label ? ` ${label}` : ''} to ${endpoint}`,
		detail ? `: ${truncate(detail, 500)}` : '',
	].join('');
	const waitMs = retryAfterMs ?? paramsWait;
	return new EdgesApiError({
		status: response.status,
		message,
		endpoint,
		label,
		scope: fields.error_scope,
		ref: fields.error_ref,
		params: fields.params ?? undefined,
		retryAfterSeconds: waitMs !== undefined ? waitMs / 1000 : undefined,
		// 4xx other than 408 are refusals: Edges checked the request and did nothing.
		mayHaveActed: isWrite && (response.status >= 500 || response.status === 408),
	});
}

function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

function actionPath(slug: string, mode: ExecutionMode): string {
	if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
		throw new RangeError(
			`"${slug}" is not an Edges action slug (lowercase letters, digits and dashes, e.g. linkedin-extract-people)`,
		);
	}
	return `/actions/${slug}/run/${mode}`;
}

/** Encodes one path segment, so a uid can never reach another endpoint. */
function seg(value: string): string {
	if (!value) throw new RangeError('an Edges uid is required here and was empty');
	return encodeURIComponent(value);
}

function endpointPath(url: string, baseUrl: string): string {
	const withoutQuery = url.split('?')[0];
	return withoutQuery.startsWith(baseUrl)
		? withoutQuery.slice(baseUrl.length) || '/'
		: new URL(withoutQuery).pathname;
}
