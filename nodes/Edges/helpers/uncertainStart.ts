/**
 * A request that starts something in Edges (an async run, a live call, a schedule) can fail after Edges
 * acted on it: a 5xx or 408 answered after the run was created, a connection that broke after the request
 * was sent, a 2xx whose body could not be read. The client never repeats such a request (retry.ts), and a
 * person must not either without checking, or the run is started twice and its credits spent twice.
 *
 * So after such a failure the node looks, once and quickly, for what the request may have created, and the
 * error says what it found, or how to look by hand:
 * - async runs: every input carries `custom_data.n8n_request`, a tag new for each request; the newest runs
 *   of the action are listed and the first input of each is read for that tag. A match is certain.
 * - live calls: the newest live runs of the action are read for an input equal to the one sent (live inputs
 *   carry no custom data).
 * - schedules: the newest schedules of the action are compared on cron, time zone and name.
 * No n8n imports.
 */
import { randomBytes } from 'crypto';

import {
	EdgesApiError,
	EdgesNetworkError,
	EdgesResponseError,
	type EdgesClient,
	type Page,
	type RetryPolicy,
} from '../../shared/client';
import { START_TAG } from './validation';

/** A tag for one run-starting request: 48 random bits, enough that two requests never share one. */
export function newStartTag(): string {
	return randomBytes(6).toString('hex');
}

/** True when the request failed in a way that does not prove Edges did nothing. */
export function mayHaveActed(error: unknown): boolean {
	if (error instanceof EdgesApiError) return error.mayHaveActed;
	if (error instanceof EdgesNetworkError) return error.mayHaveReachedServer;
	// A 2xx whose body was unreadable or not in the documented shape: Edges acted.
	if (error instanceof EdgesResponseError) return error.status >= 200 && error.status < 300;
	return false;
}

export type StartAttempt =
	| { mode: 'async'; slug: string; sentAt: number; tag: string }
	| { mode: 'live'; slug: string; sentAt: number; input: Record<string, unknown> }
	| {
			mode: 'schedule';
			slug: string;
			sentAt: number;
			cron?: string;
			timezone?: string;
			name?: string;
	  };

/** What the lookup found that the request created. */
export interface StartFound {
	kind: 'run' | 'schedule';
	uid: string;
	createdAt: string | null;
}

/**
 * The error to report instead of the client's: it keeps the original error (for the node's NodeApiError,
 * with Edges' status and error reference) and says whether the run exists.
 */
export class UncertainStartError extends Error {
	override readonly name = 'UncertainStartError';
	readonly original: unknown;
	readonly description: string;
	readonly found?: StartFound;

	constructor(args: {
		message: string;
		description: string;
		original: unknown;
		found?: StartFound;
	}) {
		super(args.message);
		this.original = args.original;
		this.description = args.description;
		this.found = args.found;
	}
}

/**
 * Edges' `created_at` comes from its clock, `sentAt` from n8n's: a run is looked for from a little before
 * the request was sent, so a clock a little behind does not hide it.
 */
const CLOCK_SLACK_MS = 2 * 60_000;
/** The check is one look, not a wait: few retries, short waits, a short timeout. */
const LOOKUP_RETRY: Partial<RetryPolicy> = {
	maxRetries: 2,
	baseDelayMs: 200,
	maxDelayMs: 1000,
	maxRetryAfterMs: 2000,
};
const LOOKUP_TIMEOUT_MS = 15_000;
const LOOKUP_PAGE = 20;
/** At most this many recent runs or schedules are examined. */
const MAX_CANDIDATES = 40;

/** The error to report for a failed start: explained when Edges may have acted, else as it was. */
export async function startFailure(
	client: EdgesClient,
	attempt: StartAttempt,
	error: unknown,
): Promise<unknown> {
	return mayHaveActed(error) ? await explainUncertainStart(client, attempt, error) : error;
}

/** Looks for what the failed request created and builds the error that says so. */
export async function explainUncertainStart(
	client: EdgesClient,
	attempt: StartAttempt,
	error: unknown,
): Promise<UncertainStartError> {
	const quick = client.withOptions({ retry: LOOKUP_RETRY, timeoutMs: LOOKUP_TIMEOUT_MS });
	const since = attempt.sentAt - CLOCK_SLACK_MS;
	let found: StartFound | undefined;
	let lookupError: string | undefined;
	try {
		found =
			attempt.mode === 'async'
				? await findTaggedRun(quick, attempt.slug, attempt.tag, since)
				: attempt.mode === 'live'
					? await findLiveRun(quick, attempt.slug, attempt.input, since)
					: await findSchedule(quick, attempt, since);
	} catch (lookupFailure) {
		lookupError = lookupFailure instanceof Error ? lookupFailure.message : String(lookupFailure);
	}
	return new UncertainStartError({
		message: messageFor(attempt, error, found),
		description: descriptionFor(attempt, error, found, lookupError, new Date(since).toISOString()),
		original: error,
		found,
	});
}

