/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
// Why this file exists: reading a run's outputs completely is the package's core promise, and Edges has
// two generations of paging for it (docs/edges-api.md §2.2: cursor + X-Pagination-Next with limit <= 500, or
// limit <= 100 + offset). These tests check both over real HTTP, outputs of a run still going, and that a
// seeded run of 100,000 outputs is created without materialising them and reads back completely. How fast
// that is belongs to bench/outputs.ts (it prints the seeding and reading times), not to a unit test.

import { EdgesClient, collect } from '../nodes/shared/client';
import { axiosTransport } from './helpers/axiosTransport';
import { DEFAULT_API_KEY, EdgesSimulator } from './simulator';
import { apiClient, searchUrl, startRun } from './simulator/testkit';

type Output = { linkedin_profile_id: number; extracted_at: string };

describe('simulator: outputs, cursor paging (newest docs)', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ stepMs: 2 });
	});
	afterAll(() => sim.stop());

	test('limit up to 500, X-Pagination-Next holds the full next URL with limit and cursor', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 1234, outputBytes: 600 });
		const pages: Output[][] = [];
		let url: string | undefined = `/runs/${uid}/outputs?limit=500`;
		const nextUrls: string[] = [];
		while (url) {
			const response = await api.get(url);
			expect(response.status).toBe(200);
			expect(response.headers['content-type']).toMatch(/^application\/json/);
			pages.push(response.data);
			url = response.headers['x-pagination-next'] as string | undefined;
			if (url) nextUrls.push(url);
		}
		expect(pages.map((p) => p.length)).toEqual([500, 500, 234]);
		for (const next of nextUrls) {
			const parsed = new URL(next);
			expect(`${parsed.origin}${parsed.pathname}`).toBe(`${sim.baseUrl}/runs/${uid}/outputs`);
			expect(parsed.searchParams.get('limit')).toBe('500');
			expect(parsed.searchParams.get('cursor')).toBeTruthy();
		}
		const ids = pages.flat().map((o) => o.linkedin_profile_id);
		expect(new Set(ids).size).toBe(1234);
		expect(pages[0][0].extracted_at).toEqual(expect.any(String));
		const size = JSON.stringify(pages[0][0]).length;
		expect(size).toBeGreaterThan(550);
		expect(size).toBeLessThan(650);

		// The same page asked twice is the same (outputs are regenerated identically).
		expect((await api.get(`/runs/${uid}/outputs?limit=500`)).data).toEqual(pages[0]);
	});

	test('default limit 100; limit 501 or a bad cursor is a 400; offset switches to offset paging', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 250 });
		const first = await api.get(`/runs/${uid}/outputs`);
		expect(first.data).toHaveLength(100);
		expect(new URL(first.headers['x-pagination-next'] as string).searchParams.get('limit')).toBe(
			'100',
		);

		const tooBig = await api.get(`/runs/${uid}/outputs?limit=501`);
		expect(tooBig.status).toBe(400);
		expect(tooBig.data).toMatchObject({
			error_label: 'BAD_PARAMETERS',
			message: 'querystring/limit must be <= 500',
			status_code: 400,
		});
		expect((await api.get(`/runs/${uid}/outputs?cursor=nope`)).status).toBe(400);

		const byOffset = await api.get(`/runs/${uid}/outputs?limit=100&offset=200`);
		expect(byOffset.status).toBe(200);
		expect(byOffset.data).toHaveLength(50);
		expect(byOffset.headers['x-pagination-next']).toBeUndefined();
		expect(byOffset.data[0]).toEqual((await api.get(`/runs/${uid}/outputs?limit=300`)).data[200]);
	});

	test('a run still going answers the outputs produced so far', async () => {
		const slow = await EdgesSimulator.start({ stepMs: 40 });
		try {
			const api = apiClient(slow);
			const uid = await startRun(api, 'linkedin-search-people', {
				inputs: [{ linkedin_people_search_url: searchUrl('slow', 100) }],
			});
			await slow.waitFor(() => (slow.run(uid)?.outputCount ?? 0) >= 10);
			const partial = await api.get(`/runs/${uid}/outputs?limit=500`);
			expect(partial.status).toBe(200);
			expect(partial.data.length).toBeGreaterThanOrEqual(10);
			expect(partial.data.length).toBeLessThan(100);
			expect(partial.headers['x-pagination-next']).toBeUndefined();
			await slow.waitForRun(uid, ['SUCCEEDED']);
			expect((await api.get(`/runs/${uid}/outputs?limit=500`)).data).toHaveLength(100);
		} finally {
			await slow.stop();
		}
	});

	test('the package client reads every output through the cursor', async () => {
		const uid = sim.seedRun({ outputs: 1100, outputBytes: 300 });
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY),
		});
		const outputs = await collect(client.listRunOutputs(uid), 10_000);
		expect(outputs).toHaveLength(1100);
		expect(new Set(outputs.map((o) => o.linkedin_profile_id)).size).toBe(1100);
	});
});

