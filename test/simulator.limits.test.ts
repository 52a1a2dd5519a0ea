// Why this file exists: the package must survive Edges' rate limits and a flaky network. These tests check
// that the simulator's 429s look like Edges' (error format, Retry-After, X-RateLimit-* headers, one
// budget per workspace shared by all /runs routes; docs/edges-api.md §5) and that each injected fault (status,
// truncate, delay, reset) reaches the client as that fault, over a real socket.

import axios from 'axios';

import { EdgesClient, EdgesApiError, EdgesNetworkError } from '../nodes/shared/client';
import { axiosTransport } from './helpers/axiosTransport';
import { DEFAULT_API_KEY, EdgesSimulator, OTHER_API_KEY } from './simulator';
import { ManualClock, apiClient, profileUrl } from './simulator/testkit';

describe('simulator: rate limits', () => {
	// The buckets refill by a clock the tests move, so the answers below are exact on any machine.
	let clock: ManualClock;
	let sim: EdgesSimulator;
	beforeEach(async () => {
		clock = new ManualClock();
		sim = await EdgesSimulator.start({ rateLimitClock: clock.now });
	});
	afterEach(() => sim.stop());

	test('every /runs answer carries X-RateLimit-Remaining, even without a configured limit', async () => {
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 3 });
		for (const path of ['/runs', `/runs/${uid}`, `/runs/${uid}/outputs`, '/runs/callbacks']) {
			const response = await api.get(path);
			expect(response.status).toBe(200);
			expect(Number(response.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
		}
		expect((await api.get('/workspaces')).headers['x-ratelimit-remaining']).toBeUndefined();
	});

	test('/runs routes share one bucket per workspace; a 429 is in Edges format with Retry-After', async () => {
		sim.setRateLimit('runs', { perSecond: 2, burst: 3 });
		const api = apiClient(sim);
		const uid = sim.seedRun({ outputs: 3 });
		const answers = [
			await api.get('/runs'),
			await api.get(`/runs/${uid}/status`),
			await api.get(`/runs/${uid}/outputs`),
			await api.get('/runs/callbacks'),
		];
		expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
		expect(answers.slice(0, 3).map((r) => r.headers['x-ratelimit-remaining'])).toEqual([
			'2',
			'1',
			'0',
		]);
		const refused = answers[3];
		expect(refused.data).toEqual({
			error_label: 'STATUS_429',
			error_scope: 'request',
			error_ref: expect.stringMatching(/^err-/),
			message: expect.any(String),
			status_code: 429,
			params: { retry_after: expect.any(Number) },
		});
		expect(refused.headers['x-ratelimit-type']).toBe('/v1/runs/outputs');
		expect(refused.headers['x-ratelimit-remaining']).toBe('0');
		// The bucket is empty and refills 2 a second: the next token is half a second away.
		expect(refused.headers['retry-after']).toBe('0.5');

		// Other routes and the other workspace are not limited by this bucket.
		expect((await api.get('/workspaces')).status).toBe(200);
		expect((await apiClient(sim, OTHER_API_KEY).get('/runs')).status).toBe(200);

		// Trying halfway is refused with what is left to wait; waiting what was asked is enough.
		clock.advance(250);
		const early = await api.get('/runs');
		expect(early.status).toBe(429);
		expect(early.headers['retry-after']).toBe('0.25');
		clock.advance(250);
		expect((await api.get('/runs')).status).toBe(200);

		sim.setRateLimit('runs', null);
		for (let i = 0; i < 5; i++) expect((await api.get('/runs')).status).toBe(200);
	});

	test('integer Retry-After, a live bucket, a per-key limit and the package client waiting it out', async () => {
		sim.setRateLimit('live', { perSecond: 0.5, burst: 1, retryAfter: 'integer' }, DEFAULT_API_KEY);
		const api = apiClient(sim);
		const body = { input: { linkedin_profile_url: profileUrl('rate-limited') } };
		expect((await api.post('/actions/linkedin-extract-people/run/live', body)).status).toBe(200);
		const refused = await api.post('/actions/linkedin-extract-people/run/live', body);
		expect(refused.status).toBe(429);
		expect(refused.headers['retry-after']).toBe('2');
		expect(refused.headers['x-ratelimit-type']).toBeUndefined();
		expect(
			(await apiClient(sim, OTHER_API_KEY).post('/actions/linkedin-extract-people/run/live', body))
				.status,
		).toBe(200);
		expect((await api.get('/runs')).status).toBe(200);

		sim.setRateLimit('live', null);
		sim.setRateLimit('runs', { perSecond: 10, burst: 1 });
		const waits: number[] = [];
		const transport = axiosTransport(DEFAULT_API_KEY, {
			sleep: async (ms) => {
				waits.push(ms);
				await clock.sleep(ms);
			},
		});
		const client = new EdgesClient({ baseUrl: sim.baseUrl, transport, now: clock.now });
		const uid = sim.seedRun({ outputs: 2 });
		sim.clearRequests();
		await client.getRun(uid);
		await client.getRun(uid);
		// The second read took the token that refilled while the client waited the 0.1 s it was told to.
		expect(sim.requests.map((r) => [r.status, r.retryAfter])).toEqual([
			[200, undefined],
			[429, '0.1'],
			[200, undefined],
		]);
		expect(waits).toEqual([100]);
	});

	test("the 'all' scope limits every route of the workspace", async () => {
		sim.setRateLimit('all', { perSecond: 1, burst: 1 });
		const api = apiClient(sim);
		expect((await api.get('/workspaces')).status).toBe(200);
		const refused = await api.get('/workspaces');
		expect(refused.status).toBe(429);
		expect(refused.headers['retry-after']).toBeDefined();
	});
});

