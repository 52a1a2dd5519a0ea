/**
 * Pacing by `X-RateLimit-Remaining`, so that a long listing (100,000 outputs on a small plan) runs at the
 * plan's rate instead of running into 429s.
 *
 * Edges' `/runs/*` limit behaves like a token bucket per workspace (edges-api.md §5): a burst, then a
 * steady refill of R requests per second. After each answer the server says how many whole requests are
 * left (`X-RateLimit-Remaining`). The pacer uses that as follows:
 *
 * - Remaining >= 1: at least one whole token is there, so the next request goes at once.
 * - Remaining 0: the next token is at most 1/R after the last request, so the next request waits until
 *   then. R is not announced; the pacer derives a *lower bound* of it from what it saw since an anchor
 *   (requests sent + change of Remaining, over the time elapsed). Waiting for a rate lower than the real
 *   one wastes nothing: the bucket keeps the surplus, the next answer shows Remaining >= 1, and that
 *   request goes at once, so on average the pacer consumes tokens exactly as fast as they refill.
 * - No estimate yet (the first fraction of a second after the burst): the request goes, and a 429 with
 *   `Retry-After` tells the client exactly how long to wait. That costs one refused request, not time.
 * - After a 429 the client already sleeps `Retry-After`; the pacer adds nothing on top.
 *
 * Servers that send no `X-RateLimit-Remaining` are not paced at all. The pacer knows nothing about n8n and
 * never waits itself: it returns a delay, and the client sleeps through its transport.
 */
import type { RequestPacer } from './EdgesClient';
import type { HttpResponse } from './http';
import { parseRetryAfter } from './retry';

export interface RateLimitPacerOptions {
	/** Clock in milliseconds; injectable for tests. */
	now?: () => number;
}

interface Anchor {
	/** When the anchoring request was sent. */
	at: number;
	remaining: number;
}

export class RateLimitPacer implements RequestPacer {
	private readonly now: () => number;
	/** When the request being answered was (or will be) sent. */
	private pendingSendAt?: number;
	private lastSendAt?: number;
	/** `X-RateLimit-Remaining` of the last answer that carried it. */
	private remaining?: number;
	private highestRemaining = -1;
	private anchor?: Anchor;
	/** Token-consuming requests sent after the anchor. */
	private consumedSinceAnchor = 0;
	/** Lower bound of the refill rate, in requests per millisecond. */
	private refillPerMs?: number;
	/** Set after a 429: the client sleeps Retry-After itself, so the retry is not delayed again. */
	private retryScheduled = false;

	constructor(options: RateLimitPacerOptions = {}) {
		this.now = options.now ?? Date.now;
	}

	/** Requests per second the pacer currently assumes at least, or undefined before it knows. */
	get estimatedRatePerSecond(): number | undefined {
		return this.refillPerMs === undefined ? undefined : this.refillPerMs * 1000;
	}

	delayBeforeRequest(): number {
		const now = this.now();
		let delay = 0;
		if (this.retryScheduled) {
			this.retryScheduled = false;
		} else if (
			this.remaining === 0 &&
			this.refillPerMs !== undefined &&
			this.lastSendAt !== undefined
		) {
			delay = Math.max(0, Math.ceil(this.lastSendAt + 1 / this.refillPerMs - now));
		}
		this.pendingSendAt = now + delay;
		return delay;
	}

	observe(response: HttpResponse): void {
		const sentAt = this.pendingSendAt ?? this.now();
		this.pendingSendAt = undefined;
		this.lastSendAt = sentAt;

		if (response.status === 429) {
			// A refusal takes no token. Whether the client retries or gives up, it waits Retry-After first.
			this.retryScheduled = parseRetryAfter(response.headers['retry-after']) !== undefined;
			this.remaining = 0;
			return;
		}
		this.retryScheduled = false;

		const remaining = parseRemaining(response.headers['x-ratelimit-remaining']);
		if (remaining === undefined) {
			this.remaining = undefined;
			return;
		}
		this.remaining = remaining;

		// The bucket may have been full before this request (idle time, first request): refill was capped
		// and the count since the old anchor no longer says anything about the rate. Start counting here.
		if (!this.anchor || remaining >= this.highestRemaining) {
			this.highestRemaining = Math.max(this.highestRemaining, remaining);
			this.anchor = { at: sentAt, remaining };
			this.consumedSinceAnchor = 0;
			return;
		}
		this.consumedSinceAnchor += 1;
		const elapsed = sentAt - this.anchor.at;
		if (elapsed <= 0) return;
		// Tokens refilled since the anchor = consumed + (remaining now - remaining then) +/- 1 (Remaining is
		// rounded down at both ends). Minus one token gives a rate that is never above the real one.
		const refilledAtLeast = this.consumedSinceAnchor + remaining - this.anchor.remaining - 1;
		if (refilledAtLeast > 0) this.refillPerMs = refilledAtLeast / elapsed;
	}
}

function parseRemaining(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const parsed = Number.parseInt(value.trim(), 10);
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
