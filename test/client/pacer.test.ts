// The rate-limit pacer (nodes/shared/client/pacer.ts) on a clock the test drives: the simulator's bucket
// refills by it and the client's waits move it instead of passing real time. Requests, refusals and waits
// are then the same on any machine, however loaded, so this is where what the pacer promises is counted:
// a long read on a small plan has at most a couple of requests refused while the pacer learns the refill
// rate, every refusal is waited out as long as Edges asks, and with exact (fractional) Retry-After the read
// goes at the plan's rate. Over real time, in n8n, test/runOutputs/resilience.test.ts checks what holds
// whatever the timing.
import { readRun, type OutputResult } from '../../nodes/EdgesRunOutputs/readRun';
import { EdgesClient, type HttpTransport } from '../../nodes/shared/client';
import { RateLimitPacer } from '../../nodes/shared/client/pacer';
import { axiosTransport } from '../helpers/axiosTransport';
import { DEFAULT_API_KEY, EdgesSimulator, type RateLimit } from '../simulator';
import { ManualClock } from '../simulator/testkit';

interface Sent {
	/** The driven clock when the request went. */
	at: number;
	status: number;
	retryAfter?: string;
}

/** Reads a seeded run with the code of Edges Run Outputs (the run, then every page), on the driven clock. */
async function readOnPlan(paging: 'cursor' | 'legacy', outputs: number, limit: RateLimit) {
	const clock = new ManualClock();
	const sim = await EdgesSimulator.start({
		seed: 55,
		outputsPaging: paging,
		rateLimitClock: clock.now,
	});
	try {
		const uid = sim.seedRun({ outputs, outputBytes: 200 });
		sim.setRateLimit('runs', limit);
		const overHttp = axiosTransport(DEFAULT_API_KEY);
		const sent: Sent[] = [];
		const transport: HttpTransport = {
			async send(request) {
				const at = clock.now();
				const response = await overHttp.send(request);
				sent.push({ at, status: response.status, retryAfter: response.headers['retry-after'] });
				return response;
			},
			sleep: clock.sleep,
		};
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport,
			pacer: new RateLimitPacer({ now: clock.now }),
			now: clock.now,
		});
		const start = clock.now();
		const results: OutputResult[] = [];
		const report = await readRun(client, uid, { onResults: (page) => results.push(...page) });
		expect(report.complete).toBe(true);
		const accepted = sent.filter((s) => s.status !== 429).length;
		const burst = limit.burst ?? Math.max(1, limit.perSecond);
		return {
			results,
			sent,
			refused: sent.length - accepted,
			ms: clock.now() - start,
			// The bucket holds `burst` tokens and refills perSecond: no client can be served faster.
			floorMs: ((accepted - burst) / limit.perSecond) * 1000,
		};
	} finally {
		await sim.stop();
	}
}

/** Every refusal is followed by a request sent at least Retry-After later, and that one is accepted. */
function expectEveryRefusalWaitedOut(sent: Sent[]) {
	sent.forEach((request, i) => {
		if (request.status !== 429) return;
		const next = sent[i + 1];
		expect(request.retryAfter).toBeDefined();
		expect(next).toBeDefined();
		expect(next.at - request.at).toBeGreaterThanOrEqual(
			Math.round(Number(request.retryAfter) * 1000),
		);
		expect(next.status).not.toBe(429);
	});
}

const ids = (results: OutputResult[]) => results.map((result) => result.linkedin_profile_id);

describe('RateLimitPacer on a driven clock, against the simulator over HTTP', () => {
	it('a small plan with whole-second Retry-After: every result once, at most 2 refusals, each waited out', async () => {
		const { results, sent, refused } = await readOnPlan('legacy', 3000, {
			perSecond: 25,
			burst: 3,
			retryAfter: 'integer',
		});
		expect(results).toHaveLength(3000);
		expect(new Set(ids(results)).size).toBe(3000);
		// The run, the refused page size (limit 500 on older paging), then 30 pages of 100.
		expect(sent.filter((s) => s.status !== 429)).toHaveLength(32);
		// Without the pacer the bucket refuses a request after every 3: about 10 refusals here.
		expect(refused).toBeGreaterThan(0);
		expect(refused).toBeLessThanOrEqual(2);
		expectEveryRefusalWaitedOut(sent);
	});

	it.each([
		['Silver-like, 2.5 requests/s, burst 2.5', { perSecond: 2.5 }],
		['8 requests/s, burst 1', { perSecond: 8, burst: 1 }],
	])(
		'fractional Retry-After (%s): the read goes within 15%% of the rate the bucket allows',
		async (_plan, limit) => {
			const { results, sent, refused, ms, floorMs } = await readOnPlan('cursor', 20_000, limit);
			expect(results).toHaveLength(20_000);
			expect(new Set(ids(results)).size).toBe(20_000);
			// The run, then 40 pages of 500.
			expect(sent.filter((s) => s.status !== 429)).toHaveLength(41);
			expect(refused).toBeLessThanOrEqual(2);
			expectEveryRefusalWaitedOut(sent);
			expect(ms).toBeGreaterThanOrEqual(floorMs);
			expect(ms).toBeLessThanOrEqual(floorMs * 1.15);
		},
	);
});
