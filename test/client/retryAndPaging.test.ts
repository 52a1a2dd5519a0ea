// Pure rules of the client that need no server: how Retry-After is read, how backoff grows, when offset
// paging ends, and where a next-page URL is fetched from.
import {
	DEFAULT_RETRY_POLICY,
	backoffDelay,
	offsetPagingIsOver,
	parseRetryAfter,
	resolveNextUrl,
} from '../../nodes/shared/client';

describe('Retry-After', () => {
	it('reads whole and fractional seconds', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter(' 0.4 ')).toBe(400);
	});

	it('reads an HTTP date relative to now, never negative', () => {
		const now = Date.parse('Fri, 27 Nov 2026 06:00:00 GMT');
		expect(parseRetryAfter('Fri, 27 Nov 2026 06:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Fri, 27 Nov 2026 05:59:00 GMT', now)).toBe(0);
	});

	it('ignores what it cannot read', () => {
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter('-1')).toBeUndefined();
	});
});

describe('backoff', () => {
	it('grows exponentially up to the cap, scaled by the jitter draw', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
		expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy))).toEqual([
			100, 200, 400, 800, 1000, 1000,
		]);
		expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(400);
		expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
	});
});

describe('offset paging end', () => {
	it('ends on an empty page, and on a short page when nothing more is expected', () => {
		expect(offsetPagingIsOver({ received: 0, limit: 100, totalSoFar: 300 })).toBe(true);
		expect(offsetPagingIsOver({ received: 40, limit: 100, totalSoFar: 240 })).toBe(true);
		expect(offsetPagingIsOver({ received: 100, limit: 100, totalSoFar: 200 })).toBe(false);
	});

	it('goes on after a short page while fewer items than expected have arrived', () => {
		// A server that serves 100 when asked for 500: output_count says more exist.
		expect(
			offsetPagingIsOver({ received: 100, limit: 500, totalSoFar: 100, expectedTotal: 1000 }),
		).toBe(false);
		expect(
			offsetPagingIsOver({ received: 100, limit: 500, totalSoFar: 1000, expectedTotal: 1000 }),
		).toBe(true);
		expect(
			offsetPagingIsOver({ received: 0, limit: 500, totalSoFar: 900, expectedTotal: 1000 }),
		).toBe(true);
	});
});

describe('next-page URL', () => {
	it('keeps a URL on the configured origin and resolves relative ones', () => {
		expect(
			resolveNextUrl(
				'https://api.edges.run/v1/runs/r/outputs?cursor=c',
				'https://api.edges.run/v1',
			),
		).toBe('https://api.edges.run/v1/runs/r/outputs?cursor=c');
		expect(resolveNextUrl('/v1/runs/r/outputs?cursor=c', 'https://api.edges.run/v1')).toBe(
			'https://api.edges.run/v1/runs/r/outputs?cursor=c',
		);
	});

	it('re-roots a URL on another host onto the configured base, so the key never goes elsewhere', () => {
		expect(
			resolveNextUrl(
				'https://api.edges.run/v1/runs/r/outputs?cursor=c',
				'https://proxy.example/edges/v1',
			),
		).toBe('https://proxy.example/edges/v1/runs/r/outputs?cursor=c');
		expect(
			resolveNextUrl('https://evil.example/runs/r/outputs?cursor=c', 'http://127.0.0.1:9/v1'),
		).toBe('http://127.0.0.1:9/v1/runs/r/outputs?cursor=c');
	});
});
