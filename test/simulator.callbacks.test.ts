// Why this file exists: callbacks are how Edges delivers async results and the package's trigger depends on
// them; these tests check over real HTTP that the simulator sends them as the callbacks guide and
// docs/edges-api.md §3 describe (one per batch + a final one, or exactly one), retries them with the same ref,
// records them in the history, replays them within the limits, and applies the delivery faults.

import { EdgesSimulator, type CallbackPayload } from './simulator';
import { CallbackReceiver } from './simulator/receiver';
import { apiClient, profileUrl, searchUrl, startRun } from './simulator/testkit';

type Body = CallbackPayload;

describe('simulator: callbacks', () => {
	let sim: EdgesSimulator;
	let receiver: CallbackReceiver;

	beforeEach(async () => {
		sim = await EdgesSimulator.start({ stepMs: 2, callbackRetry: { attempts: 3, delayMs: 10 } });
		receiver = await CallbackReceiver.start();
	});
	afterEach(async () => {
		await sim.stop();
		await receiver.stop();
	});

	test("on:'all': one RUNNING callback per batch, then one final; results add up to output_count", async () => {
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-search-people', {
			inputs: [
				{ linkedin_people_search_url: searchUrl('a', 25), custom_data: { lead: 'A' } },
				{ linkedin_people_search_url: searchUrl('b', 12), custom_data: { lead: 'B' } },
			],
			callback: {
				url: receiver.url,
				headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 't1' },
			},
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		const bodies = receiver.bodies<Body>();
		const batches = bodies.filter((b) => b.run.status === 'RUNNING');
		const finals = bodies.filter((b) => b.run.status !== 'RUNNING');

		// 25 results in pages of 10 -> 3 batches; 12 -> 2 batches.
		expect(batches).toHaveLength(5);
		expect(finals).toHaveLength(1);
		expect(bodies[bodies.length - 1]).toBe(finals[0]);
		expect(finals[0]).toMatchObject({
			run: { run_uid: uid, status: 'SUCCEEDED' },
			input: null,
			custom_data: null,
			error: null,
			results: [],
		});

		const run = (await api.get(`/runs/${uid}`)).data;
		const received = bodies.reduce((sum, b) => sum + (b.results?.length ?? 0), 0);
		expect(received).toBe(run.output_count);
		expect(run.output_count).toBe(37);

		for (const batch of batches) {
			expect(batch.run.run_uid).toBe(uid);
			expect(batch.error).toBeNull();
			expect(batch.input).not.toHaveProperty('custom_data');
			const lead = (batch.input!.linkedin_people_search_url as string).includes('keywords=a')
				? 'A'
				: 'B';
			expect(batch.custom_data).toEqual({ lead });
		}
		expect(new Set(bodies.map((b) => b.run.batch_uid)).size).toBe(bodies.length);
		expect(new Set(bodies.map((b) => b.callback_ref_uid)).size).toBe(bodies.length);

		for (const request of receiver.received) {
			const body = request.body as Body;
			expect(request.method).toBe('POST');
			expect(request.headers['content-type']).toBe('application/json');
			expect(request.headers['x-callback-ref']).toBe(body.callback_ref_uid);
			expect(request.headers['x-run-callback']).toMatch(/^[0-9a-f-]{36}$/);
			expect(request.headers.authorization).toBe('Bearer s3cret');
			expect(request.headers['x-tenant']).toBe('t1');
		}
		// The history holds one SUCCESS record per callback.
		const history = (await api.get('/runs/callbacks', { params: { run_uid: uid, limit: 100 } }))
			.data;
		expect(history).toHaveLength(6);
		expect(
			history.every(
				(r: { status: string; http_status: number }) =>
					r.status === 'SUCCESS' && r.http_status === 200,
			),
		).toBe(true);
	});

	test("on:'all': a failed input gets one callback with the error and null results", async () => {
		const uid = await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: [
				{ linkedin_profile_url: profileUrl('good-one'), custom_data: { n: 1 } },
				{ linkedin_profile_url: profileUrl('no-result-here'), custom_data: { n: 2 } },
			],
			callback: { url: receiver.url, on: 'all' },
		});
		await sim.waitForRun(uid, ['PARTIAL_SUCCEEDED']);
		await sim.waitForIdle();
		const bodies = receiver.bodies<Body>();
		expect(bodies).toHaveLength(3);
		const failed = bodies.find((b) => b.custom_data?.n === 2)!;
		expect(failed).toMatchObject({
			run: { status: 'RUNNING' },
			results: null,
			error: { error_label: 'NO_RESULT', status_code: 424, error_scope: 'input' },
		});
		expect(bodies[2]).toMatchObject({
			run: { status: 'PARTIAL_SUCCEEDED' },
			error: null,
			results: [],
		});
	});

	test('endRunsOnCreation: the run has ended when its creation is answered, its callback on its way', async () => {
		sim.endRunsOnCreation('FAILED');
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('ada-lovelace') }],
			callback: { url: receiver.url, on: 'final' },
		});
		// No wait of any kind between the creation answer and this read.
		expect((await api.get(`/runs/${uid}`)).data).toMatchObject({
			status: 'FAILED',
			last_error: { label: 'LK_ERROR' },
		});
		await sim.waitForIdle();
		expect(receiver.bodies<Body>().map((b) => b.run)).toEqual([
			expect.objectContaining({ run_uid: uid, status: 'FAILED' }),
		]);

		sim.endRunsOnCreation(null);
		sim.holdRuns(true); // so the check below cannot race the run's own progress
		const next = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('alan-turing') }],
		});
		expect(['CREATED', 'QUEUED', 'RUNNING']).toContain(
			(await api.get(`/runs/${next}`)).data.status,
		);
	});

	test("on:'final': exactly one callback with null input, custom_data and results", async () => {
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('x', 40), custom_data: { a: 1 } }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(1);
		const [body] = receiver.bodies<Body>();
		expect(body).toEqual({
			callback_ref_uid: expect.any(String),
			run: { run_uid: uid, batch_uid: expect.any(String), status: 'SUCCEEDED' },
			input: null,
			custom_data: null,
			error: null,
			results: null,
		});

		const failing = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('fail-input-x') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(failing, ['FAILED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(2);
		const failedBody = receiver.bodies<Body>()[1];
		expect(failedBody.run.status).toBe('FAILED');
		expect(failedBody.error).toMatchObject({
			error_label: 'LK_ERROR',
			status_code: 424,
			error_ref: expect.any(String),
		});
	});

	test('a 500 from the receiver is retried with the same ref and a new X-Run-Callback', async () => {
		receiver.respondWith((r) => (r.index === 0 ? 500 : 200));
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('retry-me') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(2);
		const [first, second] = receiver.received;
		expect(second.headers['x-callback-ref']).toBe(first.headers['x-callback-ref']);
		expect((second.body as Body).callback_ref_uid).toBe((first.body as Body).callback_ref_uid);
		expect(second.headers['x-run-callback']).not.toBe(first.headers['x-run-callback']);
		expect(sim.deliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 200],
		]);
		const [record] = (await api.get('/runs/callbacks', { params: { run_uid: uid } })).data;
		expect(record).toMatchObject({
			status: 'SUCCESS',
			retry_count: 1,
			http_status: 200,
			parent_uid: null,
			run_uid: uid,
			error: null,
		});
	});

	test('exhausted retries leave a FAILED record; the history filters and limits', async () => {
		receiver.respondWith(() => ({ status: 503, body: { down: true } }));
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('never-delivered') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(3);
		expect(new Set(receiver.received.map((r) => r.headers['x-callback-ref'])).size).toBe(1);

		const failed = (await api.get(`/runs/callbacks?status=FAILED&run_uid=${uid}`)).data;
		expect(failed).toHaveLength(1);
		expect(failed[0]).toEqual({
			uid: expect.any(String),
			parent_uid: null,
			retry_count: 2,
			created_at: expect.any(String),
			updated_at: expect.any(String),
			status: 'FAILED',
			callback_url: receiver.url,
			http_status: 503,
			http_response: { down: true },
			batch_uid: expect.any(String),
			run_uid: uid,
			error: expect.objectContaining({ error_label: 'STATUS_503', status_code: 503 }),
			workspace_uid: expect.any(String),
		});
		const one = (await api.get(`/runs/callbacks/${failed[0].uid}`)).data;
		expect(one).toEqual(failed[0]);
		expect((await api.get(`/runs/callbacks?status=SUCCESS&run_uid=${uid}`)).data).toHaveLength(0);
		expect(
			(await api.get('/runs/callbacks?run_uid=00000000-0000-4000-8000-000000000000')).data,
		).toHaveLength(0);
		expect((await api.get('/runs/callbacks?status=DELIVERED')).status).toBe(400);
		expect((await api.get('/runs/callbacks?limit=101')).status).toBe(400);
		expect((await api.get('/runs/callbacks?limit=100')).status).toBe(200);
	});

	test('replay: only originals, at most 3 times, same payload and ref to the same URL', async () => {
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('replay-me') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		const [original] = (await api.get(`/runs/callbacks?run_uid=${uid}`)).data;
		const replayUids: string[] = [];
		for (let i = 0; i < 3; i++) {
			const replay = await api.post(`/runs/callbacks/${original.uid}/replay`);
			expect(replay.status).toBe(200);
			expect(replay.data).toMatchObject({
				parent_uid: original.uid,
				run_uid: uid,
				batch_uid: original.batch_uid,
				callback_url: receiver.url,
			});
			expect(replay.data.uid).not.toBe(original.uid);
			replayUids.push(replay.data.uid);
		}
		const fourth = await api.post(`/runs/callbacks/${original.uid}/replay`);
		expect(fourth.status).toBe(422);
		expect(fourth.data).toMatchObject({ error_label: 'REPLAY_LIMIT_REACHED', status_code: 422 });
		const ofReplay = await api.post(`/runs/callbacks/${replayUids[0]}/replay`);
		expect(ofReplay.status).toBe(422);
		expect(ofReplay.data.error_label).toBe('REPLAY_NOT_ALLOWED');

		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(4);
		const refs = new Set(receiver.received.map((r) => (r.body as Body).callback_ref_uid));
		expect(refs.size).toBe(1);
		expect(
			receiver.received.map((r) => r.raw).every((raw) => raw === receiver.received[0].raw),
		).toBe(true);
		const history = (await api.get(`/runs/callbacks?run_uid=${uid}&sort=-created_at`)).data;
		expect(history).toHaveLength(4);
		expect(
			history.filter((r: { parent_uid: string | null }) => r.parent_uid === original.uid),
		).toHaveLength(3);
		expect(
			(await api.post('/runs/callbacks/00000000-0000-4000-8000-000000000000/replay')).status,
		).toBe(404);
	});

	test('a cancelled run sends no further callbacks', async () => {
		sim.holdRuns(true);
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('c', 30) }],
			callback: { url: receiver.url },
		});
		await sim.waitForRun(uid, ['RUNNING']);
		expect((await api.post(`/runs/${uid}/cancel`)).data.status).toBe('STOPPED');
		sim.holdRuns(false);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(0);
	});

	test('finishRun sends the callbacks of a held run and resolves after they are delivered', async () => {
		sim.holdRuns(true);
		const uid = await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('held-cb') }],
			callback: { url: receiver.url, on: 'all' },
		});
		await sim.waitForRun(uid, ['RUNNING']);
		expect(receiver.received).toHaveLength(0);
		await sim.finishRun(uid, { status: 'FAILED' });
		expect(receiver.bodies<Body>().map((b) => b.run.status)).toEqual(['RUNNING', 'FAILED']);
		expect(receiver.bodies<Body>()[1].error?.error_label).toBe('LK_ERROR');
	});

	test('drop fault: every attempt fails before reaching the endpoint; FAILED with http_status null', async () => {
		sim.setCallbackFaults({ drop: 1 });
		const api = apiClient(sim);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('dropped') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(3);
		expect(
			sim.deliveries.every((d) => d.status === undefined && d.error?.startsWith('dropped')),
		).toBe(true);
		const [record] = (await api.get(`/runs/callbacks?run_uid=${uid}`)).data;
		expect(record).toMatchObject({ status: 'FAILED', http_status: null });
		expect(record.error.error_label).toBe('NETWORK_ERROR');

		// The fault is used up: a replay gets through.
		await api.post(`/runs/callbacks/${record.uid}/replay`);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(1);
	});

	test('duplicate faults: the same ref arrives twice, one after the other or at the same moment', async () => {
		sim.setCallbackFaults({ duplicate: 1 });
		const api = apiClient(sim);
		const first = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('dup-a') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(first, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[0].headers['x-callback-ref']).toBe(
			receiver.received[1].headers['x-callback-ref'],
		);
		// One after the other: the duplicate went once the first had its answer.
		const [a, b] = sim.deliveries.filter((del) => del.runUid === first);
		expect(b.sentSeq).toBeGreaterThan(a.endedSeq);

		sim.setCallbackFaults({ concurrentDuplicate: 1 });
		const second = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('dup-b') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(second, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(4);
		const [c, d] = receiver.received.slice(2);
		expect(c.headers['x-callback-ref']).toBe(d.headers['x-callback-ref']);
		// At the same moment: both were sent before either had its answer (which holds on any machine,
		// unlike a bound on the milliseconds between them).
		const [x, y] = sim.deliveries.filter((del) => del.runUid === second);
		expect(Math.max(x.sentSeq, y.sentSeq)).toBeLessThan(Math.min(x.endedSeq, y.endedSeq));

		// Used up: the next run gets one callback.
		const third = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('dup-c') }],
			callback: { url: receiver.url, on: 'final' },
		});
		await sim.waitForRun(third, ['SUCCEEDED']);
		await sim.waitForIdle();
		expect(receiver.received).toHaveLength(5);
	});

	test('reorder fault: the run callbacks, final included, arrive in a seeded shuffled order', async () => {
		sim.setCallbackFaults({ reorder: true });
		const uid = await startRun(apiClient(sim), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('shuffle', 100) }],
			callback: { url: receiver.url },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		await sim.waitForIdle();
		const bodies = receiver.bodies<Body>();
		expect(bodies).toHaveLength(11);
		expect(bodies.reduce((n, b) => n + (b.results?.length ?? 0), 0)).toBe(100);
		// Page order is visible in the ids (k = index in the search), so the shuffle shows.
		const firstIds = bodies
			.filter((b) => b.results?.length)
			.map((b) => b.results![0].linkedin_profile_id as number);
		expect(firstIds).not.toEqual([...firstIds].sort((a, b) => a - b));
		expect(bodies[bodies.length - 1].run.status).not.toBe('SUCCEEDED');
	});

	test('delay fault and timeouts: a slow receiver fails the attempt with a timeout and is retried', async () => {
		const slowSim = await EdgesSimulator.start({
			stepMs: 2,
			callbackTimeoutMs: 100,
			callbackRetry: { attempts: 2, delayMs: 5 },
		});
		try {
			receiver.respondWith((r) => (r.index === 0 ? { status: 200, delayMs: 400 } : 200));
			const uid = await startRun(apiClient(slowSim), 'linkedin-extract-people', {
				inputs: [{ linkedin_profile_url: profileUrl('slow') }],
				callback: { url: receiver.url, on: 'final' },
			});
			await slowSim.waitForRun(uid, ['SUCCEEDED']);
			await slowSim.waitForIdle();
			expect(slowSim.deliveries.map((d) => d.error ?? d.status)).toEqual([
				expect.stringMatching(/^timeout/),
				200,
			]);

			slowSim.setCallbackFaults({ delayMs: 150 });
			const started = Date.now();
			const delayed = await startRun(apiClient(slowSim), 'linkedin-extract-people', {
				inputs: [{ linkedin_profile_url: profileUrl('later') }],
				callback: { url: receiver.url, on: 'final' },
			});
			await slowSim.waitForRun(delayed, ['SUCCEEDED']);
			await slowSim.waitForDeliveries((ds) => ds.some((d) => d.runUid === delayed));
			expect(Date.now() - started).toBeGreaterThanOrEqual(150);
		} finally {
			await slowSim.stop();
		}
	});
});

test('the callbacks list limit follows callbacksMaxLimit (docs: 20 or 100)', async () => {
	const sim = await EdgesSimulator.start({ callbacksMaxLimit: 20 });
	try {
		const api = apiClient(sim);
		expect((await api.get('/runs/callbacks?limit=20')).status).toBe(200);
		const refused = await api.get('/runs/callbacks?limit=21');
		expect(refused.status).toBe(400);
		expect(refused.data.message).toBe('querystring/limit must be <= 20');
	} finally {
		await sim.stop();
	}
});
