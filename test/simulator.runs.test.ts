// Why this file exists: checks that simulated runs live the life docs/edges-api.md §2.2 and §4 describe (status
// transitions to every final status, per-input errors, output counts, cancel, resume, continue, listing
// filters) and that the test controls (holdRuns, finishRun, waitForIdle) do what they promise.

import { EdgesSimulator } from './simulator';
import { CallbackReceiver } from './simulator/receiver';
import { apiClient, companyUrl, profileUrl, searchUrl, startRun } from './simulator/testkit';

describe('simulator: run lifecycle', () => {
	let sim: EdgesSimulator;
	const api = () => apiClient(sim);

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ stepMs: 2 });
	});
	afterAll(() => sim.stop());
	afterEach(() => sim.holdRuns(false));

	test('hideInputInOutputs: outputs, live answers and callback results leave out the input fields', async () => {
		const url = profileUrl('grace-hopper');
		const shown = await startRun(api(), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: url }],
		});
		await sim.waitForRun(shown, ['SUCCEEDED']);
		const [echoing] = (await api().get(`/runs/${shown}/outputs`)).data;
		expect(echoing.linkedin_profile_url).toBe(url);

		sim.hideInputInOutputs(true);
		try {
			// Also for a run that already exists: outputs are generated when read.
			const [hidden] = (await api().get(`/runs/${shown}/outputs`)).data;
			expect(hidden).not.toHaveProperty('linkedin_profile_url');
			expect(hidden.full_name).toBe(echoing.full_name);
			expect(hidden.linkedin_profile_id).toBe(echoing.linkedin_profile_id);

			const live = (
				await api().post('/actions/linkedin-find-profile-url/run/live', {
					input: { first_name: 'Grace', last_name: 'Hopper', company_name: 'Navy' },
				})
			).data;
			expect(live).toEqual(expect.objectContaining({ full_name: 'Grace Hopper' }));
			expect(live).not.toHaveProperty('first_name');
			expect(live).not.toHaveProperty('last_name');
			expect(live).not.toHaveProperty('company_name');

			const receiver = await CallbackReceiver.start();
			try {
				const streamed = await startRun(api(), 'linkedin-extract-people', {
					inputs: [{ linkedin_profile_url: url }],
					callback: { url: receiver.url, on: 'all' },
				});
				await sim.waitForRun(streamed, ['SUCCEEDED']);
				await sim.waitForIdle();
				const results = receiver
					.bodies<{ results?: object[] | null }>()
					.flatMap((body) => body.results ?? []);
				expect(results).toHaveLength(1);
				expect(results[0]).not.toHaveProperty('linkedin_profile_url');
			} finally {
				await receiver.stop();
			}
		} finally {
			sim.hideInputInOutputs(false);
		}
		const [again] = (await api().get(`/runs/${shown}/outputs`)).data;
		expect(again.linkedin_profile_url).toBe(url);
	});

	test('CREATED -> QUEUED -> RUNNING -> SUCCEEDED, with timestamps and output_count', async () => {
		const uid = await startRun(api(), 'linkedin-extract-people', {
			inputs: [
				{ linkedin_profile_url: profileUrl('ada-lovelace') },
				{ linkedin_profile_url: profileUrl('alan-turing') },
			],
		});
		const done = await sim.waitForRun(uid, ['SUCCEEDED']);
		expect(done.statusHistory).toEqual(['CREATED', 'QUEUED', 'RUNNING', 'SUCCEEDED']);
		const run = (await api().get(`/runs/${uid}`)).data;
		expect(run).toMatchObject({
			uid,
			status: 'SUCCEEDED',
			execution_mode: 'ASYNC',
			action_name: 'linkedin-extract-people',
			output_count: 2,
			last_error: null,
			callback: null,
			scheduled_run_uid: null,
			parameters: {},
		});
		expect(Date.parse(run.finished_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
		const status = (await api().get(`/runs/${uid}/status`)).data;
		expect(Object.keys(status).sort()).toEqual(
			[
				'created_at',
				'finished_at',
				'id',
				'postponed_until',
				'started_at',
				'status',
				'uid',
				'updated_at',
			].sort(),
		);
		expect(status.status).toBe('SUCCEEDED');
		const outputs = (await api().get(`/runs/${uid}/outputs`)).data;
		expect(outputs.map((o: { full_name: string }) => o.full_name).sort()).toEqual([
			'Ada Lovelace',
			'Alan Turing',
		]);
	});

	test('PARTIAL_SUCCEEDED: per-input errors are on /inputs, not on the run', async () => {
		const uid = await startRun(api(), 'linkedin-extract-people', {
			inputs: [
				{ linkedin_profile_url: profileUrl('ok-person'), custom_data: { row: 1 } },
				{ linkedin_profile_url: profileUrl('no-result-person'), custom_data: { row: 2 } },
			],
		});
		const run = await sim.waitForRun(uid, ['SUCCEEDED', 'PARTIAL_SUCCEEDED', 'FAILED', 'BLOCKED']);
		expect(run.status).toBe('PARTIAL_SUCCEEDED');
		expect(run.lastError).toBeNull();
		const inputs = (await api().get(`/runs/${uid}/inputs`)).data;
		expect(inputs).toHaveLength(2);
		expect(inputs[0]).toMatchObject({
			status: 'SUCCEEDED',
			last_error: null,
			output_count: 1,
			custom_data: { row: 1 },
		});
		expect(inputs[0].input_data).toEqual({ linkedin_profile_url: profileUrl('ok-person') });
		expect(inputs[1]).toMatchObject({
			status: 'FAILED',
			output_count: 0,
			custom_data: { row: 2 },
			last_error: { has_failed: true, label: 'NO_RESULT', scope: 'input', params: {} },
		});
		expect(inputs[1].last_error.error_ref).toMatch(/^err-/);
		expect((await api().get(`/runs/${uid}`)).data.output_count).toBe(1);
	});

	test('FAILED: no input succeeded; last_error is the first failing input', async () => {
		const uid = await startRun(api(), 'linkedin-find-profile-url', {
			inputs: [
				{ first_name: 'fail-input', last_name: 'One' },
				{ first_name: 'Jo', last_name: 'no-result' },
			],
		});
		await sim.waitForRun(uid, ['FAILED']);
		const run = (await api().get(`/runs/${uid}`)).data;
		expect(run.status).toBe('FAILED');
		expect(run.last_error).toEqual({ label: 'LK_ERROR', message: expect.any(String), params: {} });
		expect(run.output_count).toBe(0);
	});

	test('BLOCKED: every input fails the action URL check (the docs products/ example)', async () => {
		const uid = await startRun(api(), 'linkedin-extract-company', {
			inputs: [{ linkedin_company_url: 'https://www.linkedin.com/products/acme-widget/' }],
		});
		await sim.waitForRun(uid, ['BLOCKED']);
		const run = (await api().get(`/runs/${uid}`)).data;
		expect(run.last_error.label).toBe('BAD_INPUT');
		expect(run.finished_at).toBeNull();
		const [input] = (await api().get(`/runs/${uid}/inputs`)).data;
		expect(input.status).toBe('BLOCKED');
		expect(input.last_error.validation_errors).toHaveProperty('linkedin_company_url');
	});

	test('a seeded BLOCKED run: last_error on the run, each blocked input with its error, the others succeeded', async () => {
		const uid = sim.seedRun({
			action: 'linkedin-extract-company',
			outputs: 2,
			failedInputs: 2,
			status: 'BLOCKED',
		});
		const run = (await api().get(`/runs/${uid}`)).data;
		expect(run).toMatchObject({
			status: 'BLOCKED',
			output_count: 2,
			finished_at: null,
			last_error: { label: 'BAD_INPUT', message: expect.any(String), params: {} },
		});
		const inputs = (await api().get(`/runs/${uid}/inputs`)).data as Array<{
			status: string;
			last_error: Record<string, unknown> | null;
		}>;
		expect(inputs.map((i) => i.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'BLOCKED', 'BLOCKED']);
		for (const blocked of inputs.slice(2)) {
			expect(blocked.last_error).toMatchObject({
				has_failed: true,
				label: 'BAD_INPUT',
				scope: 'input',
				message: run.last_error.message,
			});
		}
		expect(inputs.slice(0, 2).every((i) => i.last_error === null)).toBe(true);
	});

	test('list actions stop at max_results (default 100) in pages of the action page size', async () => {
		const uid = await startRun(api(), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('sales') }],
			parameters: { max_results: 35 },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		expect(sim.run(uid)!.outputCount).toBe(35);
		const byDefault = await startRun(api(), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('ops') }],
		});
		await sim.waitForRun(byDefault, ['SUCCEEDED']);
		expect(sim.run(byDefault)!.outputCount).toBe(100);
		const few = await startRun(api(), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('rare', 7) }],
		});
		await sim.waitForRun(few, ['SUCCEEDED']);
		expect(sim.run(few)!.outputCount).toBe(7);
	});

	test('holdRuns keeps new runs RUNNING with nothing produced; finishRun completes them', async () => {
		sim.holdRuns(true);
		const uid = await startRun(api(), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('held-one') }],
		});
		await sim.waitForRun(uid, ['RUNNING']);
		await sim.waitForIdle();
		expect(sim.run(uid)).toMatchObject({ status: 'RUNNING', held: true, outputCount: 0 });
		await sim.finishRun(uid);
		expect(sim.run(uid)).toMatchObject({ status: 'SUCCEEDED', held: false, outputCount: 1 });
		await expect(sim.finishRun(uid)).rejects.toThrow(/already SUCCEEDED/);

		const forced = await startRun(api(), 'linkedin-extract-people', {
			inputs: [
				{ linkedin_profile_url: profileUrl('a-b') },
				{ linkedin_profile_url: profileUrl('c-d') },
			],
		});
		await sim.waitForRun(forced, ['RUNNING']);
		await sim.finishRun(forced, { status: 'PARTIAL_SUCCEEDED' });
		expect(sim.run(forced)!.inputs.map((i) => i.status)).toEqual(['FAILED', 'SUCCEEDED']);
		expect(sim.run(forced)!.status).toBe('PARTIAL_SUCCEEDED');

		const released = await startRun(api(), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('e-f') }],
		});
		await sim.waitForRun(released, ['RUNNING']);
		sim.holdRuns(false);
		await sim.waitForRun(released, ['SUCCEEDED']);
	});

	test('cancel: async runs only, STOPPED, answers the Run; a finished run cannot be cancelled', async () => {
		sim.holdRuns(true);
		const uid = await startRun(api(), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('g-h') }],
		});
		await sim.waitForRun(uid, ['RUNNING']);
		const cancelled = await api().post(`/runs/${uid}/cancel`);
		expect(cancelled.status).toBe(200);
		expect(cancelled.data).toMatchObject({ uid, status: 'STOPPED', output_count: 0 });
		expect(cancelled.data.finished_at).toEqual(expect.any(String));
		sim.holdRuns(false);
		await sim.waitForIdle();
		expect(sim.run(uid)!.status).toBe('STOPPED');
		expect((await api().get(`/runs/${uid}/inputs`)).data[0].status).toBe('STOPPED');
		expect((await api().post(`/runs/${uid}/cancel`)).status).toBe(200);

		const done = await startRun(api(), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('i-j') }],
		});
		await sim.waitForRun(done, ['SUCCEEDED']);
		const refused = await api().post(`/runs/${done}/cancel`);
		expect(refused.status).toBe(422);
		expect(refused.data.status_code).toBe(422);
	});

	test('resume: BLOCKED or STOPPED -> SCHEDULED, then only unfinished inputs run again; others 422', async () => {
		sim.holdRuns(true);
		const uid = await startRun(api(), 'linkedin-extract-company', {
			inputs: [
				{ linkedin_company_url: companyUrl('acme-corp') },
				{ linkedin_company_url: companyUrl('globex') },
			],
		});
		await sim.waitForRun(uid, ['RUNNING']);
		await sim.finishRun(uid, { status: 'BLOCKED' });
		sim.holdRuns(false);
		expect(sim.run(uid)!.status).toBe('BLOCKED');
		const resumed = await api().post(`/runs/${uid}/resume`);
		expect(resumed.status).toBe(200);
		expect(resumed.data).toMatchObject({
			uid,
			status: 'SCHEDULED',
			last_error: null,
			retry_count: 0,
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		expect(sim.run(uid)!.outputCount).toBe(2);

		const again = await api().post(`/runs/${uid}/resume`);
		expect(again.status).toBe(422);
		expect(again.data.error_label).toEqual(expect.any(String));
	});

	test('continue: 422 unless sync_mode incremental; then fetches new items on the same run', async () => {
		const plain = await startRun(api(), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('plain', 30) }],
		});
		await sim.waitForRun(plain, ['SUCCEEDED']);
		expect((await api().post(`/runs/${plain}/continue`)).status).toBe(422);

		const uid = await startRun(api(), 'linkedin-search-people', {
			inputs: [{ linkedin_people_search_url: searchUrl('incr', 50) }],
			parameters: { max_results: 20, sync_mode: 'incremental' },
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);
		expect(sim.run(uid)!.outputCount).toBe(20);
		const continued = await api().post(`/runs/${uid}/continue`);
		expect(continued.status).toBe(200);
		expect(continued.data.status).toBe('SCHEDULED');
		await sim.waitForRun(uid, ['SUCCEEDED']);
		expect(sim.run(uid)!.outputCount).toBe(40);
		const outputs = (await api().get(`/runs/${uid}/outputs`)).data as Array<{
			linkedin_profile_id: number;
		}>;
		expect(new Set(outputs.map((o) => o.linkedin_profile_id)).size).toBe(40);
	});

	test('GET /runs filters with repeated keys, sorts, pages, and refuses bad parameters', async () => {
		await sim.waitForIdle();
		const all = (await api().get('/runs?limit=100')).data as Array<{
			uid: string;
			status: string;
			created_at: string;
		}>;
		expect(all.length).toBeGreaterThan(5);
		// Default order: created_at ascending.
		expect(all.map((r) => r.created_at)).toEqual([...all.map((r) => r.created_at)].sort());

		const failedOrBlocked = (await api().get('/runs?status=FAILED&status=BLOCKED&limit=100'))
			.data as Array<{ status: string }>;
		expect(failedOrBlocked.length).toBeGreaterThan(0);
		expect(failedOrBlocked.every((r) => ['FAILED', 'BLOCKED'].includes(r.status))).toBe(true);

		const companies = (await api().get('/runs?action_name=linkedin-extract-company&limit=100'))
			.data as Array<{ action_name: string }>;
		expect(companies.length).toBeGreaterThan(0);
		expect(companies.every((r) => r.action_name === 'linkedin-extract-company')).toBe(true);

		const byUid = (await api().get(`/runs?uid=${all[0].uid}&uid=${all[1].uid}`)).data as Array<{
			uid: string;
		}>;
		expect(byUid.map((r) => r.uid)).toEqual([all[0].uid, all[1].uid]);

		const newestFirst = (await api().get('/runs?sort=-created_at&limit=3')).data as Array<{
			uid: string;
		}>;
		expect(newestFirst.map((r) => r.uid)).toEqual(
			all
				.slice(-3)
				.reverse()
				.map((r) => r.uid),
		);

		const page2 = (await api().get('/runs?limit=2&offset=2')).data as Array<{ uid: string }>;
		expect(page2.map((r) => r.uid)).toEqual(all.slice(2, 4).map((r) => r.uid));
		expect((await api().get('/runs')).data).toHaveLength(10);

		for (const bad of [
			'limit=101',
			'limit=0',
			'offset=-1',
			'status=DONE',
			'execution_mode=BATCH',
			'sort=name',
		]) {
			const response = await api().get(`/runs?${bad}`);
			expect(response.status).toBe(400);
			expect(response.data.error_label).toBe('BAD_PARAMETERS');
		}
	});

	test('GET /runs/{uid}/inputs pages with limit (max 100) and offset', async () => {
		const inputs = Array.from({ length: 130 }, (_, i) => ({
			linkedin_profile_url: profileUrl(`person-${i}`),
			custom_data: { i },
		}));
		const uid = await startRun(api(), 'linkedin-extract-people', { inputs });
		await sim.waitForRun(uid, ['SUCCEEDED']);
		const first = (await api().get(`/runs/${uid}/inputs`)).data;
		expect(first).toHaveLength(100);
		const rest = (await api().get(`/runs/${uid}/inputs?offset=100&limit=100`)).data;
		expect(rest).toHaveLength(30);
		expect(rest[29].custom_data).toEqual({ i: 129 });
		expect((await api().get(`/runs/${uid}/inputs?limit=101`)).status).toBe(400);
	});
});