const WHAT: Record<StartAttempt['mode'], string> = {
	async: 'the request that starts the run',
	live: 'the live call',
	schedule: 'the request that creates the schedule',
};

function messageFor(attempt: StartAttempt, error: unknown, found: StartFound | undefined): string {
	const what = WHAT[attempt.mode];
	const answered = error instanceof EdgesApiError;
	const head = answered
		? `Edges answered ${error.status} to ${what}`
		: error instanceof EdgesResponseError
			? `Edges' answer to ${what} could not be read`
			: `The connection to Edges broke during ${what}`;
	if (found) {
		const subject = answered ? 'it' : 'Edges';
		const did =
			attempt.mode === 'async'
				? `did start run ${found.uid}`
				: attempt.mode === 'live'
					? `did run it: live run ${found.uid}`
					: `did create schedule ${found.uid}`;
		return `${head}, but ${subject} ${did}`;
	}
	const subject = answered ? '' : 'Edges ';
	const may =
		attempt.mode === 'async'
			? 'may have started it anyway'
			: attempt.mode === 'live'
				? 'may have run it anyway'
				: 'may have created it anyway';
	return `${head}, and ${subject}${may}`;
}

function descriptionFor(
	attempt: StartAttempt,
	error: unknown,
	found: StartFound | undefined,
	lookupError: string | undefined,
	since: string,
): string {
	const parts: string[] = [];
	const created = found?.createdAt ? ` (created ${found.createdAt})` : '';
	if (attempt.mode === 'async') {
		const tag = `custom_data.${START_TAG} = "${attempt.tag}"`;
		parts.push(
			'This request is not repeated automatically: running it again could start a second run and spend credits twice.',
		);
		if (found) {
			parts.push(
				`Edges has run ${found.uid}${created}, whose inputs carry ${tag}, the tag this node sent: it is the run this request started. Follow it with Run › Get or Run › Get Outputs instead of starting another.`,
			);
		} else {
			parts.push(
				lookupError
					? `The node could not check whether the run exists (${lookupError}).`
					: `The node looked just now and found no run of ${attempt.slug} carrying ${tag}; Edges may still show it a little later.`,
				`Check before running this again: Edges node › Run › Get Many with Filters › Action Names = ${attempt.slug}, Execution Modes = Async, Sort = Newest First: a run created after ${since} whose inputs (Run › Get Inputs) carry ${tag} is the one this node started. If there is none, running this again is safe.`,
			);
		}
	} else if (attempt.mode === 'live') {
		parts.push(
			'A live call is not repeated automatically: running it again costs credits again, and Edges keeps no results of live runs (Run › Get Outputs cannot read them).',
		);
		if (found) {
			parts.push(
				`Edges has live run ${found.uid}${created} of ${attempt.slug} with the input this node sent, so the call ran and its results were lost with the answer. Run the item again only if you need them.`,
			);
		} else {
			parts.push(
				lookupError
					? `The node could not check whether the call ran (${lookupError}).`
					: `The node looked just now and found no live run of ${attempt.slug} with this input; Edges may still show it a little later.`,
				`To check: Edges node › Run › Get Many with Filters › Action Names = ${attempt.slug}, Execution Modes = Live, Sort = Newest First: a run created after ${since} with this input (Run › Get Inputs) is this call.`,
			);
		}
	} else {
		parts.push(
			'This request is not repeated automatically: creating the schedule again would make a second schedule that runs, and spends credits, on the same dates.',
		);
		const matches = [
			attempt.cron ? `cron "${attempt.cron}"` : 'no cron',
			`time zone ${attempt.timezone ?? 'UTC'}`,
			attempt.name ? `name "${attempt.name}"` : undefined,
		]
			.filter(Boolean)
			.join(', ');
		if (found) {
			parts.push(
				`Edges has schedule ${found.uid}${created} of ${attempt.slug} with ${matches}, as this node sent: keep it, or remove it with Schedule › Cancel before creating it again.`,
			);
		} else {
			parts.push(
				lookupError
					? `The node could not check whether the schedule exists (${lookupError}).`
					: `The node looked just now and found no schedule of ${attempt.slug} with ${matches}; Edges may still show it a little later.`,
				`Check before creating it again: Edges node › Schedule › Get Many with Filters › Action Names = ${attempt.slug}, Sort = Newest First: a schedule created after ${since} with ${matches} is the one this node created.`,
			);
		}
	}
	parts.push(`What Edges answered: ${error instanceof Error ? error.message : String(error)}.`);
	if (error instanceof EdgesApiError && error.ref) {
		parts.push(`Edges error reference: ${error.ref} (give it to Edges support).`);
	}
	return parts.join(' ');
}

