/**
 * Every operation of the Edges node, run through n8n's engine against the Edges simulator over HTTP:
 * results, item pairing with several items, bad input refused before any request, and Edges' own errors.
 */
import { EdgesSimulator } from '../simulator';
import { action, json, paired, posts, profile, runAsyncParams, runEdges } from './support';

describe('Edges node operations', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 3, stepMs: 1 });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.clearFaults();
		sim.clearRequests();
		sim.holdRuns(false);
	});

	async function finishedRun(items = [{ url: profile('dana') }, { url: profile('eve') }]) {
		const started = await runEdges(sim, runAsyncParams('linkedin-extract-people'), items);
		const uid = json(started)[0].run_uid as string;
		await sim.waitForRun(uid, ['SUCCEEDED', 'PARTIAL_SUCCEEDED', 'FAILED']);
		await sim.waitForIdle();
		return uid;
	}

	describe('Action › Run Async', () => {
		it('sends all items as ONE run, tags each input with its item, and pairs the run to all items', async () => {
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people', {
					options: {
						customData: '={{ JSON.stringify({ crm_id: $json.id }) }}',
						maxResults: 1,
						parameters: '{"sections": true}',
						identityMode: 'managed',
						callbackUrl: 'https://hooks.example.com/edges',
						callbackHeaders: '{"Authorization": "Bearer abc"}',
						callbackOn: 'all',
					},
				}),
				[
					{ id: 'a', url: profile('alice') },
					{ id: 'b', url: profile('bob') },
					{ id: 'c', url: profile('carol') },
				],
			);
			expect(result.error).toBeUndefined();
			expect(posts(sim).map((r) => r.path)).toEqual([
				'/v1/actions/linkedin-extract-people/run/async',
			]);
			expect(json(result)).toHaveLength(1);
			expect(json(result)[0]).toEqual(
				expect.objectContaining({ input_count: 3, first_item: 0, last_item: 2 }),
			);
			expect(paired(result)).toEqual([[{ item: 0 }, { item: 1 }, { item: 2 }]]);
			const run = sim.run(json(result)[0].run_uid as string)!;
			// One tag for the whole request, to find the run if Edges' answer to it is lost.
			const tag = run.inputs[0].customData!.n8n_request;
			expect(tag).toMatch(/^[0-9a-f]{12}$/);
			expect(run.inputs.map((i) => [i.data.linkedin_profile_url, i.customData])).toEqual([
				[profile('alice'), { crm_id: 'a', n8n_item: 0, n8n_request: tag }],
				[profile('bob'), { crm_id: 'b', n8n_item: 1, n8n_request: tag }],
				[profile('carol'), { crm_id: 'c', n8n_item: 2, n8n_request: tag }],
			]);
			expect(run.parameters).toEqual({ sections: true, max_results: 1 });
			// Not an n8n webhook URL: no trigger secret added.
			expect(run.callback).toEqual({
				url: 'https://hooks.example.com/edges',
				headers: { Authorization: 'Bearer abc' },
				on: 'all',
			});
		});

		it('adds the trigger secret header only when the callback goes to an n8n webhook', async () => {
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people', {
					options: { callbackUrl: 'https://n8n.example.com/webhook/abc-123' },
				}),
				[{ url: profile('alice') }],
			);
			const run = sim.run(json(result)[0].run_uid as string)!;
			expect(Object.keys(run.callback!.headers)).toEqual(['x-edges-callback-secret']);
			expect(run.callback!.headers['x-edges-callback-secret']).toMatch(/^[0-9a-f]{64}$/);
			expect(run.callback!.on).toBe('final');
		});

		it('maps input fields in the UI (resource mapper) for an action with two fields', async () => {
			const result = await runEdges(
				sim,
				{
					resource: 'action',
					operation: 'runAsync',
					action: { __rl: true, mode: 'list', value: 'linkedin-find-profile-url' },
					inputSource: 'fields',
					inputFields: {
						mappingMode: 'defineBelow',
						value: { first_name: '={{ $json.first }}', last_name: '={{ $json.last }}' },
						matchingColumns: [],
						schema: [],
					},
					options: {},
				},
				[
					{ first: 'Ada', last: 'Lovelace' },
					{ first: 'Alan', last: 'Turing' },
				],
			);
			expect(result.error).toBeUndefined();
			const run = sim.run(json(result)[0].run_uid as string)!;
			expect(run.inputs.map((i) => i.data)).toEqual([
				{ first_name: 'Ada', last_name: 'Lovelace' },
				{ first_name: 'Alan', last_name: 'Turing' },
			]);
		});

		describe('refuses bad input before any request', () => {
			const cases: Array<[string, Parameters<typeof runEdges>[1], object[], RegExp]> = [
				[
					'an input without the action’s required field, naming the item and the field',
					runAsyncParams('linkedin-extract-people'),
					[{ url: profile('alice') }, { nothing: true }],
					/Item 1 has no "linkedin_profile_url"/,
				],
				[
					'a callback URL that is not HTTPS',
					runAsyncParams('linkedin-extract-people', {
						options: { callbackUrl: 'http://n8n.example.com/webhook/x' },
					}),
					[{ url: profile('alice') }],
					/Callback URL must start with https:\/\//,
				],
				[
					'callback headers that are not an object',
					runAsyncParams('linkedin-extract-people', {
						options: { callbackUrl: 'https://x.example.com/', callbackHeaders: '["a"]' },
					}),
					[{ url: profile('alice') }],
					/Callback Headers must be a JSON object/,
				],
				[
					'custom data using the pairing key',
					runAsyncParams('linkedin-extract-people', {
						options: { customData: '{"n8n_item": 5}' },
					}),
					[{ url: profile('alice') }],
					/uses the key "n8n_item"/,
				],
			];
			it.each(cases)('%s', async (_name, parameters, input, message) => {
				const result = await runEdges(sim, parameters, input as never);
				expect(result.error?.message).toMatch(message);
				expect(sim.requests).toEqual([]);
			});

			it('explains how to give n8n a public HTTPS URL', async () => {
				const result = await runEdges(
					sim,
					runAsyncParams('linkedin-extract-people', {
						options: { callbackUrl: 'http://n8n.example.com/webhook/x' },
					}),
					[{ url: profile('alice') }],
				);
				expect(result.error?.description).toMatch(/WEBHOOK_URL/);
				expect(result.error?.description).toMatch(/reverse proxy|tunnel/);
			});

			it('with no items the node does not run, so nothing is sent', async () => {
				const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), []);
				expect(result.outputs).toEqual([]);
				expect(sim.requests).toEqual([]);
			});

			it('continue on fail: an invalid item becomes an error item, the others still run', async () => {
				const result = await runEdges(
					sim,
					runAsyncParams('linkedin-extract-people'),
					[{ url: profile('alice') }, {}, { url: profile('carol') }],
					{ continueOnFail: true },
				);
				expect(posts(sim)).toHaveLength(1);
				const items = result.outputs[0];
				expect(items[0].json.error).toMatch(/Item 1 has no "linkedin_profile_url"/);
				expect(items[0].pairedItem).toEqual({ item: 1 });
				expect(items[1].pairedItem).toEqual([{ item: 0 }, { item: 2 }]);
			});
		});

		it('never repeats the run-starting POST after a reset that may have reached Edges', async () => {
			sim.injectFaults({ kind: 'reset', phase: 'after', pathPrefix: '/actions/', count: 1 });
			const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('alice') },
			]);
			expect(result.error).toBeDefined();
			expect(result.error?.description).toMatch(/not repeated automatically/);
			expect(posts(sim)).toHaveLength(1);
		});

		it.each([
			[401, undefined, 'bad-key', /Edges answered 401/],
			[402, 'NO_ACCESS', undefined, /Edges answered 402 NO_ACCESS/],
			[422, 'ACTION_ABORTED', undefined, /Edges answered 422 ACTION_ABORTED/],
			[424, 'LK_ERROR', undefined, /Edges answered 424 LK_ERROR/],
		])('reports Edges %s with its label and message', async (status, label, apiKey, message) => {
			if (label) {
				sim.injectFaults({ kind: 'status', status, label, pathPrefix: '/actions/', count: 1 });
			}
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people'),
				[{ url: profile('alice') }],
				{ apiKey },
			);
			expect(result.error?.message).toMatch(message);
			expect((result.error as { httpCode?: string }).httpCode).toBe(String(status));
			expect(posts(sim)).toHaveLength(1);
		});
	});

	describe('Action › Run Live', () => {
		it('calls once per item and pairs each result to its item', async () => {
			const result = await runEdges(
				sim,
				{
					resource: 'action',
					operation: 'runLive',
					action: action('linkedin-extract-people'),
					inputSource: 'json',
					inputJson: '={{ JSON.stringify({ linkedin_profile_url: $json.url }) }}',
					returnAll: true,
				},
				[{ url: profile('alice') }, { url: profile('bob') }],
			);
			expect(result.error).toBeUndefined();
			expect(posts(sim)).toHaveLength(2);
			expect(json(result).map((j) => j.linkedin_profile_url)).toEqual([
				profile('alice'),
				profile('bob'),
			]);
			expect(paired(result)).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('follows the live pagination up to the limit', async () => {
			const result = await runEdges(sim, {
				resource: 'action',
				operation: 'runLive',
				action: action('linkedin-search-people'),
				inputSource: 'json',
				inputJson: JSON.stringify({
					linkedin_people_search_url:
						'https://www.linkedin.com/search/results/people/?keywords=ceo&sim_results=45',
				}),
				returnAll: false,
				limit: 25,
			});
			expect(result.error).toBeUndefined();
			expect(json(result)).toHaveLength(25);
			expect(posts(sim)).toHaveLength(3);
		});
	});

	describe('Action › Schedule', () => {
		const scheduleParams = (extra: object = {}) =>
			runAsyncParams('linkedin-extract-people', {
				operation: 'schedule',
				cron: '0 9 * * 1-5',
				timezone: 'Europe/Paris',
				...extra,
			});

		it('creates one schedule with every item as an input', async () => {
			const result = await runEdges(sim, scheduleParams(), [
				{ url: profile('alice') },
				{ url: profile('bob') },
			]);
			expect(result.error).toBeUndefined();
			expect(json(result)[0]).toEqual(
				expect.objectContaining({ input_count: 2, cron: '0 9 * * 1-5', timezone: 'Europe/Paris' }),
			);
			expect(json(result)[0].schedule_uid).toEqual(expect.any(String));
			expect(paired(result)).toEqual([[{ item: 0 }, { item: 1 }]]);
		});

		it('refuses more than 100 inputs and a malformed cron before any request', async () => {
			const many = Array.from({ length: 101 }, (_, i) => ({ url: profile(`p${i}`) }));
			const tooMany = await runEdges(sim, scheduleParams(), many);
			expect(tooMany.error?.message).toMatch(/at most 100 inputs and this node received 101/);
			const badCron = await runEdges(sim, scheduleParams({ cron: '61 * * *' }), [
				{ url: profile('alice') },
			]);
			expect(badCron.error?.message).toMatch(/not a valid cron expression/);
			expect(sim.requests).toEqual([]);
		});
	});

	describe('Run', () => {
		it('Get, Get Status, Get Inputs, Get Many, Cancel and Resume', async () => {
			const uid = await finishedRun();
			const get = await runEdges(sim, { resource: 'run', operation: 'get', runUid: uid });
			expect(json(get)[0]).toEqual(
				expect.objectContaining({ uid, status: 'SUCCEEDED', output_count: 2 }),
			);
			const status = await runEdges(sim, { resource: 'run', operation: 'getStatus', runUid: uid });
			expect(json(status)[0]).toEqual(expect.objectContaining({ uid, status: 'SUCCEEDED' }));
			const inputs = await runEdges(sim, {
				resource: 'run',
				operation: 'getInputs',
				runUid: uid,
				returnAll: true,
			});
			expect(json(inputs).map((i) => i.custom_data)).toEqual([
				{ n8n_item: 0, n8n_request: expect.any(String) },
				{ n8n_item: 1, n8n_request: expect.any(String) },
			]);
			const many = await runEdges(sim, {
				resource: 'run',
				operation: 'getMany',
				returnAll: false,
				limit: 1,
				filters: { status: ['SUCCEEDED'], uid },
			});
			expect(json(many).map((r) => r.uid)).toEqual([uid]);
			// What reached Edges: the filters, the default sort, and one page sized to the Limit.
			const listed = sim.requests.filter((r) => r.method === 'GET' && r.path === '/v1/runs');
			expect(listed).toHaveLength(1);
			expect(listed[0].query).toEqual(
				expect.objectContaining({ status: 'SUCCEEDED', uid, sort: '-created_at', limit: '1' }),
			);

			sim.holdRuns(true);
			const held = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('zed') },
			]);
			const heldUid = json(held)[0].run_uid as string;
			const cancel = await runEdges(sim, { resource: 'run', operation: 'cancel', runUid: heldUid });
			expect(json(cancel)[0]).toEqual(expect.objectContaining({ uid: heldUid, status: 'STOPPED' }));
			const resume = await runEdges(sim, { resource: 'run', operation: 'resume', runUid: heldUid });
			expect(resume.error).toBeUndefined();
			expect(json(resume)[0].uid).toBe(heldUid);
			expect(json(resume)[0].status).not.toBe('STOPPED');
		});

		it('Get Inputs shows per-input errors; Only Inputs With Errors keeps the failed ones', async () => {
			const uid = await finishedRun([{ url: profile('fine') }, { url: profile('fail-input') }]);
			const result = await runEdges(sim, {
				resource: 'run',
				operation: 'getInputs',
				runUid: uid,
				returnAll: true,
				onlyErrors: true,
			});
			expect(json(result)).toHaveLength(1);
			expect(json(result)[0]).toEqual(
				expect.objectContaining({
					status: 'FAILED',
					custom_data: { n8n_item: 1, n8n_request: expect.any(String) },
				}),
			);
			expect((json(result)[0].last_error as { label: string }).label).toBe('LK_ERROR');
		});

		it('a 404 comes back with its status; continue on fail makes it an error item', async () => {
			const result = await runEdges(
				sim,
				{ resource: 'run', operation: 'get', runUid: '={{ $json.uid }}' },
				[{ uid: 'no-such-run' }, { uid: '' }],
				{ continueOnFail: true },
			);
			expect(json(result)[0].error).toMatch(/Edges answered 404/);
			expect(json(result)[1].error).toMatch(/Run UID is empty/);
			expect(paired(result)).toEqual([{ item: 0 }, { item: 1 }]);
		});
	});

	describe('Callback', () => {
		it('Get Many (by run and status), Get and Replay', async () => {
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people', {
					options: { callbackUrl: 'http://127.0.0.1:9/unreachable', callbackOn: 'final' },
				}),
				[{ url: profile('alice') }],
			);
			const uid = json(result)[0].run_uid as string;
			await sim.waitForRun(uid, ['SUCCEEDED']);
			await sim.waitForIdle();
			const failed = await runEdges(sim, {
				resource: 'callback',
				operation: 'getMany',
				returnAll: true,
				filters: { status: ['FAILED'], runUid: uid },
			});
			expect(json(failed).length).toBeGreaterThan(0);
			const callbackUid = json(failed)[0].uid as string;
			const get = await runEdges(sim, { resource: 'callback', operation: 'get', callbackUid });
			expect(json(get)[0]).toEqual(expect.objectContaining({ uid: callbackUid, run_uid: uid }));
			const replay = await runEdges(sim, {
				resource: 'callback',
				operation: 'replay',
				callbackUid,
			});
			expect(json(replay)[0].parent_uid).toBe(callbackUid);
		});
	});

	describe('Schedule and Workspace', () => {
		it('Schedule Get, Get Many, Pause, Resume, Cancel', async () => {
			const created = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people', { operation: 'schedule', cron: '0 8 * * *' }),
				[{ url: profile('alice') }],
			);
			const scheduleUid = json(created)[0].schedule_uid as string;
			const op = async (operation: string) =>
				json(await runEdges(sim, { resource: 'schedule', operation, scheduleUid }))[0];
			expect(await op('get')).toEqual(
				expect.objectContaining({ uid: scheduleUid, status: 'ACTIVE' }),
			);
			await op('pause');
			expect((await op('get')).status).toBe('PAUSED');
			await op('resume');
			expect((await op('get')).status).toBe('ACTIVE');
			const many = await runEdges(sim, {
				resource: 'schedule',
				operation: 'getMany',
				returnAll: true,
				filters: { status: ['ACTIVE'] },
			});
			expect(json(many).map((s) => s.uid)).toContain(scheduleUid);
			await op('cancel');
			expect((await op('get')).status).toBe('CANCELLED');
		});

		it('Workspace Get and Get Consumption', async () => {
			const ws = await runEdges(sim, { resource: 'workspace', operation: 'get' });
			expect(json(ws)[0]).toEqual(expect.objectContaining({ uid: expect.any(String) }));
			const consumption = await runEdges(sim, {
				resource: 'workspace',
				operation: 'getConsumption',
			});
			expect(json(consumption)[0]).toEqual(
				expect.objectContaining({ consumptions: expect.any(Array) }),
			);
		});
	});
});