describe('simulator: injected faults', () => {
	let sim: EdgesSimulator;
	beforeEach(async () => {
		sim = await EdgesSimulator.start();
	});
	afterEach(() => sim.stop());

	test('status: answered in Edges format without processing, for `count` matching requests', async () => {
		const api = apiClient(sim);
		sim.injectFaults({ pathPrefix: '/runs', method: 'GET', count: 2, kind: 'status', status: 503 });
		sim.injectFaults({
			pathPrefix: '/runs',
			count: 1,
			kind: 'status',
			status: 429,
			retryAfter: '0.2',
		});
		const first = await api.get('/runs');
		expect(first.status).toBe(503);
		expect(first.data).toMatchObject({
			error_label: 'INTERNAL_ERROR',
			status_code: 503,
			error_scope: 'request',
		});
		expect((await api.get('/workspaces')).status).toBe(200);
		expect((await api.get('/runs')).status).toBe(503);
		const limited = await api.get('/runs');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('0.2');
		expect(limited.headers['x-ratelimit-type']).toBe('/v1/runs/outputs');
		expect((await api.get('/runs')).status).toBe(200);
		expect(sim.requests.map((r) => r.fault ?? null)).toEqual([
			'status',
			null,
			'status',
			'status',
			null,
		]);

		// A POST hit by a status fault did not start anything.
		sim.injectFaults({ pathPrefix: '/actions/', count: 1, kind: 'status', status: 500 });
		const post = await api.post('/actions/linkedin-extract-people/run/async', {
			inputs: [{ linkedin_profile_url: profileUrl('x-y') }],
		});
		expect(post.status).toBe(500);
		expect((await api.get('/runs')).data).toHaveLength(0);
		sim.clearFaults();
	});

	test('status with phase after: the request is processed, then answered with the error', async () => {
		const api = apiClient(sim);
		sim.injectFaults({
			pathPrefix: '/actions/',
			method: 'POST',
			count: 1,
			kind: 'status',
			status: 502,
			phase: 'after',
		});
		const post = await api.post('/actions/linkedin-extract-people/run/async', {
			inputs: [{ linkedin_profile_url: profileUrl('after-fault'), custom_data: { tag: 'x' } }],
		});
		expect(post.status).toBe(502);
		expect(post.data).toMatchObject({ error_label: 'INTERNAL_ERROR', status_code: 502 });
		expect(post.data.run_uid).toBeUndefined();
		// Edges acted although it answered an error: the run exists, with the input as sent.
		const runs = (await api.get('/runs')).data as Array<{ uid: string; action_name: string }>;
		expect(runs).toHaveLength(1);
		expect(runs[0].action_name).toBe('linkedin-extract-people');
		const inputs = (await api.get(`/runs/${runs[0].uid}/inputs`)).data;
		expect(inputs[0].custom_data).toEqual({ tag: 'x' });
		expect(sim.requests[0]).toMatchObject({ fault: 'status', status: 502 });

		// Schedules too: the schedule is created, the answer is a 500.
		sim.injectFaults({
			pathPrefix: '/actions/',
			count: 1,
			kind: 'status',
			status: 500,
			phase: 'after',
		});
		const schedule = await api.post('/actions/linkedin-extract-people/run/schedule', {
			inputs: [{ linkedin_profile_url: profileUrl('after-fault') }],
			cron: '0 9 * * 1',
		});
		expect(schedule.status).toBe(500);
		expect((await api.get('/schedules')).data).toHaveLength(1);
		// The rule is used up: the next request is answered normally.
		expect((await api.get('/runs')).status).toBe(200);
	});

	test('truncate: a 2xx whose body is cut in half; the client reads it again', async () => {
		const uid = sim.seedRun({ outputs: 50 });
		sim.injectFaults({ pathPrefix: `/runs/${uid}/outputs`, count: 1, kind: 'truncate' });
		const raw = await axios.get<ArrayBuffer>(`${sim.baseUrl}/runs/${uid}/outputs`, {
			headers: { 'X-API-Key': DEFAULT_API_KEY },
			responseType: 'arraybuffer',
		});
		expect(raw.status).toBe(200);
		const bytes = Buffer.from(raw.data);
		expect(() => JSON.parse(bytes.toString('utf8'))).toThrow();
		const full = (await apiClient(sim).get(`/runs/${uid}/outputs`)).data;
		const fullBytes = Buffer.from(JSON.stringify(full), 'utf8');
		expect(bytes.length).toBe(Math.floor(fullBytes.length / 2));
		expect(fullBytes.subarray(0, bytes.length).equals(bytes)).toBe(true);

		sim.injectFaults({ pathPrefix: `/runs/${uid}/outputs`, count: 1, kind: 'truncate' });
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY, { sleep: async () => undefined }),
		});
		const page = await client.listRunOutputs(uid).next();
		expect(page.value?.items).toHaveLength(50);
	});

	test('reset: the socket is destroyed; after processing by default, before with phase before', async () => {
		const api = apiClient(sim);
		sim.injectFaults({ pathPrefix: '/actions/', method: 'POST', count: 1, kind: 'reset' });
		const error = await api
			.post('/actions/linkedin-extract-people/run/async', {
				inputs: [{ linkedin_profile_url: profileUrl('a-b') }],
			})
			.then(
				() => undefined,
				(e: unknown) => e as { code?: string },
			);
		expect(error?.code).toMatch(/ECONNRESET|ERR_BAD_RESPONSE|EPIPE|socket hang up/);
		// The run was started although no answer came back: the dangerous case for a client retry.
		expect((await api.get('/runs')).data).toHaveLength(1);
		expect(sim.requests[0]).toMatchObject({ fault: 'reset', status: 0 });

		sim.injectFaults({ pathPrefix: '/actions/', count: 1, kind: 'reset', phase: 'before' });
		await expect(
			api.post('/actions/linkedin-extract-people/run/async', {
				inputs: [{ linkedin_profile_url: profileUrl('c-d') }],
			}),
		).rejects.toThrow();
		expect((await api.get('/runs')).data).toHaveLength(1);

		// The package client reports a reset on a run-starting POST instead of repeating it.
		sim.injectFaults({ pathPrefix: '/actions/', count: 1, kind: 'reset' });
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(DEFAULT_API_KEY),
		});
		await expect(
			client.startAsyncRun('linkedin-extract-people', {
				inputs: [{ linkedin_profile_url: profileUrl('e-f') }],
			}),
		).rejects.toBeInstanceOf(EdgesNetworkError);
		expect(sim.requests.filter((r) => r.path.endsWith('/run/async'))).toHaveLength(3);
	});

	test('delay: the answer is held, so a short client timeout fires after the server acted', async () => {
		const api = apiClient(sim);
		sim.injectFaults({ pathPrefix: '/workspaces', count: 1, kind: 'delay', ms: 150 });
		const started = Date.now();
		expect((await api.get('/workspaces')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);

		sim.injectFaults({ pathPrefix: '/actions/', count: 1, kind: 'delay', ms: 300 });
		await expect(
			api.post(
				'/actions/linkedin-extract-people/run/async',
				{ inputs: [{ linkedin_profile_url: profileUrl('slow-answer') }] },
				{ timeout: 50 },
			),
		).rejects.toThrow(/timeout/);
		expect((await api.get('/runs')).data).toHaveLength(1);
	});

	test('a 404 from the client view is an EdgesApiError with the label', async () => {
		const client = new EdgesClient({
			baseUrl: sim.baseUrl,
			transport: axiosTransport(OTHER_API_KEY),
		});
		const uid = sim.seedRun({ outputs: 1 });
		const error = await client.getRun(uid).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(EdgesApiError);
		expect((error as EdgesApiError).status).toBe(404);
		expect((error as EdgesApiError).label).toBe('NOT_FOUND');
	});
});
