// Why this file exists: `servedOutputs` / `serveOutputs` model Edges having lost outputs of a run (it reports
// `output_count` N but the outputs route serves fewer). The Run Outputs node must notice; these tests check
// over real HTTP that the simulator then ends the listing at the same place in both paging styles, so that a
// client following either one sees the same short listing and nothing else changes.

import { EdgesClient, collect } from '../nodes/shared/client';
import { axiosTransport } from './helpers/axiosTransport';
import { DEFAULT_API_KEY, EdgesSimulator } from './simulator';
import { apiClient, searchUrl, startRun } from './simulator/testkit';

type Output = { linkedin_profile_id: number };

const ids = (outputs: Output[]) => outputs.map((o) => o.linkedin_profile_id);

describe('simulator: servedOutputs, cursor paging', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 71, stepMs: 2, outputsPaging: 'cursor' });
	});
	afterAll(() => sim.stop());

	test('the run reports every output; the cursor ends after the first servedOutputs ones', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 1200, servedOutputs: 1094 });

		expect((await api.get(`/runs/${uid}`)).data).toMatchObject({
			status: 'SUCCEEDED',
			output_count: 1200,
		});
		expect((await api.get(`/runs/${uid}/inputs`)).data).toEqual([
			expect.objectContaining({ output_count: 1200 }),
		]);

		const pages: Output[][] = [];
		const nexts: Array<string | undefined> = [];
		let url: string | undefined = `/runs/${uid}/outputs?limit=500`;
		while (url) {
			const response = await api.get(url);
			expect(response.status).toBe(200);
			pages.push(response.data);
			url = response.headers['x-pagination-next'] as string | undefined;
			nexts.push(url);
		}
		expect(pages.map((p) => p.length)).toEqual([500, 500, 94]);
		expect(nexts.map((n) => n !== undefined)).toEqual([true, true, false]);

		// What is served is the first 1094 of what the run holds, in order.
		sim.serveOutputs(uid, null);
		const all = (await api.get(`/runs/${uid}/outputs?limit=500&offset=0`)).data as Output[];
		const rest = (await api.get(`/runs/${uid}/outputs?limit=500&offset=500`)).data as Output[];
		const last = (await api.get(`/runs/${uid}/outputs?limit=500&offset=1000`)).data as Output[];
		const everything = [...all, ...rest, ...last];
		expect(everything).toHaveLength(1200);
		expect(ids(pages.flat())).toEqual(ids(everything.slice(0, 1094)));
	});

	test('offset requests (the deprecated switch) and stale cursors stop at the same place', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 300, servedOutputs: 120 });

		const byOffset = await api.get(`/runs/${uid}/outputs?limit=100&offset=100`);
		expect(byOffset.data).toHaveLength(20);
		expect(byOffset.headers['x-pagination-next']).toBeUndefined();
		expect((await api.get(`/runs/${uid}/outputs?limit=100&offset=120`)).data).toEqual([]);

		// A cursor handed out before the cap points past it: an empty page, no next.
		sim.serveOutputs(uid, null);
		const first = await api.get(`/runs/${uid}/outputs?limit=200`);
		const next = first.headers['x-pagination-next'] as string;
		expect(next).toBeTruthy();
		sim.serveOutputs(uid, 120);
		const after = await api.get(next);
		expect(after.status).toBe(200);
		expect(after.data).toEqual([]);
		expect(after.headers['x-pagination-next']).toBeUndefined();
	});

	test('servedOutputs 0: an empty first page without X-Pagination-Next', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 40, servedOutputs: 0 });

		expect((await api.get(`/runs/${uid}`)).data.output_count).toBe(40);
		const page = await api.get(`/runs/${uid}/outputs`);
		expect(page.status).toBe(200);
		expect(page.data).toEqual([]);
		expect(page.headers['x-pagination-next']).toBeUndefined();
	});

	test('serveOutputs caps a run started over HTTP; the package client reads only what is served', async () => {
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('lost', 80) }],
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		sim.serveOutputs(uid, 60);

		expect((await api.get(`/runs/${uid}`)).data.output_count).toBe(80);
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY),
		});
		const read = await collect(client.listRunOutputs(uid, { expectedTotal: 80 }), 10_000);
		expect(read).toHaveLength(60);

		sim.serveOutputs(uid, null);
		expect(await collect(client.listRunOutputs(uid), 10_000)).toHaveLength(80);
	});

	test('a count that cannot be right is refused at once', () => {
		expect(() => sim.seedRun({ outputs: 10, servedOutputs: 11 })).toThrow(
			'seedRun: servedOutputs must be a whole number from 0 to 10, got 11',
		);
		expect(() => sim.seedRun({ outputs: 10, servedOutputs: 2.5 })).toThrow(/whole number/);
		const uid = sim.seedRun({ outputs: 10 });
		expect(() => sim.serveOutputs(uid, -1)).toThrow(
			'serveOutputs: servedOutputs must be a whole number at least 0, got -1',
		);
		expect(() => sim.serveOutputs('no-such-run', 1)).toThrow('serveOutputs: unknown run');
	});
});

describe('simulator: servedOutputs, legacy paging', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 72, outputsPaging: 'legacy' });
	});
	afterAll(() => sim.stop());

	test('limit + offset pages end after the first servedOutputs outputs; output_count is unchanged', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 345, servedOutputs: 250 });

		expect((await api.get(`/runs/${uid}`)).data.output_count).toBe(345);
		const sizes: number[] = [];
		const served: Output[] = [];
		for (let offset = 0; offset <= 400; offset += 100) {
			const page = await api.get(`/runs/${uid}/outputs?limit=100&offset=${offset}`);
			expect(page.status).toBe(200);
			expect(page.headers['x-pagination-next']).toBeUndefined();
			sizes.push(page.data.length);
			served.push(...(page.data as Output[]));
		}
		expect(sizes).toEqual([100, 100, 50, 0, 0]);

		sim.serveOutputs(uid, null);
		const whole: Output[] = [];
		for (let offset = 0; offset < 345; offset += 100)
			whole.push(...(await api.get(`/runs/${uid}/outputs?limit=100&offset=${offset}`)).data);
		expect(whole).toHaveLength(345);
		expect(ids(served)).toEqual(ids(whole.slice(0, 250)));
	});

	test('the package client, told output_count, reads what is served and stops at the empty page', async () => {
		const uid = sim.seedRun({ outputs: 345, servedOutputs: 250 });
		sim.clearRequests();
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY),
		});

		const read = await collect(client.listRunOutputs(uid, { expectedTotal: 345 }), 10_000);

		expect(read).toHaveLength(250);
		const pages = sim.requests.filter((r) => r.path.endsWith(`/runs/${uid}/outputs`));
		expect(pages.map((r) => [r.query.offset ?? '0', r.status])).toEqual([
			['0', 400],
			['0', 200],
			['100', 200],
			['200', 200],
			['250', 200],
		]);
	});
});
