// Why this file exists: checks the simulator's request-level behaviour over real HTTP (auth, workspace
// isolation, error format, validation of action calls, live mode, workspace endpoints), so that tests of
// the package can trust it to refuse what Edges refuses, the way Edges does (docs/edges-api.md §1, §2.1, §5).

import axios from 'axios';

import { DEFAULT_API_KEY, EdgesSimulator, OTHER_API_KEY, WORKSPACE_UIDS } from './simulator';
import { apiClient, companyUrl, profileUrl, searchUrl, startRun } from './simulator/testkit';

const errorShape = (status: number, label: string) => ({
	error_label: label,
	error_scope: expect.any(String),
	error_ref: expect.stringMatching(/^err-/),
	message: expect.any(String),
	status_code: status,
	params: expect.any(Object),
});

describe('simulator: auth, errors, validation, live', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start();
	});
	afterAll(() => sim.stop());

	test('a missing or unknown key gets 401 in Edges error format, and the key is never logged', async () => {
		const missing = await apiClient(sim, null).get('/runs');
		expect(missing.status).toBe(401);
		expect(missing.headers['content-type']).toMatch(/^application\/json/);
		expect(missing.data).toEqual({
			...errorShape(401, 'UNAUTHORIZED'),
			error_scope: 'request',
			params: {},
		});

		const wrong = await apiClient(sim, 'not-a-key').get('/workspaces');
		expect(wrong.status).toBe(401);
		expect(wrong.data.error_label).toBe('UNAUTHORIZED');

		// Header name is case-insensitive.
		const upper = await axios.get(`${sim.baseUrl}/workspaces`, {
			headers: { 'X-API-KEY': DEFAULT_API_KEY },
			validateStatus: () => true,
		});
		expect(upper.status).toBe(200);

		const logged = JSON.stringify(sim.requests);
		expect(logged).not.toContain(DEFAULT_API_KEY);
		expect(logged).not.toContain('not-a-key');
		expect(sim.requests.find((r) => r.status === 401)?.workspaceUid).toBeUndefined();
	});

	test("a workspace cannot see another workspace's run (404 NOT_FOUND)", async () => {
		const api = apiClient(sim);
		const other = apiClient(sim, OTHER_API_KEY);
		const uid = await startRun(api, 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profileUrl('elisa-morgera-88b76b95') }],
		});
		await sim.waitForRun(uid, ['SUCCEEDED']);

		for (const path of [
			`/runs/${uid}`,
			`/runs/${uid}/status`,
			`/runs/${uid}/outputs`,
			`/runs/${uid}/inputs`,
		]) {
			const response = await other.get(path);
			expect(response.status).toBe(404);
			expect(response.data).toEqual(errorShape(404, 'NOT_FOUND'));
		}
		expect((await other.post(`/runs/${uid}/cancel`)).status).toBe(404);
		const list = await other.get('/runs', { params: { limit: 100 } });
		expect(list.data.map((r: { uid: string }) => r.uid)).not.toContain(uid);
		expect((await api.get(`/runs/${uid}`)).data.workspace_uid).toBe(
			WORKSPACE_UIDS[DEFAULT_API_KEY],
		);
		expect(
			sim.requests.filter((r) => r.workspaceUid === WORKSPACE_UIDS[OTHER_API_KEY]).length,
		).toBeGreaterThan(0);
	});

	test('unknown routes, actions and resources answer 404 in Edges format', async () => {
		const api = apiClient(sim);
		expect((await api.get('/nothing-here')).data).toEqual(errorShape(404, 'NOT_FOUND'));
		const unknownAction = await api.post('/actions/linkedin-do-magic/run/async', { inputs: [{}] });
		expect(unknownAction.status).toBe(404);
		expect(unknownAction.data.message).toContain('linkedin-do-magic');
		expect((await api.get('/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
		expect((await api.get('/runs/callbacks/00000000-0000-4000-8000-000000000000')).status).toBe(
			404,
		);
		expect((await api.get('/schedules/00000000-0000-4000-8000-000000000000')).status).toBe(404);
		// The docs' older path without /run is not a route.
		expect((await api.post('/actions/linkedin-extract-people/async', { inputs: [] })).status).toBe(
			404,
		);
	});

	test('async bodies are validated like Edges does (400 with ajv-style messages)', async () => {
		const api = apiClient(sim);
		sim.clearRequests();
		const runsBefore = (await api.get('/runs', { params: { limit: 100 } })).data.length;
		const post = (body: unknown, slug = 'linkedin-extract-people') =>
			api.post(`/actions/${slug}/run/async`, body);
		const good = { linkedin_profile_url: profileUrl('a-b') };

		let response = await post({});
		expect(response.status).toBe(400);
		expect(response.data).toEqual(errorShape(400, 'BAD_PARAMETERS'));
		expect(response.data.message).toBe("body must have required property 'inputs'");

		response = await post({ inputs: [] });
		expect(response.data.message).toBe('body/inputs must NOT have fewer than 1 items');

		response = await post({ inputs: Array.from({ length: 100_001 }, () => good) });
		expect(response.status).toBe(400);
		expect(response.data.message).toBe('body/inputs must NOT have more than 100000 items');

		response = await post({ inputs: [{ custom_data: { id: 1 } }] });
		expect(response.status).toBe(400);
		expect(response.data.error_label).toBe('BAD_INPUT');
		expect(response.data.message).toContain("required property 'linkedin_profile_url'");

		response = await post({ inputs: [{ ...good, profile_url: 'x' }] });
		expect(response.data.message).toBe(
			'body/inputs/0 must NOT have additional properties (profile_url)',
		);

		response = await post({ inputs: [good], input: good });
		expect(response.data.message).toBe('body must NOT have additional properties (input)');

		response = await post({ inputs: [{ ...good, custom_data: 'text' }] });
		expect(response.data.message).toBe('body/inputs/0/custom_data must be object');

		response = await post({
			inputs: [good],
			callback: { url: 'http://127.0.0.1:1/x', on: 'sometimes' },
		});
		expect(response.data.message).toContain('body/callback/on');

		response = await post({
			inputs: [good],
			callback: { url: 'http://127.0.0.1:1/x', headers: { 'X-Bad': 'line\nbreak' } },
		});
		expect(response.data.message).toBe('body/callback/headers/X-Bad is not a valid HTTP header');

		response = await post({ inputs: [good], callback: { on: 'all' } });
		expect(response.data.message).toContain("required property 'url'");

		response = await post(
			{
				inputs: [{ linkedin_people_search_url: searchUrl('ceo') }],
				parameters: { max_results: 1001 },
			},
			'linkedin-search-people',
		);
		expect(response.data.message).toBe('body/parameters/max_results must be <= 1000');

		response = await post({ inputs: [good], identity_mode: 'direct' });
		expect(response.status).toBe(424);
		expect(response.data.error_label).toBe('NO_VALID_ACCOUNT_CONFIGURED');

		// An action that needs an identity, in a workspace without any (the other one has two).
		const otherApi = apiClient(sim, OTHER_API_KEY);
		const noIdentity = await otherApi.post('/actions/linkedin-extract-connections/run/async', {
			inputs: [{}],
		});
		expect(noIdentity.status).toBe(424);
		expect(noIdentity.data.error_label).toBe('NO_VALID_ACCOUNT_CONFIGURED');
		const managed = await otherApi.post('/actions/linkedin-extract-connections/run/async', {
			inputs: [{}],
			identity_mode: 'managed',
		});
		expect(managed.status).toBe(200);
		await sim.waitForRun(managed.data.run_uid, ['SUCCEEDED']);

		response = await post({ inputs: [good], identity_ids: ['not-a-uuid'] });
		expect(response.data.message).toBe('body/identity_ids/0 must match format "uuid"');

		const notJson = await api.post('/actions/linkedin-extract-people/run/async', '{"inputs": [', {
			headers: { 'Content-Type': 'application/json' },
			transformRequest: [(data: string) => data],
		});
		expect(notJson.status).toBe(400);
		expect(notJson.data.message).toBe('body must be valid JSON');

		// None of these started a run, except the managed-identity one in the other workspace.
		expect((await api.get('/runs', { params: { limit: 100 } })).data).toHaveLength(runsBefore);
		expect(
			sim.requests.filter((r) => r.path.endsWith('/run/async') && r.status === 200),
		).toHaveLength(1);
		expect(sim.requests.filter((r) => r.path.endsWith('/run/async')).length).toBeGreaterThanOrEqual(
			13,
		);
	});

	test('async creation answers the documented shape with a lowercase status', async () => {
		const api = apiClient(sim);
		const response = await api.post('/actions/linkedin-extract-people/run/async', {
			inputs: [{ linkedin_profile_url: profileUrl('x-y') }],
		});
		expect(response.status).toBe(200);
		expect(response.data).toEqual({
			run_id: expect.any(Number),
			run_uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			workspace_uid: WORKSPACE_UIDS[DEFAULT_API_KEY],
			user_uid: expect.any(String),
			action_name: 'linkedin-extract-people',
			status: 'pending',
			postponed_until: null,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		await sim.waitForRun(response.data.run_uid, ['SUCCEEDED']);
	});

	test('live: one input, no envelope; inputs is refused with the documented message', async () => {
		const api = apiClient(sim);
		const live = await api.post('/actions/linkedin-extract-people/run/live', {
			input: { linkedin_profile_url: profileUrl('elisa-morgera-88b76b95') },
		});
		expect(live.status).toBe(200);
		expect(live.headers['x-pagination-next']).toBeUndefined();
		expect(live.data).toMatchObject({
			full_name: 'Elisa Morgera',
			first_name: 'Elisa',
			linkedin_profile_url: profileUrl('elisa-morgera-88b76b95'),
			linkedin_profile_id: expect.any(Number),
			extracted_at: expect.any(String),
		});
		expect(live.data.custom_data).toBeUndefined();

		const inputs = await api.post('/actions/linkedin-extract-people/run/live', {
			inputs: [{ linkedin_profile_url: profileUrl('a-b') }],
		});
		expect(inputs.status).toBe(400);
		expect(inputs.data.message).toBe('body must NOT have additional properties (inputs)');

		const missing = await api.post('/actions/linkedin-find-profile-url/run/live', {
			input: { first_name: 'Ada' },
		});
		expect(missing.status).toBe(400);
		expect(missing.data.error_label).toBe('BAD_INPUT');
		expect(missing.data.message).toContain("'last_name'");

		const blocked = await api.post('/actions/linkedin-extract-company/run/live', {
			input: { linkedin_company_url: 'https://www.linkedin.com/products/acme-widget/' },
		});
		expect(blocked.status).toBe(400);
		expect(blocked.data.error_label).toBe('BAD_INPUT');

		const noResult = await api.post('/actions/linkedin-extract-people/run/live', {
			input: { linkedin_profile_url: profileUrl('no-result-person') },
		});
		expect(noResult.status).toBe(424);
		expect(noResult.data).toEqual({ ...errorShape(424, 'NO_RESULT'), error_scope: 'input' });
	});

	test('live list actions paginate with X-Pagination-Next (full URL with a cursor), same body each time', async () => {
		const api = apiClient(sim);
		const body = { input: { linkedin_people_search_url: searchUrl('founder', 25) } };
		const pages: Array<Array<{ linkedin_profile_id: number }>> = [];
		let url: string | undefined = `${sim.baseUrl}/actions/linkedin-search-people/run/live`;
		while (url) {
			const response = await api.post(url, body);
			expect(response.status).toBe(200);
			pages.push(response.data);
			const next = response.headers['x-pagination-next'] as string | undefined;
			if (next)
				expect(next).toMatch(
					new RegExp(`^${sim.baseUrl}/actions/linkedin-search-people/run/live\\?cursor=`),
				);
			url = next;
		}
		expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
		const ids = pages.flat().map((p) => p.linkedin_profile_id);
		expect(new Set(ids).size).toBe(25);

		const bad = await api.post('/actions/linkedin-search-people/run/live?cursor=garbage', body);
		expect(bad.status).toBe(400);

		// Live calls are runs too, and their outputs are not served by the outputs endpoint.
		const liveRuns = await api.get('/runs', { params: { execution_mode: 'LIVE', limit: 100 } });
		expect(liveRuns.data.length).toBeGreaterThan(0);
		const searchRun = liveRuns.data.find(
			(r: { action_name: string }) => r.action_name === 'linkedin-search-people',
		);
		expect(searchRun.output_count).toBe(25);
		const outputs = await api.get(`/runs/${searchRun.uid}/outputs`);
		expect(outputs.status).toBe(400);
		expect(outputs.data.error_label).toBe('BAD_PARAMETERS');
	});

	test('workspace and consumption are the key owner workspace', async () => {
		const api = apiClient(sim);
		const ws = await api.get('/workspaces');
		expect(ws.status).toBe(200);
		expect(ws.data).toEqual({
			uid: WORKSPACE_UIDS[DEFAULT_API_KEY],
			name: expect.any(String),
			credits_left: expect.any(Number),
			credits_max: expect.any(Number),
			credits_used: expect.any(Number),
			plan_name: expect.any(String),
			current_month_start: expect.any(String),
			current_month_end: expect.any(String),
			identities_included: expect.any(Number),
			identities_synced: expect.any(Number),
			identities_remaining: expect.any(Number),
		});
		expect(ws.data.credits_left + ws.data.credits_used).toBe(ws.data.credits_max);
		const other = await apiClient(sim, OTHER_API_KEY).get('/workspaces');
		expect(other.data.uid).toBe(WORKSPACE_UIDS[OTHER_API_KEY]);

		const consumption = await api.get('/workspaces/consumption');
		expect(consumption.status).toBe(200);
		const people = consumption.data.consumptions.find(
			(c: { action_slug: string }) => c.action_slug === 'linkedin-extract-people',
		);
		expect(people).toEqual({
			action_slug: 'linkedin-extract-people',
			credits_used: expect.any(Number),
			runs_count: expect.any(Number),
		});
		expect(people.runs_count).toBeGreaterThan(0);
	});
});

describe('simulator: options that change answers', () => {
	test('requireHttpsCallbacks refuses http callback URLs; asyncCreateStatus sets the creation status', async () => {
		const sim = await EdgesSimulator.start({ requireHttpsCallbacks: true, asyncCreateStatus: 202 });
		try {
			const api = apiClient(sim);
			const input = { linkedin_profile_url: profileUrl('a-b') };
			const refused = await api.post('/actions/linkedin-extract-people/run/async', {
				inputs: [input],
				callback: { url: 'http://127.0.0.1:9/hook' },
			});
			expect(refused.status).toBe(400);
			expect(refused.data.error_label).toBe('BAD_PARAMETERS');
			expect(refused.data.message).toContain('HTTPS');
			const accepted = await api.post('/actions/linkedin-extract-people/run/async', {
				inputs: [input],
			});
			expect(accepted.status).toBe(202);
		} finally {
			await sim.stop();
		}
	});

	test('the same seed gives the same uids and outputs; another seed does not', async () => {
		const collect = async (seed: number) => {
			const sim = await EdgesSimulator.start({ seed });
			try {
				const api = apiClient(sim);
				const uid = await startRun(api, 'linkedin-search-people', {
					inputs: [{ linkedin_people_search_url: searchUrl('cto', 12) }],
				});
				await sim.waitForRun(uid, ['SUCCEEDED']);
				const outputs = (await api.get(`/runs/${uid}/outputs`)).data as Array<
					Record<string, unknown>
				>;
				return { uid, outputs: outputs.map((o) => ({ ...o, extracted_at: 'wall clock' })) };
			} finally {
				await sim.stop();
			}
		};
		const a = await collect(7);
		const b = await collect(7);
		const c = await collect(8);
		expect(b).toEqual(a);
		expect(c.uid).not.toBe(a.uid);
		expect(c.outputs).not.toEqual(a.outputs);
		expect(a.outputs).toHaveLength(12);
	});

	test('the company action blocks a products URL and extracts a company page', async () => {
		const sim = await EdgesSimulator.start();
		try {
			const api = apiClient(sim);
			const live = await api.post('/actions/linkedin-extract-company/run/live', {
				input: { linkedin_company_url: companyUrl('acme-corp') },
			});
			expect(live.data).toMatchObject({
				company_name: 'Acme Corp',
				linkedin_company_id: expect.any(Number),
			});
		} finally {
			await sim.stop();
		}
	});
});
