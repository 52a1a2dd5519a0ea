// Edges Run Outputs, resilience: 429 bursts with Retry-After, a plan rate limit, 5xx, dropped connections
// and truncated pages are retried and never surface (nor lose or repeat a result) while retries last.
import { EdgesSimulator, type LoggedRequest } from '../simulator';
import { jsonOf, outputRequests, readOutputs, referenceOutputs, requestsFor } from './support';

/** Each refused request was followed by the next one no sooner than its Retry-After asked. */
function expectRetryAfterHonoured(log: LoggedRequest[]) {
	log.forEach((request, i) => {
		if (request.status !== 429) return;
		const next = log[i + 1];
		expect(request.retryAfter).toBeDefined();
		expect(next).toBeDefined();
		// Arrival times are whole milliseconds of Date.now, and a timer may fire within the millisecond
		// before it is due: hence the 1 ms.
		expect(next.at - request.at).toBeGreaterThanOrEqual(Number(request.retryAfter) * 1000 - 1);
	});
}

describe('Edges Run Outputs: resilience', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 54, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.clearFaults();
		sim.setRateLimit('runs', null);
		sim.clearRequests();
	});

	it('waits out a burst of 429s with Retry-After and returns every result once', async () => {
		const runUid = sim.seedRun({ outputs: 1100 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}/outputs`,
			method: 'GET',
			count: 3,
			kind: 'status',
			status: 429,
			retryAfter: '0.2',
		});

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected);
		const pages = outputRequests(sim, runUid);
		expect(pages.map((r) => r.status)).toEqual([429, 429, 429, 200, 200, 200]);
		expectRetryAfterHonoured(pages);
	});

	it('on a small plan (token bucket, whole-second Retry-After) waits out every 429 and gets every result', async () => {
		const legacy = await EdgesSimulator.start({ seed: 55, outputsPaging: 'legacy' });
		try {
			const runUid = legacy.seedRun({ outputs: 3000, outputBytes: 200 });
			const expected = await referenceOutputs(legacy, runUid);
			legacy.setRateLimit('runs', { perSecond: 25, burst: 3, retryAfter: 'integer' });
			legacy.clearRequests();

			const result = await readOutputs(legacy.baseUrl, {}, [{ run_uid: runUid }]);

			expect(result.error).toBeUndefined();
			expect(jsonOf(result.outputs[0])).toEqual(expected);
			const log = requestsFor(legacy, runUid);
			const accepted = log.filter((r) => r.status !== 429);
			// The run, the refused page size, then 30 pages of 100: nothing read twice or skipped.
			expect(accepted).toHaveLength(32);
			// How many requests the bucket refuses depends on how they fall in real time, which a loaded
			// machine changes (test/client/pacer.test.ts counts them on a driven clock). What holds whatever
			// the timing: each refusal was waited out as long as Edges asked (1 s), after which the bucket
			// is full again, so no request was refused twice.
			expectRetryAfterHonoured(log);
			log.forEach((request, i) => {
				if (request.status === 429) expect(log[i + 1].status).not.toBe(429);
			});
		} finally {
			await legacy.stop();
		}
	});

	it('retries 5xx answers and a dropped connection on the way', async () => {
		const runUid = sim.seedRun({ outputs: 1100 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}`,
			method: 'GET',
			count: 1,
			kind: 'status',
			status: 500,
		});
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}/outputs`,
			method: 'GET',
			count: 1,
			kind: 'status',
			status: 503,
		});
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}/outputs`,
			method: 'GET',
			count: 1,
			kind: 'reset',
		});

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected);
		expect(requestsFor(sim, runUid).map((r) => r.status)).toEqual([
			500, 200, 503, 0, 200, 200, 200,
		]);
	});

	it('reads a truncated page again instead of skipping or repeating it', async () => {
		const runUid = sim.seedRun({ outputs: 1100 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();
		// The first page goes through (held 1 ms), the second one is cut in half once.
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}/outputs`,
			method: 'GET',
			count: 1,
			kind: 'delay',
			ms: 1,
		});
		sim.injectFaults({
			pathPrefix: `/runs/${runUid}/outputs`,
			method: 'GET',
			count: 1,
			kind: 'truncate',
		});

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected);
		const pages = outputRequests(sim, runUid);
		expect(pages.map((r) => r.fault ?? 'none')).toEqual(['delay', 'truncate', 'none', 'none']);
		// The truncated page was asked again with the same cursor.
		expect(pages[2].query).toEqual(pages[1].query);
	});
});
