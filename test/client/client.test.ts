/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
// The Edges client against the simulator over real HTTP: every endpoint, both paging styles, retries that
// honour Retry-After, no repeat of a run-starting POST that may have reached Edges, and error mapping.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	EdgesApiError,
	EdgesClient,
	EdgesNetworkError,
	EdgesResponseError,
	collect,
	scheduleUidOf,
	type RetryPolicy,
} from '../../nodes/shared/client';
import { axiosTransport } from '../helpers/axiosTransport';
import {
	CallbackReceiver,
	DEFAULT_API_KEY,
	EdgesSimulator,
	OTHER_API_KEY,
	type SimulatorOptions,
} from '../simulator';

/** A client whose waits are real but short, and recorded, so tests can see what it waited for. */
function clientFor(
	sim: EdgesSimulator,
	apiKey = DEFAULT_API_KEY,
	retry: Partial<RetryPolicy> = {},
) {
	const waits: number[] = [];
	const transport = axiosTransport(apiKey, {
		sleep: async (ms) => {
			waits.push(ms);
			await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
		},
	});
	const client = new EdgesClient({
		baseUrl: sim.baseUrl,
		transport,
		retry: { baseDelayMs: 10, maxDelayMs: 40, random: () => 1, ...retry },
	});
	return { client, waits, transport };
}

const PEOPLE = 'linkedin-extract-people';
const profile = (handle: string) => ({
	linkedin_profile_url: `https://www.linkedin.com/in/${handle}`,
});

async function withSimulator(
	options: SimulatorOptions,
	body: (sim: EdgesSimulator) => Promise<void>,
) {
	const sim = await EdgesSimulator.start({ stepMs: 1, ...options });
	try {
		await body(sim);
	} finally {
		await sim.stop();
	}
}

function requestsTo(sim: EdgesSimulator, method: string, pathPart: string) {
	return sim.requests.filter((r) => r.method === method && r.path.includes(pathPart));
}

