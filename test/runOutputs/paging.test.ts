// Edges Run Outputs, paging: both generations of the outputs endpoint, Return All and Limit, several runs
// in one execution, and the output modes. The node runs in n8n's engine against the simulator over HTTP.
import { DEFAULT_API_KEY, EdgesSimulator, OTHER_API_KEY } from '../simulator';
import {
	jsonOf,
	outputRequests,
	pairingOf,
	readOutputs,
	referenceOutputs,
	requestsFor,
} from './support';

describe('Edges Run Outputs: cursor paging (X-Pagination-Next, up to 500 a page)', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 51, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	it('returns every output once, in order, paired to its input item, with 500 a page', async () => {
		const runUid = sim.seedRun({ outputs: 1234 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected);
		expect(expected).toHaveLength(1234);
		expect(new Set(pairingOf(result.outputs[0]).map((p) => JSON.stringify(p)))).toEqual(
			new Set([JSON.stringify({ item: 0 })]),
		);
		const pages = outputRequests(sim, runUid);
		expect(pages.map((r) => r.query.limit)).toEqual(['500', '500', '500']);
		expect(pages[0].query.offset).toBeUndefined();
		expect(pages.slice(1).every((r) => typeof r.query.cursor === 'string')).toBe(true);
		// The run itself, then ceil(1234 / 500) pages: within ceil(N / 500) + 2.
		expect(requestsFor(sim, runUid)).toHaveLength(1 + 3);
	});

	it('asks a Limit smaller than a page as the page size: one request', async () => {
		const runUid = sim.seedRun({ outputs: 800 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();

		const result = await readOutputs(sim.baseUrl, { returnAll: false, limit: 30 }, [
			{ run_uid: runUid },
		]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected.slice(0, 30));
		expect(outputRequests(sim, runUid).map((r) => r.query.limit)).toEqual(['30']);
	});

	it('stops after the page that reaches a Limit larger than a page', async () => {
		const runUid = sim.seedRun({ outputs: 1600 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();

		const result = await readOutputs(sim.baseUrl, { returnAll: false, limit: 700 }, [
			{ run_uid: runUid },
		]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected.slice(0, 700));
		expect(outputRequests(sim, runUid)).toHaveLength(2);
	});

	it('reads several runs in one execution, each paired to its own item (run_uid or uid)', async () => {
		const a = sim.seedRun({ outputs: 3 });
		const b = sim.seedRun({ outputs: 520 });
		const c = sim.seedRun({ outputs: 2 });
		const [ra, rb, rc] = [
			await referenceOutputs(sim, a),
			await referenceOutputs(sim, b),
			await referenceOutputs(sim, c),
		];

		const result = await readOutputs(sim.baseUrl, {}, [
			{ run_uid: a },
			{ uid: b, status: 'SUCCEEDED' },
			{ run_uid: c },
		]);

		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(jsonOf(items)).toEqual([...ra, ...rb, ...rc]);
		expect(pairingOf(items)).toEqual([
			...ra.map(() => ({ item: 0 })),
			...rb.map(() => ({ item: 1 })),
			...rc.map(() => ({ item: 2 })),
		]);
	});

	it('"One Item per Run" gives one item per input with the results, the status and the counts', async () => {
		const a = sim.seedRun({ outputs: 4 });
		const b = sim.seedRun({ outputs: 0 });
		const ra = await referenceOutputs(sim, a);

		const result = await readOutputs(sim.baseUrl, { output: 'perRun' }, [
			{ run_uid: a },
			{ run_uid: b },
		]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual([
			{
				run_uid: a,
				status: 'SUCCEEDED',
				finished: true,
				complete: true,
				output_count: 4,
				received_count: 4,
				results: ra,
			},
			{
				run_uid: b,
				status: 'SUCCEEDED',
				finished: true,
				complete: true,
				output_count: 0,
				received_count: 0,
				results: [],
			},
		]);
		expect(pairingOf(result.outputs[0])).toEqual([{ item: 0 }, { item: 1 }]);
		// An empty run costs only the run request.
		expect(requestsFor(sim, b)).toHaveLength(1);
	});

	it("reports an unknown run (or another workspace's run) per item without leaking the API key", async () => {
		const mine = sim.seedRun({ outputs: 2 });
		const theirs = sim.seedRun({ outputs: 2, apiKey: OTHER_API_KEY });

		const result = await readOutputs(
			sim.baseUrl,
			{},
			[{ run_uid: theirs }, { run_uid: mine }, {}],
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(items).toHaveLength(1 + 2 + 1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(String(items[0].json.error)).toMatch(/404/);
		expect(pairingOf(items.slice(1, 3))).toEqual([{ item: 1 }, { item: 1 }]);
		expect(items[3]).toMatchObject({
			json: { error: 'No run ID for this item' },
			pairedItem: { item: 2 },
		});
		const everything = JSON.stringify(result.run.data.resultData);
		expect(everything).not.toContain(DEFAULT_API_KEY);
	});
});

describe('Edges Run Outputs: legacy paging (limit <= 100 + offset)', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 52, outputsPaging: 'legacy' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	it('falls back from 500 to 100 a page once, then pages by offset to the end', async () => {
		const runUid = sim.seedRun({ outputs: 1234 });
		const expected = await referenceOutputs(sim, runUid);
		sim.clearRequests();

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual(expected);
		const pages = outputRequests(sim, runUid);
		expect(pages[0]).toMatchObject({ query: { limit: '500' }, status: 400 });
		expect(pages.slice(1).map((r) => [r.query.limit, r.query.offset ?? '0', r.status])).toEqual(
			Array.from({ length: 13 }, (_, i) => ['100', String(i * 100), 200]),
		);
	});

	it('does not ask for an empty page after a full last page: ceil(N / 100) + 2 requests', async () => {
		const runUid = sim.seedRun({ outputs: 1000 });
		sim.clearRequests();

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(1000);
		expect(requestsFor(sim, runUid)).toHaveLength(1000 / 100 + 2);
	});

	it('reads a Limit larger than a page across offset pages', async () => {
		const runUid = sim.seedRun({ outputs: 450 });
		const expected = await referenceOutputs(sim, runUid);

		const result = await readOutputs(
			sim.baseUrl,
			{ returnAll: false, limit: 250, output: 'perRun' },
			[{ run_uid: runUid }],
		);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual([
			expect.objectContaining({
				complete: true,
				output_count: 450,
				received_count: 250,
				results: expected.slice(0, 250),
			}),
		]);
	});
});