/** The first page of a listing, without reading further. */
async function firstPage<T>(pages: AsyncGenerator<Page<T>>): Promise<T[]> {
	const { value, done } = await pages.next();
	await pages.return(undefined);
	return done || !value ? [] : value.items;
}

/**
 * Runs or schedules of the action, newest first, created since `since` (or without a creation time),
 * at most MAX_CANDIDATES of them.
 */
async function recent<T extends { created_at?: string | null }>(
	list: (offset: number) => AsyncGenerator<Page<T>>,
	since: number,
): Promise<T[]> {
	const out: T[] = [];
	for (let offset = 0; offset < MAX_CANDIDATES; offset += LOOKUP_PAGE) {
		const page = await firstPage(list(offset));
		for (const entry of page) {
			const created = entry.created_at ? Date.parse(entry.created_at) : NaN;
			if (created < since) return out; // sorted newest first: the rest are older still
			out.push(entry);
		}
		if (page.length < LOOKUP_PAGE) break;
	}
	return out;
}

async function findTaggedRun(
	client: EdgesClient,
	slug: string,
	tag: string,
	since: number,
): Promise<StartFound | undefined> {
	const runs = await recent(
		(offset) =>
			client.listRuns(
				{ action_name: [slug], execution_mode: ['ASYNC'], sort: ['-created_at'], offset },
				{ pageSize: LOOKUP_PAGE },
			),
		since,
	);
	for (const run of runs) {
		// Every input carries the tag, so the first one says it.
		const [input] = await firstPage(client.listRunInputs(run.uid, { pageSize: 1 }));
		if (input?.custom_data?.[START_TAG] === tag) {
			return { kind: 'run', uid: run.uid, createdAt: run.created_at ?? null };
		}
	}
	return undefined;
}

async function findLiveRun(
	client: EdgesClient,
	slug: string,
	sent: Record<string, unknown>,
	since: number,
): Promise<StartFound | undefined> {
	const runs = await recent(
		(offset) =>
			client.listRuns(
				{ action_name: [slug], execution_mode: ['LIVE'], sort: ['-created_at'], offset },
				{ pageSize: LOOKUP_PAGE },
			),
		since,
	);
	for (const run of runs) {
		const [input] = await firstPage(client.listRunInputs(run.uid, { pageSize: 1 }));
		const data = input?.input_data ?? {};
		// Edges may add fields of its own to the input it keeps; every field sent must be there as sent.
		if (Object.entries(sent).every(([key, value]) => sameValue(data[key], value))) {
			return { kind: 'run', uid: run.uid, createdAt: run.created_at ?? null };
		}
	}
	return undefined;
}

async function findSchedule(
	client: EdgesClient,
	attempt: Extract<StartAttempt, { mode: 'schedule' }>,
	since: number,
): Promise<StartFound | undefined> {
	const schedules = await recent(
		(offset) =>
			client.listSchedules(
				{ action_name: [attempt.slug], sort: ['-created_at'], offset },
				{ pageSize: LOOKUP_PAGE },
			),
		since,
	);
	const match = schedules.find(
		(schedule) =>
			(schedule.cron ?? undefined) === attempt.cron &&
			(schedule.timezone ?? 'UTC') === (attempt.timezone ?? 'UTC') &&
			(attempt.name === undefined || schedule.name === attempt.name),
	);
	return match
		? { kind: 'schedule', uid: match.uid, createdAt: match.created_at ?? null }
		: undefined;
}

function sameValue(kept: unknown, sent: unknown): boolean {
	if (kept === sent) return true;
	return JSON.stringify(kept) === JSON.stringify(sent);
}
