/**
 * When to try a request again, and how long to wait first.
 *
 * Reads are retried on 429, 5xx, dropped connections and malformed bodies, with capped exponential backoff
 * and full jitter (so that many clients that failed together do not retry together), except that an
 * explicit `Retry-After` from Edges always wins. Writes are retried only when Edges certainly did not act:
 * a 429 is a refusal, and a refused connection never reached it. A 5xx or a timeout on a POST that starts a
 * run may have started it, so it is reported, not repeated.
 */

export interface RetryPolicy {
	/** Attempts after the first one. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Longest Retry-After we accept before giving up and reporting the 429 instead of waiting. */
	maxRetryAfterMs: number;
	/** Source of randomness for jitter; injectable so tests are deterministic. */
	random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 5 * 60_000,
	random: Math.random,
};

/**
 * Parses `Retry-After`: a number of seconds (fractions accepted, as some gateways send them) or an HTTP
 * date. Returns milliseconds to wait, or undefined when absent or unreadable.
 */
export function parseRetryAfter(
	value: string | undefined,
	now: number = Date.now(),
): number | undefined {
	if (value === undefined) return undefined;
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
	// An HTTP date always names its day or month; anything else (e.g. "-1") is not a wait we understand.
	if (!/[a-z]/i.test(trimmed)) return undefined;
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Full-jitter exponential backoff: a random wait in [0, min(cap, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(policy.random() * ceiling);
}

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status === 408 || (status >= 500 && status <= 599);
}
