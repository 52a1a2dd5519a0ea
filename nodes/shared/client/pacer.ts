/**
 * Pacing by `X-RateLimit-Remaining`, so that a long listing (100,000 outputs on a small plan) runs at the
 * plan's rate instead of running into 429s.
 *
 * Edges' `/runs/*` limit behaves like a token bucket per workspace (docs/edges-api.md §5): a burst, then a
 * steady refill of R requests per second. After each answer the server says how many whole requests are
 * left (`X-RateLimit-Remaining`). The pacer uses that as follows:
 *
 * - Remaining >= 1: at least one whole token is there, so the next request goes at once.
 * - Remaining 0: the next token is at most 1/R after the last request, so the next request waits until
 *   then. R is not announced; the pacer keeps a *lower bound* of it, raised by every answer: over a window
 *   of recent requests, more than (requests sent + change of Remaining - 1) tokens were refilled. Waiting
 *   for a rate lower than the real one costs little: the bucket keeps the surplus, the next answer shows
 *   Remaining >= 1 and that request goes at once, so tokens are spent as fast as they refill; and a wait
 *   that was too long lets more requests through than the bound predicted, which raises the bound (a ramp
 *   that roughly doubles per step until it meets the real rate).
 * - What one answer alone says: Edges documents the `/runs/*` limit as per workspace and per minute, with
 *   a minute's budget of 60 times the per-second rate on every plan, the smallest being Trial's 30 a
 *   minute, and no plan above 10 a second. A Remaining of R > 9 is more than any plan's second holds, so
 *   it counts the minute's budget: that budget is at least R + 1 (and at least 30), so tokens come back
 *   at least at max(R + 1, 30) / 60 per second. From the first such answer on, the pacer knows enough to
 *   wait for the next token instead of asking for a refusal. A smaller Remaining may be a per-second
 *   bucket, for which that bound would be up to 60 times too slow, so it is not used.
 * - No estimate yet (a small bucket, the first fraction of a second after its burst): the request goes,
 *   and a 429 with `Retry-After` tells the client exactly how long to wait. That costs one refused
 *   request, not time.
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

/** One answer that took a token. */
interface Observation {
	/** When its request was sent. */
	at: number;
	/** X-RateLimit-Remaining after it. */
	remaining: number;
	/** How many token-taking requests had been answered, this one included. */
	seq: number;
}

/** Bounds are shaved by this much, for the few milliseconds between our clock and the server's. */
const SAFETY = 0.95;
/** How many recent answers serve as window starts. */
const WINDOWS = 64;
/** The highest per-second `/runs/*` rate of Edges' plans (Titanium, docs/edges-api.md §5). */
const MAX_PLAN_PER_SECOND = 10;
/** The smallest per-minute `/runs/*` budget of Edges' plans (Trial). */
const MIN_PLAN_PER_MINUTE = 30;