describe('Edges client over HTTP', () => {
	let sim: EdgesSimulator;
	let receiver: CallbackReceiver;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ stepMs: 1 });
		receiver = await CallbackReceiver.start();
	});

	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});

	beforeEach(() => {
		sim.clearFaults();
		sim.clearRequests();
	});

	it('starts an async run, reads it, its status, inputs, outputs and callbacks', async () => {
		const { client } = clientFor(sim);
		const created = await client.startAsyncRun(PEOPLE, {
			inputs: [
				{ ...profile('ada'), custom_data: { row: 1 } },
				{ ...profile('grace'), custom_data: { row: 2 } },
			],
			callback: { url: receiver.url, on: 'final' },
		});
		expect(created.run_uid).toEqual(expect.any(String));
		expect(created.status).toBe('pending');

		await sim.waitForRun(created.run_uid, ['SUCCEEDED']);
		const run = await client.getRun(created.run_uid);
		expect(run).toMatchObject({ uid: created.run_uid, status: 'SUCCEEDED', output_count: 2 });
		expect((await client.getRunStatus(created.run_uid)).status).toBe('SUCCEEDED');

		const inputs = await collect(client.listRunInputs(created.run_uid), 10);
		expect(inputs.map((input) => input.custom_data)).toEqual([{ row: 1 }, { row: 2 }]);

		const outputs = await collect(client.listRunOutputs(created.run_uid), 10);
		expect(outputs).toHaveLength(2);
		expect(requestsTo(sim, 'GET', '/outputs')[0].query.limit).toBe('500');

		await sim.waitForIdle();
		const callbacks = await collect(client.listCallbacks({ run_uid: [created.run_uid] }), 10);
		expect(callbacks).toHaveLength(1);
		expect(callbacks[0]).toMatchObject({ run_uid: created.run_uid, status: 'SUCCESS' });
		expect((await client.getCallback(callbacks[0].uid)).uid).toBe(callbacks[0].uid);
		const replayed = await client.replayCallback(callbacks[0].uid);
		expect(replayed.parent_uid).toBe(callbacks[0].uid);
	});

	it('lists runs with repeated filter keys, sort and limit/offset paging', async () => {
		const { client } = clientFor(sim);
		for (let i = 0; i < 3; i++) sim.seedRun({ outputs: 1 });
		const failed = sim.seedRun({ outputs: 0, status: 'FAILED' });
		const runs = await collect(
			client.listRuns({ status: ['SUCCEEDED', 'FAILED'], sort: ['-created_at'] }, { pageSize: 2 }),
			1000,
		);
		expect(runs.length).toBeGreaterThanOrEqual(4);
		expect(runs.map((r) => r.uid)).toContain(failed);
		expect(new Set(runs.map((r) => r.uid)).size).toBe(runs.length);
		const first = requestsTo(sim, 'GET', '/runs')[0];
		expect(first.query.status).toEqual(['SUCCEEDED', 'FAILED']);
		expect(first.query.limit).toBe('2');
		expect(requestsTo(sim, 'GET', '/runs').some((r) => r.query.offset === '2')).toBe(true);
	});

	it('cancels and resumes a run', async () => {
		const { client } = clientFor(sim);
		sim.holdRuns(true);
		try {
			const { run_uid } = await client.startAsyncRun(PEOPLE, { inputs: [profile('ada')] });
			await sim.waitForRun(run_uid, ['RUNNING']);
			expect((await client.cancelRun(run_uid)).status).toBe('STOPPED');
			await client.resumeRun(run_uid);
			expect(['SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(
				(await client.getRun(run_uid)).status,
			);
		} finally {
			sim.holdRuns(false);
		}
	});

	it('refuses continue for a run that is not incremental, with Edges error fields', async () => {
		const { client } = clientFor(sim);
		const uid = sim.seedRun({ outputs: 1 });
		const error = await client.continueRun(uid).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(EdgesApiError);
		expect((error as EdgesApiError).status).toBe(422);
		expect((error as EdgesApiError).label).toEqual(expect.any(String));
	});

	it('creates, reads, lists, pauses, resumes and cancels a schedule', async () => {
		const { client } = clientFor(sim);
		const created = await client.scheduleRun(PEOPLE, {
			inputs: [profile('ada')],
			cron: '0 9 * * 1',
			timezone: 'Europe/Paris',
			callback: { url: receiver.url, on: 'final' },
		});
		const uid = scheduleUidOf(created);
		expect(created.status).toBe('ACTIVE');
		expect((await client.getSchedule(uid)).cron).toBe('0 9 * * 1');
		const listed = await collect(client.listSchedules({ status: ['ACTIVE'] }), 100);
		expect(listed.map((s) => s.uid)).toContain(uid);
		await client.changeSchedule(uid, 'pause');
		expect((await client.getSchedule(uid)).status).toBe('PAUSED');
		await client.changeSchedule(uid, 'resume');
		expect((await client.getSchedule(uid)).status).toBe('ACTIVE');
		await client.changeSchedule(uid, 'cancel');
		expect((await client.getSchedule(uid)).status).toBe('CANCELLED');
	});

	it('reads the workspace and its consumption', async () => {
		const { client } = clientFor(sim);
		const workspace = await client.getWorkspace();
		expect(workspace.uid).toEqual(expect.any(String));
		expect(typeof workspace.credits_left).toBe('number');
		const consumption = await client.getConsumption();
		expect(Array.isArray(consumption.consumptions)).toBe(true);
	});

	it('runs a live action and follows the live pagination', async () => {
		const { client } = clientFor(sim);
		const single = await client.runLive(PEOPLE, { input: profile('ada') });
		expect(single.nextUrl).toBeUndefined();
		expect(single.result).toEqual(expect.anything());

		const pages: unknown[] = [];
		for await (const page of client.iterateLive('linkedin-search-people', {
			input: {
				linkedin_people_search_url: 'https://www.linkedin.com/search/results/people/?keywords=data',
			},
			parameters: { max_results: 25 },
		})) {
			pages.push(page);
		}
		expect(pages.length).toBeGreaterThan(1);
		const posts = requestsTo(sim, 'POST', '/run/live');
		expect(posts.length).toBe(pages.length + 1);
		expect(posts[2].query.cursor).toEqual(expect.any(String));
	});

	describe('paging of outputs', () => {
		it('follows X-Pagination-Next with the largest page (cursor style)', async () => {
			const { client } = clientFor(sim);
			const uid = sim.seedRun({ outputs: 1234, outputBytes: 200 });
			const outputs = await collect(client.listRunOutputs(uid, { expectedTotal: 1234 }), 1e9);
			expect(outputs).toHaveLength(1234);
			expect(new Set(outputs.map((o) => JSON.stringify(o))).size).toBe(1234);
			const gets = requestsTo(sim, 'GET', '/outputs');
			expect(gets).toHaveLength(3);
			expect(gets[1].query.cursor).toEqual(expect.any(String));
			expect(gets.every((r) => r.query.offset === undefined)).toBe(true);
		});

		it('falls back to limit 100 with offsets when the server refuses 500 (legacy style)', async () => {
			await withSimulator({ outputsPaging: 'legacy' }, async (legacy) => {
				const { client } = clientFor(legacy);
				const uid = legacy.seedRun({ outputs: 250, outputBytes: 100 });
				const outputs = await collect(client.listRunOutputs(uid), 1e9);
				expect(outputs).toHaveLength(250);
				const gets = requestsTo(legacy, 'GET', '/outputs');
				expect(gets.map((r) => [r.status, r.query.limit, r.query.offset])).toEqual([
					[400, '500', undefined],
					[200, '100', undefined],
					[200, '100', '100'],
					[200, '100', '200'],
				]);
			});
		});

		it('stops collecting at the limit it was given', async () => {
			const { client } = clientFor(sim);
			const uid = sim.seedRun({ outputs: 900, outputBytes: 100 });
			expect(await collect(client.listRunOutputs(uid), 10)).toHaveLength(10);
			expect(requestsTo(sim, 'GET', '/outputs')).toHaveLength(1);
			await expect(collect(client.listRunOutputs(uid), 0)).rejects.toThrow(/positive limit/);
		});
	});

	describe('retries', () => {
		it('retries a GET after 503s and a truncated page, and returns complete data', async () => {
			const { client, waits } = clientFor(sim);
			const uid = sim.seedRun({ outputs: 600, outputBytes: 100 });
			sim.injectFaults({
				pathPrefix: '/runs/',
				method: 'GET',
				count: 2,
				kind: 'status',
				status: 503,
			});
			const first = await collect(client.listRunOutputs(uid), 1e9);
			expect(first).toHaveLength(600);
			expect(waits.length).toBe(2);

			sim.injectFaults({ pathPrefix: `/runs/${uid}/outputs`, count: 1, kind: 'truncate' });
			const second = await collect(client.listRunOutputs(uid), 1e9);
			expect(second).toEqual(first);
		});

		it('waits what Retry-After says on 429, in seconds or as an HTTP date', async () => {
			const { client, waits } = clientFor(sim);
			sim.injectFaults({
				pathPrefix: '/workspaces',
				count: 1,
				kind: 'status',
				status: 429,
				retryAfter: '1.5',
			});
			await client.getWorkspace();
			expect(waits).toEqual([1500]);

			waits.length = 0;
			const date = new Date(Date.now() + 3000).toUTCString();
			sim.injectFaults({
				pathPrefix: '/workspaces',
				count: 1,
				kind: 'status',
				status: 429,
				retryAfter: date,
			});
			await client.getWorkspace();
			expect(waits).toHaveLength(1);
			expect(waits[0]).toBeGreaterThan(1000);
			expect(waits[0]).toBeLessThanOrEqual(3000);
		});

		it('gives up after the retry budget and reports the last Edges error', async () => {
			const { client } = clientFor(sim, DEFAULT_API_KEY, { maxRetries: 2 });
			sim.injectFaults({ pathPrefix: '/workspaces', count: 5, kind: 'status', status: 500 });
			const error = await client.getWorkspace().catch((e: unknown) => e);
			expect(error).toBeInstanceOf(EdgesApiError);
			expect((error as EdgesApiError).status).toBe(500);
			expect(requestsTo(sim, 'GET', '/workspaces')).toHaveLength(3);
		});

		it('reports a page that stays truncated instead of skipping it', async () => {
			const { client } = clientFor(sim, DEFAULT_API_KEY, { maxRetries: 2 });
			const uid = sim.seedRun({ outputs: 10 });
			sim.injectFaults({ pathPrefix: `/runs/${uid}/outputs`, count: 5, kind: 'truncate' });
			const error = await collect(client.listRunOutputs(uid), 100).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(EdgesResponseError);
			expect((error as Error).message).toMatch(/not valid JSON/);
		});

		it('never repeats a run-starting POST that failed with 5xx', async () => {
			const { client } = clientFor(sim);
			sim.injectFaults({
				pathPrefix: `/actions/${PEOPLE}/run/async`,
				count: 1,
				kind: 'status',
				status: 502,
			});
			const error = await client
				.startAsyncRun(PEOPLE, { inputs: [profile('ada')] })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(EdgesApiError);
			expect(requestsTo(sim, 'POST', '/run/async')).toHaveLength(1);
			// "Try again later" would start the run a second time: the error says to check first.
			expect((error as EdgesApiError).mayHaveActed).toBe(true);
			expect((error as EdgesApiError).hint).toMatch(/may have been carried out anyway/);
			expect((error as EdgesApiError).hint).not.toMatch(/try again later/);
		});

		it('a failed read, or a refused write, did nothing: only those keep "try again later"', async () => {
			const { client } = clientFor(sim, DEFAULT_API_KEY, { maxRetries: 0 });
			sim.injectFaults({ pathPrefix: '/workspaces', count: 1, kind: 'status', status: 503 });
			const read = (await client.getWorkspace().catch((e: unknown) => e)) as EdgesApiError;
			expect(read.mayHaveActed).toBe(false);
			expect(read.hint).toBe('Edges had an internal error; try again later.');
			sim.injectFaults({
				pathPrefix: `/actions/${PEOPLE}/run/async`,
				count: 1,
				kind: 'status',
				status: 402,
				label: 'NO_ACCESS',
			});
			const refused = (await client
				.startAsyncRun(PEOPLE, { inputs: [profile('ada')] })
				.catch((e: unknown) => e)) as EdgesApiError;
			expect(refused.status).toBe(402);
			expect(refused.mayHaveActed).toBe(false);
		});

		it('never repeats a run-starting POST whose connection dropped after Edges acted', async () => {
			const { client } = clientFor(sim);
			const before = (await collect(client.listRuns({}, { pageSize: 100 }), 1e6)).length;
			sim.injectFaults({ pathPrefix: `/actions/${PEOPLE}/run/async`, count: 1, kind: 'reset' });
			const error = await client
				.startAsyncRun(PEOPLE, { inputs: [profile('ada')] })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(EdgesNetworkError);
			expect((error as EdgesNetworkError).mayHaveReachedServer).toBe(true);
			expect(requestsTo(sim, 'POST', '/run/async')).toHaveLength(1);
			// Edges did start it: a retry would have started a second run.
			expect((await collect(client.listRuns({}, { pageSize: 100 }), 1e6)).length).toBe(before + 1);
		});

		it('repeats a run-starting POST refused with 429, and starts the run once', async () => {
			const { client, waits } = clientFor(sim);
			sim.injectFaults({
				pathPrefix: `/actions/${PEOPLE}/run/async`,
				count: 1,
				kind: 'status',
				status: 429,
				retryAfter: '0.2',
			});
			const created = await client.startAsyncRun(PEOPLE, { inputs: [profile('ada')] });
			expect(waits).toEqual([200]);
			expect(requestsTo(sim, 'POST', '/run/async').map((r) => r.status)).toEqual([
				429,
				expect.any(Number),
			]);
			expect((await client.getRun(created.run_uid)).uid).toBe(created.run_uid);
		});

		it('retries a POST only when the connection was refused outright (never sent)', async () => {
			const closed = http.createServer();
			await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const port = (closed.address() as AddressInfo).port;
			await new Promise<void>((resolve) => closed.close(() => resolve()));
			const transport = axiosTransport(DEFAULT_API_KEY, { sleep: async () => {} });
			const client = new EdgesClient({
				baseUrl: `http://127.0.0.1:${port}/v1`,
				transport,
				retry: { maxRetries: 2 },
			});
			const error = await client
				.startAsyncRun(PEOPLE, { inputs: [profile('ada')] })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(EdgesNetworkError);
			expect((error as EdgesNetworkError).mayHaveReachedServer).toBe(false);
			expect((error as EdgesNetworkError).code).toBe('ECONNREFUSED');
			expect(transport.sent).toBe(3);
		});
	});

	describe('errors', () => {
		it('maps a refused key to a 401 EdgesApiError that does not contain the key', async () => {
			const refusedKey = ['refused', 'key', 'for', 'tests'].join('-');
			const { client } = clientFor(sim, refusedKey);
			const error = (await client.getWorkspace().catch((e: unknown) => e)) as EdgesApiError;
			expect(error).toBeInstanceOf(EdgesApiError);
			expect(error.status).toBe(401);
			expect(error.endpoint).toBe('GET /workspaces');
			expect(error.hint).toMatch(/API key/);
			expect(JSON.stringify({ ...error, message: error.message })).not.toContain(refusedKey);
		});

		it('keeps workspaces apart: another workspace’s run is a 404', async () => {
			const mine = sim.seedRun({ outputs: 1, apiKey: OTHER_API_KEY });
			const { client } = clientFor(sim);
			const error = (await client.getRun(mine).catch((e: unknown) => e)) as EdgesApiError;
			expect(error).toBeInstanceOf(EdgesApiError);
			expect(error.status).toBe(404);
		});

		it('carries label, message, ref and params of a validation error', async () => {
			const { client } = clientFor(sim);
			const error = (await client
				.startAsyncRun(PEOPLE, { inputs: [{ wrong_field: 'x' }] })
				.catch((e: unknown) => e)) as EdgesApiError;
			expect(error).toBeInstanceOf(EdgesApiError);
			expect(error.status).toBe(400);
			expect(error.label).toEqual(expect.any(String));
			expect(error.ref).toEqual(expect.any(String));
			expect(error.message).toContain('400');
		});

		it('refuses a slug that is not a slug before any request', async () => {
			const { client } = clientFor(sim);
			await expect(client.startAsyncRun('../runs', { inputs: [profile('ada')] })).rejects.toThrow(
				/slug/,
			);
			expect(sim.requests).toHaveLength(0);
		});
	});
});