describe('simulator: outputs, legacy paging (older docs)', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ outputsPaging: 'legacy' });
	});
	afterAll(() => sim.stop());

	test('limit above 100 is a 400 in Edges format; limit + offset pages; never X-Pagination-Next', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 234 });
		const refused = await api.get(`/runs/${uid}/outputs?limit=500`);
		expect(refused.status).toBe(400);
		expect(refused.data).toEqual({
			error_label: 'BAD_PARAMETERS',
			error_scope: 'request',
			error_ref: expect.stringMatching(/^err-/),
			message: 'querystring/limit must be <= 100',
			status_code: 400,
			params: { limit: 500 },
		});
		const sizes: number[] = [];
		const ids: number[] = [];
		for (let offset = 0; ; offset += 100) {
			const page = await api.get(`/runs/${uid}/outputs?limit=100&offset=${offset}`);
			expect(page.headers['x-pagination-next']).toBeUndefined();
			sizes.push(page.data.length);
			ids.push(...page.data.map((o: Output) => o.linkedin_profile_id));
			if (page.data.length < 100) break;
		}
		expect(sizes).toEqual([100, 100, 34]);
		expect(new Set(ids).size).toBe(234);
	});

	test('the package client falls back to limit 100 and reads every output', async () => {
		const uid = sim.seedRun({ outputs: 345 });
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY),
		});
		const outputs = await collect(client.listRunOutputs(uid, { expectedTotal: 345 }), 10_000);
		expect(outputs).toHaveLength(345);
	});
});

test('seedRun: 100,000 outputs of ~1 KB seed at once and page through in cursor pages of 500', async () => {
	const sim = await EdgesSimulator.start();
	try {
		const heapBefore = process.memoryUsage().heapUsed;
		const uid = sim.seedRun({
			outputs: 100_000,
			action: 'linkedin-extract-people',
			failedInputs: 2,
		});
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);

		const api = apiClient(sim);
		const run = (await api.get(`/runs/${uid}`)).data;
		expect(run).toMatchObject({ status: 'PARTIAL_SUCCEEDED', output_count: 100_000 });
		const inputs = (await api.get(`/runs/${uid}/inputs?offset=99999&limit=100`)).data;
		expect(inputs.map((i: { status: string }) => i.status)).toEqual([
			'SUCCEEDED',
			'FAILED',
			'FAILED',
		]);

		const ids = new Set<number>();
		let bytes = 0;
		let pages = 0;
		let url: string | undefined = `/runs/${uid}/outputs?limit=500`;
		while (url) {
			const response = await api.get(url, {
				responseType: 'text',
				transformResponse: [(d: string) => d],
			});
			bytes += (response.data as string).length;
			for (const output of JSON.parse(response.data as string) as Output[])
				ids.add(output.linkedin_profile_id);
			url = response.headers['x-pagination-next'] as string | undefined;
			pages++;
		}
		expect(pages).toBe(200);
		expect(ids.size).toBe(100_000);
		expect(bytes / 100_000).toBeGreaterThan(950);
		expect(bytes / 100_000).toBeLessThan(1100);
	} finally {
		await sim.stop();
	}
	// A guard against a hang, not a speed bound: with both cores busy the read alone took ~20 s.
}, 120_000);
