/**
 * How many of a run's results may be held in memory as n8n items, and the error when a run has more.
 *
 * Why a guard: n8n holds every item of an execution in the heap of the process that runs it (and then
 * serializes them all to save the execution). Measured in bench/: 100,000 results of about 1 KB grow n8n by
 * about 500 MB, so a run ten times that size would crash n8n, and with it every other execution of that
 * process. Checking the run's `output_count` before the first page is read turns that crash into an error
 * that says what to do. No n8n imports: the nodes map the error to their own.
 */

/**
 * The default of the "Max Results in Memory" settings: 100,000 results (about +500 MB for 1 KB results,
 * measured) leaves room in a default 2 GB heap for n8n itself and for saving the execution.
 */
export const DEFAULT_MAX_RESULTS_IN_MEMORY = 100_000;

export class TooManyResultsForMemoryError extends Error {
	constructor(
		readonly runUid: string,
		/** The results that would have been read (the run's `output_count`, cut by a Limit). */
		readonly results: number,
		readonly maxResults: number,
		/** What the user can change, in the words of the node that raised it. */
		readonly wayOut: string,
	) {
		super(
			`Edges run ${runUid} has ${fmt(results)} results, more than the ${fmt(maxResults)} this node holds in memory`,
		);
		this.name = 'TooManyResultsForMemoryError';
	}
}

/**
 * Throws when `results` exceed `maxResults`; a `maxResults` of 0 or below switches the guard off (the
 * user said they know their n8n has the memory).
 */
export function assertFitsInMemory(
	runUid: string,
	results: number,
	maxResults: number,
	wayOut: string,
): void {
	if (maxResults > 0 && results > maxResults) {
		throw new TooManyResultsForMemoryError(runUid, results, maxResults, wayOut);
	}
}

function fmt(n: number): string {
	return n.toLocaleString('en-US');
}
