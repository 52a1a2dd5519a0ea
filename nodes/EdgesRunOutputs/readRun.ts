/**
 * Reads one run's outputs completely, or says exactly why it could not.
 *
 * No n8n in here: the node hands in an EdgesClient and a sink for the results, and gets back a report it
 * turns into items or errors. The run is fetched first: its `status` says whether the outputs are final,
 * and its `output_count` is what the received results are checked against (the completeness check of
 * Edges' callbacks guide).
 */
import {
	isFailedInput,
	isFinishedRunStatus,
	isHaltedRunStatus,
	type EdgesClient,
	type Run,
	type RunInput,
} from '../shared/client';
import { assertFitsInMemory } from '../shared/outputsInMemory';

export type OutputResult = Record<string, unknown>;

export interface ReadRunOptions {
	/** Stop after this many results; undefined reads all of them. */
	limit?: number;
	includeFailedInputs?: boolean;
	/**
	 * Receives the results page by page, in order, as they arrive, so that nothing holds the whole run
	 * twice. The array is the parsed page itself (or its first part when a limit cuts it): keep it or copy
	 * its elements, but do not expect it to stay untouched by the caller. A promise it returns is awaited
	 * before the next page is read (the file output writes a part there).
	 */
	onResults: (results: OutputResult[]) => unknown;
	/**
	 * The results are kept in memory: refuse, before the first page, a run with more than `max` of them
	 * (TooManyResultsForMemoryError, whose message ends with `wayOut`). A run whose count Edges does not
	 * give is stopped as soon as it passes `max`.
	 */
	memoryGuard?: { max: number; wayOut: string };
}

/** One input of the run that did not produce its results, with Edges' error for it. */
export interface FailedInput {
	uid: string;
	status: string | null;
	input_data: Record<string, unknown> | null;
	custom_data: Record<string, unknown> | null;
	error: Record<string, unknown> | null;
}

export type Shortfall =
	/** The run is not over: its outputs are not final and were not read. */
	| 'not_finished'
	/** Fewer (or more) results arrived than the run's `output_count`. */
	| 'count_mismatch';

export interface RunReadReport {
	runUid: string;
	status: string | null;
	/** SUCCEEDED, PARTIAL_SUCCEEDED or FAILED: Edges does no more work on it. */
	finished: boolean;
	/** The run's `output_count`, when Edges gave one. */
	outputCount: number | null;
	/** How many results were passed to `onResults`. */
	received: number;
	/** How many results there should have been, given the limit (null when `output_count` is unknown). */
	expected: number | null;
	/** True when everything expected arrived (or the count cannot be checked, see `outputCount`). */
	complete: boolean;
	shortfall?: Shortfall;
	/** A sentence for people, present when `complete` is false. */
	issue?: string;
	failedInputs?: FailedInput[];
	/** The run object as Edges sent it. */
	run: Run;
}

export async function readRun(
	client: EdgesClient,
	runUid: string,
	options: ReadRunOptions,
): Promise<RunReadReport> {
	const run = await client.getRun(runUid);
	const status = run.status ?? null;
	const outputCount = typeof run.output_count === 'number' ? run.output_count : null;
	const finished = isFinishedRunStatus(status);
	const base = { runUid, status, finished, outputCount, run };

	if (!finished) {
		// A run that waits for a person (BLOCKED, STOPPED) is not going to change by itself: its failed and
		// blocked inputs are the reason, so they are read when asked for. A run still going is left alone:
		// its inputs' statuses are not final either.
		const halted = isHaltedRunStatus(status);
		return {
			...base,
			received: 0,
			expected: outputCount,
			complete: false,
			shortfall: 'not_finished',
			issue: notFinishedMessage(runUid, status, run.last_error),
			failedInputs:
				halted && options.includeFailedInputs ? await readFailedInputs(client, runUid) : undefined,
		};
	}

	const limit = options.limit;
	const expected =
		outputCount === null ? null : limit === undefined ? outputCount : Math.min(limit, outputCount);
	let received = 0;
	const guard = options.memoryGuard;
	if (guard && expected !== null) assertFitsInMemory(runUid, expected, guard.max, guard.wayOut);

	// Nothing to fetch when Edges says there is nothing (or the limit is 0): one request saved per run.
	if (expected !== 0) {
		const pages = client.listRunOutputs(runUid, {
			// A small limit is asked as the page size: one short page instead of a full one.
			pageSize: limit !== undefined && limit < 500 ? Math.max(1, limit) : undefined,
			expectedTotal: outputCount ?? undefined,
		});
		for await (const page of pages) {
			let results = page.items;
			if (limit !== undefined && received + results.length > limit) {
				results = results.slice(0, limit - received);
			}
			if (results.length > 0) {
				received += results.length;
				if (guard && expected === null) {
					assertFitsInMemory(runUid, received, guard.max, guard.wayOut);
				}
				await options.onResults(results);
			}
			// Stop as soon as everything expected is here: with offset paging a full last page would
			// otherwise cost one more request, only to learn that the next page is empty.
			if (limit !== undefined && received >= limit) break;
			if (outputCount !== null && received >= outputCount) break;
		}
	}

	const failedInputs = options.includeFailedInputs
		? await readFailedInputs(client, runUid)
		: undefined;

	if (expected !== null && received !== expected) {
		return {
			...base,
			received,
			expected,
			complete: false,
			shortfall: 'count_mismatch',
			issue: countMismatchMessage(runUid, received, expected, outputCount as number),
			failedInputs,
		};
	}
	return { ...base, received, expected, complete: true, failedInputs };
}

/** Inputs that failed or are blocked, or that carry an error, with that error. */
export async function readFailedInputs(
	client: EdgesClient,
	runUid: string,
): Promise<FailedInput[]> {
	const failed: FailedInput[] = [];
	for await (const page of client.listRunInputs(runUid)) {
		for (const input of page.items) {
			if (isFailedInput(input)) failed.push(toFailedInput(input));
		}
	}
	return failed;
}

function toFailedInput(input: RunInput): FailedInput {
	return {
		uid: input.uid,
		status: input.status ?? null,
		input_data: input.input_data ?? null,
		custom_data: input.custom_data ?? null,
		error: input.last_error ?? null,
	};
}

export function notFinishedMessage(
	runUid: string,
	status: string | null,
	lastError?: Run['last_error'],
): string {
	if (status === null) {
		return `Edges run ${runUid} has no status yet, so its outputs are not final and were not read`;
	}
	if (isHaltedRunStatus(status)) {
		return `Edges run ${runUid} is ${status}${reasonOf(lastError)}, not finished, so its outputs are not final and were not read`;
	}
	return `Edges run ${runUid} is still ${status}, so its outputs are not final and were not read`;
}

/** ` (LABEL: message)` from a run's `last_error`, or nothing when Edges gave none. */
function reasonOf(lastError: Run['last_error']): string {
	const label = typeof lastError?.label === 'string' ? lastError.label : '';
	const message = typeof lastError?.message === 'string' ? lastError.message : '';
	if (!label && !message) return '';
	return ` (${[label, message].filter(Boolean).join(': ')})`;
}

export function countMismatchMessage(
	runUid: string,
	received: number,
	expected: number,
	outputCount: number,
): string {
	const of =
		expected === outputCount
			? `the ${fmt(outputCount)} outputs the run reports`
			: `${fmt(expected)} outputs`;
	return `Received ${fmt(received)} of ${of} for Edges run ${runUid}`;
}

function fmt(n: number): string {
	return n.toLocaleString('en-US');
}
