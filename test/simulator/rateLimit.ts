// Why this file exists: Edges rate-limits per workspace (all /runs/* routes share one budget, live calls
// have their own; docs/edges-api.md §5) and answers 429 with Retry-After; tests need that behaviour on demand,
// with exact, reproducible numbers, so the simulator uses a plain token bucket per workspace and scope.

import type { RateLimit } from './types';

export type RateScope = 'runs' | 'live' | 'all';

export class TokenBucket {
	private tokens: number;
	private last: number;
	readonly capacity: number;

	constructor(
		readonly limit: RateLimit,
		now: number,
	) {
		this.capacity = limit.burst ?? Math.max(1, limit.perSecond);
		this.tokens = this.capacity;
		this.last = now;
	}

	private refill(now: number): void {
		const elapsed = Math.max(0, now - this.last) / 1000;
		this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.limit.perSecond);
		this.last = now;
	}

	/** Takes one token if there is one. `retryAfterMs` is how long until the next token when refused. */
	take(now: number): { ok: boolean; remaining: number; retryAfterMs: number } {
		this.refill(now);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return { ok: true, remaining: Math.floor(this.tokens), retryAfterMs: 0 };
		}
		const retryAfterMs = ((1 - this.tokens) / this.limit.perSecond) * 1000;
		return { ok: false, remaining: 0, retryAfterMs };
	}

	remaining(now: number): number {
		this.refill(now);
		return Math.floor(this.tokens);
	}
}

/** Formats a wait as Edges' Retry-After: seconds, fractional ("0.4") or rounded up ("1"). */
export function formatRetryAfter(ms: number, style: RateLimit['retryAfter']): string {
	const seconds = ms / 1000;
	if (style === 'integer') return String(Math.max(1, Math.ceil(seconds)));
	const rounded = Math.max(0.001, Math.ceil(seconds * 1000) / 1000);
	return String(Number(rounded.toFixed(3)));
}