export class RateLimitPacer implements RequestPacer {
	private readonly now: () => number;
	/** When the request being answered was (or will be) sent. */
	private pendingSendAt?: number;
	/** Whether that request was held back by the pacer (it waited on the estimate). */
	private pendingPaced = false;
	private lastSendAt?: number;
	/** `X-RateLimit-Remaining` of the last answer (0 after a 429). */
	private remaining?: number;
	/** The last answers that took a token, oldest first. */
	private recent: Observation[] = [];
	private accepted = 0;
	/** Lower bound of the refill rate, in requests per millisecond. */
	private refillPerMs?: number;
	/** Set after a 429: the client sleeps Retry-After itself, so the retry is not delayed again. */
	private retryScheduled = false;
	/** That Retry-After had a fractional part: it is the exact time to the next token, not rounded up. */
	private retryAfterExact = false;
	private pendingSynced = false;
	/**
	 * When the last request that went right after an exact Retry-After was sent: it took the token that
	 * had just refilled, so the bucket was empty (0.0 tokens) after it.
	 */
	private emptyAt?: number;
	private lastAcceptedAt?: number;

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
		let paced = false;
		let synced = false;
		if (this.retryScheduled) {
			this.retryScheduled = false;
			synced = this.retryAfterExact;
		} else if (
			this.remaining === 0 &&
			this.refillPerMs !== undefined &&
			this.lastSendAt !== undefined
		) {
			delay = Math.max(0, Math.ceil(this.lastSendAt + 1 / this.refillPerMs - now));
			paced = true;
		}
		this.pendingSendAt = now + delay;
		this.pendingPaced = paced;
		this.pendingSynced = synced;
		return delay;
	}

	observe(response: HttpResponse): void {
		const sentAt = this.pendingSendAt ?? this.now();
		const paced = this.pendingPaced;
		const synced = this.pendingSynced;
		this.pendingSendAt = undefined;
		this.pendingPaced = false;
		this.pendingSynced = false;
		this.lastSendAt = sentAt;

		if (response.status === 429) {
			// A refusal takes no token. Whether the client retries or gives up, it waits Retry-After first.
			const header = response.headers['retry-after'];
			const waitMs = parseRetryAfter(header);
			this.retryScheduled = waitMs !== undefined;
			this.retryAfterExact = waitMs !== undefined && /^\s*\d*\.\d*[1-9]/.test(header ?? '');
			this.remaining = 0;
			const lastAccepted = this.recent[this.recent.length - 1]?.at ?? this.lastAcceptedAt;
			if (paced && this.refillPerMs !== undefined) {
				// Refused although we waited for a token: the estimate was too high (rounding, someone
				// else sharing the budget, a changed plan). An exact Retry-After says how much: less than
				// one token refilled in the time since the last accepted request plus the wait.
				this.refillPerMs =
					this.retryAfterExact && waitMs !== undefined && lastAccepted !== undefined
						? Math.min(this.refillPerMs, SAFETY / (sentAt - lastAccepted + waitMs))
						: this.refillPerMs * 0.75;
				this.lastAcceptedAt = lastAccepted;
				this.recent = [];
			}
			if (this.retryAfterExact && this.emptyAt !== undefined && waitMs !== undefined) {
				// The bucket was empty at emptyAt and one token will be there waitMs from now: one token
				// takes exactly that long to refill. (The only estimate there is when the bucket holds a
				// single token, so that Remaining is always 0.)
				this.raiseEstimate(1 / (sentAt - this.emptyAt + waitMs));
			}
			this.emptyAt = undefined;
			return;
		}
		this.retryScheduled = false;
		this.emptyAt = synced ? sentAt : undefined;

		const remaining = parseRemaining(response.headers['x-ratelimit-remaining']);
		if (remaining === undefined) {
			this.remaining = undefined;
			return;
		}
		this.remaining = remaining;
		if (remaining + 1 > MAX_PLAN_PER_SECOND) {
			// Only a minute's budget can leave this many: see "What one answer alone says" above.
			this.raiseEstimate(Math.max(remaining + 1, MIN_PLAN_PER_MINUTE) / 60_000);
		}

		// Over any window from an earlier answer a to this one: the refill was more than the requests
		// sent after a + (Remaining now - Remaining after a) - 1 (Remaining is rounded down at both ends).
		// A bucket that was full somewhere in the window only lost refill, so every window gives a valid
		// lower bound; the recent ones follow the pace we reach, the long ones average out the rounding.
		// With one request in the window this is: Remaining went up by k, so more than k tokens came in.
		this.accepted += 1;
		const current: Observation = { at: sentAt, remaining, seq: this.accepted };
		for (const start of this.recent) {
			const elapsed = current.at - start.at;
			if (elapsed <= 0) continue;
			const consumed = current.seq - start.seq;
			this.raiseEstimate((consumed + current.remaining - start.remaining - 1) / elapsed);
		}
		this.recent.push(current);
		if (this.recent.length > WINDOWS) this.recent.shift();
	}

	private raiseEstimate(perMs: number): void {
		const bound = perMs * SAFETY;
		if (bound > 0 && (this.refillPerMs === undefined || bound > this.refillPerMs)) {
			this.refillPerMs = bound;
		}
	}
}

function parseRemaining(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const parsed = Number.parseInt(value.trim(), 10);
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
