// Edges Run Outputs under a per-minute rate limit (issue 14, point 6). Edges documents the /runs/* limit as
// per workspace and per minute, each plan's minute budget being 60 times its per-second rate. When an
// answer's X-RateLimit-Remaining is larger than any plan's second holds, it can only count the minute's
// budget, and that already says how fast tokens come back: the reader then waits for the next token when
// the bucket runs dry instead of spending a refused request (a 429) to learn the rate.
//
// The assertions count 429s, not time: they hold however fast the machine runs (on a slow machine the
// bucket refills while the reader works, and there is even less reason for a 429).
import { EdgesSimulator } from '../simulator';
import { jsonOf, readOutputs } from './support';

describe('Edges Run Outputs: no probing 429 when the rate-limit headers already tell the rate', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 146, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	afterEach(() => sim.setRateLimit('runs', null));

	it('empties a Trial bucket (30 a minute, 0.5 a second) and goes on without a single 429', async () => {
		// 16 runs of one output: 32 requests (the run, then its one page), two more than the bucket holds.
		const runs = Array.from({ length: 16 }, () =>
			sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
		);
		sim.setRateLimit('runs', { perSecond: 0.5, burst: 30 });
		sim.clearRequests();

		const result = await readOutputs(
			sim.baseUrl,
			{},
			runs.map((run_uid) => ({ run_uid })),
		);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toHaveLength(16);
		const answered = sim.requests.map((r) => r.status);
		expect(answered.filter((status) => status === 429)).toEqual([]);
		expect(answered).toHaveLength(32);
		// The first answer already said there was room for 29 more: no request was refused before any page.
		for (const runUid of runs) {
			const ofRun = sim.requests.filter((r) => r.path.includes(runUid));
			expect(
				ofRun.map((r) => `${r.status} ${r.path.endsWith('/outputs') ? 'page' : 'run'}`),
			).toEqual(['200 run', '200 page']);
		}
	}, 60_000);
});
