/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Wait for Completion end to end in n8n's engine: the execution parks, nothing is asked of Edges while it
 * works, the simulator's real final callback (an HTTP POST) resumes it, and the results arrive paired to
 * their items. Also: a duplicate callback, a foreign callback, failed runs and the time limit.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { Edges } from '../../nodes/Edges/Edges.node';
import { WaitingRunner } from '../helpers/waitingRunner';
import { DEFAULT_API_KEY, EdgesSimulator } from '../simulator';
import { searchUrl } from '../simulator/testkit';
import { profile, runAsyncParams } from './support';

const waitParams = (extra: INodeParameters = {}) =>
	runAsyncParams('linkedin-extract-people', {
		waitForCompletion: true,
		waitOutput: 'outputs',
		maxWait: 2,
		maxWaitUnit: 'hours',
		...extra,
	});

describe('Run Async › Wait for Completion in n8n-core', () => {
	let sim: EdgesSimulator;
	let runner: WaitingRunner;

	beforeEach(async () => {
		sim = await EdgesSimulator.start({ seed: 7, stepMs: 2 });
	});
	afterEach(async () => {
		await runner?.stop();
		await sim.stop();
	});

	async function startWaiting(
		parameters: INodeParameters,
		input: IDataObject[],
		continueOnFail = false,
	) {
		runner = await WaitingRunner.start({
			nodeType: new Edges(),
			parameters,
			input,
			credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			continueOnFail,
		});
		sim.holdRuns(true);
		const parked = await runner.runUntilWait();
		expect(parked.error).toBeUndefined();
		expect(runner.status).toBe('waiting');
		const runUid = parked.outputs[0][0].json.run_uid as string;
		return { parked, runUid };
	}

	it('parks, asks nothing while Edges works, resumes on the final callback and pairs the results', async () => {
		const input = [{ url: profile('alice') }, { url: profile('bob') }, { url: profile('carol') }];
		const { runUid } = await startWaiting(waitParams(), input);

		// The run was started with the resume URL and on:"final".
		const run = sim.run(runUid)!;
		expect(run.callback).toEqual(expect.objectContaining({ url: runner.resumeUrl, on: 'final' }));
		const tag = expect.stringMatching(/^[0-9a-f]{12}$/);
		expect(run.inputs.map((i) => i.customData)).toEqual([
			{ n8n_item: 0, n8n_request: tag },
			{ n8n_item: 1, n8n_request: tag },
			{ n8n_item: 2, n8n_request: tag },
		]);
		expect(runner.customData.edges_runs).toBe(`${runUid}@0-2`);

		// While the run is held, nothing reaches the simulator.
		sim.clearRequests();
		let requestsBeforeCallback = -1;
		runner.onResumeRequest = () => {
			if (requestsBeforeCallback < 0) requestsBeforeCallback = sim.requests.length;
		};
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(sim.requests).toEqual([]);

		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const finished = await runner.waitForFinish();
		expect(requestsBeforeCallback).toBe(0);
		expect(finished.error).toBeUndefined();
		expect(runner.status).toBe('finished');

		// The callback was confirmed with GET /runs/{uid} before anything else.
		const paths = sim.requests.map((r) => `${r.method} ${r.path}`);
		expect(paths[0]).toBe(`GET /v1/runs/${runUid}`);
		expect(paths).toContain(`GET /v1/runs/${runUid}/outputs`);

		// One item per incoming item, in order, each with the result its input produced.
		const items = finished.outputs[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		['alice', 'bob', 'carol'].forEach((handle, k) => {
			const json = items[k].json;
			expect(json).toEqual(
				expect.objectContaining({ run_uid: runUid, status: 'SUCCEEDED', result_count: 1 }),
			);
			const results = json.results as IDataObject[];
			expect(results[0].linkedin_profile_url).toBe(profile(handle));
			expect(json.edges_pairing).toBeUndefined();
		});
		expect(runner.responses.at(-1)).toEqual({ status: 200, body: { received: true } });
	});

	it('a duplicate final callback starts nothing new', async () => {
		sim.setCallbackFaults({ duplicate: 1 });
		const { runUid } = await startWaiting(waitParams({ waitOutput: 'run' }), [
			{ url: profile('alice') },
			{ url: profile('bob') },
		]);
		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const finished = await runner.waitForFinish();
		await sim.waitForIdle();

		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries.length).toBeGreaterThanOrEqual(2);
		expect(runner.responses.map((r) => r.status)).toEqual([200, 409]);
		expect(finished.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of finished.outputs[0]) {
			expect(item.json).toEqual(
				expect.objectContaining({ run_uid: runUid, status: 'SUCCEEDED', output_count: 2 }),
			);
		}
		// The only POST the simulator ever saw is the one that started the run.
		expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
			'/v1/actions/linkedin-extract-people/run/async',
		]);
	});

	it('refuses a callback for a run of another execution and keeps waiting', async () => {
		const { runUid } = await startWaiting(waitParams(), [{ url: profile('alice') }]);
		const response = await fetch(runner.resumeUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ run: { run_uid: 'someone-elses-run', status: 'SUCCEEDED' } }),
		});
		expect(response.status).toBe(400);
		const garbage = await fetch(runner.resumeUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ hello: 'world' }),
		});
		expect(garbage.status).toBe(400);
		expect(runner.status).toBe('waiting');

		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const finished = await runner.waitForFinish();
		expect(finished.outputs[0]).toHaveLength(1);
		expect(finished.outputs[0][0].json.result_count).toBe(1);
	});

	it('does not trust a final callback the API contradicts: keeps waiting while GET /runs says RUNNING', async () => {
		const { runUid } = await startWaiting(waitParams(), [{ url: profile('alice') }]);
		const response = await fetch(runner.resumeUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ run: { run_uid: runUid, status: 'SUCCEEDED' } }),
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ received: true, waiting_for: runUid });
		expect(runner.status).toBe('waiting');
		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		await runner.waitForFinish();
		expect(runner.status).toBe('finished');
	});

	it("a FAILED run becomes an error item under continue on fail, with Edges' error", async () => {
		const { runUid } = await startWaiting(
			waitParams(),
			[{ url: profile('alice') }, { url: profile('bob') }],
			true,
		);
		await sim.finishRun(runUid, { status: 'FAILED' });
		const finished = await runner.waitForFinish();
		expect(finished.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of finished.outputs[0]) {
			expect(item.json).toEqual(
				expect.objectContaining({ run_uid: runUid, status: 'FAILED', error_label: 'LK_ERROR' }),
			);
			expect(String(item.json.error)).toContain('ended FAILED (LK_ERROR)');
		}
	});

	it("a PARTIAL_SUCCEEDED run: the item whose input failed carries that input's status and Edges' error", async () => {
		const { runUid } = await startWaiting(waitParams(), [
			{ url: profile('alice') },
			{ url: profile('bob') },
			{ url: profile('carol') },
		]);
		await sim.finishRun(runUid, { status: 'PARTIAL_SUCCEEDED' });
		const finished = await runner.waitForFinish();
		expect(finished.error).toBeUndefined();
		const items = finished.outputs[0].map((item) => item.json);
		expect(items.map((json) => [json.status, json.result_count])).toEqual([
			['PARTIAL_SUCCEEDED', 0],
			['PARTIAL_SUCCEEDED', 1],
			['PARTIAL_SUCCEEDED', 1],
		]);
		expect(items[0]).toEqual(
			expect.objectContaining({
				input_status: 'FAILED',
				input_error: expect.objectContaining({ label: 'LK_ERROR', has_failed: true }),
			}),
		);
		expect(items[1].input_error).toBeUndefined();
		expect(items[2].input_error).toBeUndefined();
	});

	it('a BLOCKED run fails the node without continue on fail', async () => {
		const { runUid } = await startWaiting(waitParams(), [{ url: profile('alice') }]);
		await sim.finishRun(runUid, { status: 'BLOCKED' });
		await runner.waitForFinish();
		expect(runner.status).toBe('failed');
		expect(runner.webhookErrors[0].message).toContain(`run ${runUid} ended BLOCKED (BAD_INPUT)`);
		// n8n answers the callback 500; Edges' retries then find the execution over (409).
		expect(runner.responses[0].status).toBe(500);
	});

	describe('a run whose results would not fit in memory ("Max Results in Memory")', () => {
		const threeProfiles = [{ url: profile('a') }, { url: profile('b') }, { url: profile('c') }];

		it('fails the node after the callback, before any result is read, and names the way out', async () => {
			const { runUid } = await startWaiting(waitParams({ maxResultsInMemory: 2 }), threeProfiles);
			sim.clearRequests();
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			await runner.waitForFinish();

			expect(runner.status).toBe('failed');
			const [error] = runner.webhookErrors as Array<{ message: string; description?: string }>;
			expect(error.message).toBe(
				`Edges run ${runUid} has 3 results, more than the 2 this node holds in memory`,
			);
			expect(error.description).toMatch(/Run Summary.*Files \(Any Size\)/);
			expect(sim.requests.filter((r) => r.path.endsWith('/outputs'))).toEqual([]);
		});

		it('with continue on fail: one error item per input item; Run Summary is not limited', async () => {
			const { runUid } = await startWaiting(
				waitParams({ maxResultsInMemory: 2 }),
				threeProfiles,
				true,
			);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();
			const items = finished.outputs[0];
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			for (const item of items) {
				expect(item.json).toMatchObject({ run_uid: runUid, output_count: 3 });
				expect(String(item.json.error)).toMatch(/has 3 results, more than the 2/);
			}
			await runner.stop();
			await sim.stop();

			sim = await EdgesSimulator.start({ seed: 8, stepMs: 2 });
			const summary = await startWaiting(
				waitParams({ maxResultsInMemory: 2, waitOutput: 'run' }),
				threeProfiles,
			);
			await sim.finishRun(summary.runUid, { status: 'SUCCEEDED' });
			const done = await runner.waitForFinish();
			expect(done.error).toBeUndefined();
			expect(done.outputs[0].map((item) => item.json.output_count)).toEqual([3, 3, 3]);
		});
	});

	describe('a run that ends before the execution could park', () => {
		// Edges ends the run before n8n has read the creation answer: its final callback reaches the resume
		// URL while the execution is still running, and n8n (here the runner, as n8n does) refuses it with 409.
		async function runEndingAtOnce(
			status: 'SUCCEEDED' | 'FAILED',
			parameters: INodeParameters,
			input: IDataObject[],
			continueOnFail = false,
		) {
			sim.endRunsOnCreation(status);
			runner = await WaitingRunner.start({
				nodeType: new Edges(),
				parameters,
				input,
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
				continueOnFail,
			});
			const result = await runner.runUntilWait();
			await sim.waitForIdle();
			const runUid = sim.requests
				.find((r) => r.method === 'GET' && /^\/v1\/runs\/[^/]+$/.test(r.path))
				?.path.split('/')
				.at(-1) as string;
			return { result, runUid };
		}

		it('does not wait: the results come at once, one item per input item, paired', async () => {
			const input = [{ url: profile('alice') }, { url: profile('bob') }];
			const { result, runUid } = await runEndingAtOnce('SUCCEEDED', waitParams(), input);

			expect(runner.status).toBe('finished');
			expect(result.error).toBeUndefined();
			expect(runner.customData.edges_runs).toBeUndefined();
			const items = result.outputs[0];
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			['alice', 'bob'].forEach((handle, k) => {
				expect(items[k].json).toEqual(
					expect.objectContaining({ run_uid: runUid, status: 'SUCCEEDED', result_count: 1 }),
				);
				expect((items[k].json.results as IDataObject[])[0].linkedin_profile_url).toBe(
					profile(handle),
				);
			});
			// The callback came while the execution was running and was refused; that no longer matters.
			const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
			expect(deliveries.length).toBeGreaterThan(0);
			expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set([409]));
		});

		it('One Item per Result: one item per result, paired to the item it came from', async () => {
			const { result, runUid } = await runEndingAtOnce(
				'SUCCEEDED',
				waitParams({ waitOutput: 'results' }),
				[{ url: profile('alice') }, { url: profile('bob') }],
			);
			expect(runner.status).toBe('finished');
			expect(result.error).toBeUndefined();
			const items = result.outputs[0];
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(items.map((item) => item.json.linkedin_profile_url)).toEqual([
				profile('alice'),
				profile('bob'),
			]);
			expect(items.map((item) => item.json._edges)).toEqual(
				[0, 1].map((item) => ({
					run_uid: runUid,
					status: 'SUCCEEDED',
					item,
					paired_by: 'input_value',
				})),
			);
		});

		it("a FAILED run fails the node with Edges' error, as after a callback", async () => {
			const { result, runUid } = await runEndingAtOnce(
				'FAILED',
				waitParams({ waitOutput: 'run' }),
				[{ url: profile('alice') }],
			);
			expect(runner.status).toBe('failed');
			expect(result.error?.message).toContain(`run ${runUid} ended FAILED (LK_ERROR)`);
		});

		it('with continue on fail, a FAILED run gives error items paired to their items', async () => {
			const { result, runUid } = await runEndingAtOnce(
				'FAILED',
				waitParams(),
				[{ url: profile('alice') }, { url: profile('bob') }],
				true,
			);
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			for (const item of result.outputs[0]) {
				expect(item.json).toEqual(
					expect.objectContaining({ run_uid: runUid, status: 'FAILED', error_label: 'LK_ERROR' }),
				);
			}
		});
	});

	describe('results that do not say which input they came from (issue 14.2)', () => {
		const threeProfiles = [
			{ url: profile('alice') },
			{ url: profile('bob') },
			{ url: profile('carol') },
		];

		it('Results by Item fails the node with the way out, instead of results: [] for every item', async () => {
			// Edges' results of this run carry none of their input's fields: nothing links them to an item.
			sim.hideInputInOutputs(true);
			const { runUid } = await startWaiting(waitParams(), threeProfiles);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			await runner.waitForFinish();

			expect(runner.status).toBe('failed');
			const [error] = runner.webhookErrors;
			expect(error.message).toBe(
				`3 of the 3 results of Edges run ${runUid} do not say which input they came from, so Results by Item cannot give them to their items`,
			);
			const description = (error as { description?: string }).description ?? '';
			expect(description).toContain('One Item per Result');
			expect(description).toContain(runUid);
			expect(description).toContain('Loop Over Items');
		});

		it('with continue on fail: one error item per input item, naming the run and the way out', async () => {
			sim.hideInputInOutputs(true);
			const { runUid } = await startWaiting(waitParams(), threeProfiles, true);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();

			expect(runner.status).toBe('finished');
			const items = finished.outputs[0];
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			for (const item of items) {
				expect(item.json).toEqual(
					expect.objectContaining({
						run_uid: runUid,
						status: 'SUCCEEDED',
						output_count: 3,
						unpaired_result_count: 3,
						error: expect.stringContaining('do not say which input they came from'),
						description: expect.stringContaining('One Item per Result'),
					}),
				);
				// No empty list that a Split Out would silently turn into nothing.
				expect(item.json).not.toHaveProperty('results');
			}
		});

		it('two items with the same input: their results cannot be told apart, and the node says so', async () => {
			const { runUid } = await startWaiting(waitParams(), [
				{ url: profile('alice') },
				{ url: profile('alice') },
				{ url: profile('bob') },
			]);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			await runner.waitForFinish();
			expect(runner.status).toBe('failed');
			expect(runner.webhookErrors[0].message).toBe(
				`2 of the 3 results of Edges run ${runUid} do not say which input they came from, so Results by Item cannot give them to their items`,
			);
		});

		it('One Item per Result: every result of the run is its own item, with its item index when known', async () => {
			const { runUid } = await startWaiting(waitParams({ waitOutput: 'results' }), [
				{ url: profile('alice') },
				{ url: profile('alice') },
				{ url: profile('bob') },
			]);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();
			expect(finished.error).toBeUndefined();
			const items = finished.outputs[0].map((item) => item.json);
			expect(items).toHaveLength(3);
			// Alice's two results match two inputs; Bob's matches one.
			const byUrl = (url: string) => items.filter((json) => json.linkedin_profile_url === url);
			for (const json of byUrl(profile('alice'))) {
				expect(json._edges).toEqual({
					run_uid: runUid,
					status: 'SUCCEEDED',
					item: null,
					paired_by: null,
				});
			}
			expect(byUrl(profile('alice'))).toHaveLength(2);
			expect(byUrl(profile('bob'))[0]._edges).toEqual({
				run_uid: runUid,
				status: 'SUCCEEDED',
				item: 2,
				paired_by: 'input_value',
			});
		});

		it('One Item per Result with results that name no input: all of them, none hidden', async () => {
			sim.hideInputInOutputs(true);
			const { runUid } = await startWaiting(waitParams({ waitOutput: 'results' }), threeProfiles);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();
			expect(finished.error).toBeUndefined();
			const items = finished.outputs[0].map((item) => item.json);
			expect(items.map((json) => json.linkedin_profile_handle).sort()).toEqual([
				'alice',
				'bob',
				'carol',
			]);
			for (const json of items) expect(json).not.toHaveProperty('linkedin_profile_url');
			for (const json of items) {
				expect(json._edges).toEqual(
					expect.objectContaining({ run_uid: runUid, item: null, paired_by: null }),
				);
			}
		});

		it('One Item per Result of a PARTIAL_SUCCEEDED run: the failed input is an item too', async () => {
			const { runUid } = await startWaiting(waitParams({ waitOutput: 'results' }), threeProfiles);
			await sim.finishRun(runUid, { status: 'PARTIAL_SUCCEEDED' });
			const finished = await runner.waitForFinish();
			const items = finished.outputs[0].map((item) => item.json);
			expect(items.map((json) => json.linkedin_profile_url ?? null)).toEqual([
				profile('bob'),
				profile('carol'),
				null,
			]);
			expect(items[2]).toEqual({
				_edges: { run_uid: runUid, status: 'PARTIAL_SUCCEEDED', item: 0, paired_by: 'custom_data' },
				input_status: 'FAILED',
				input_error: expect.objectContaining({ label: 'LK_ERROR' }),
			});
		});

		it('a search with several items and Results by Item is refused before any run starts', async () => {
			runner = await WaitingRunner.start({
				nodeType: new Edges(),
				parameters: runAsyncParams(
					'linkedin-search-people',
					{ waitForCompletion: true, waitOutput: 'outputs', maxWait: 2, maxWaitUnit: 'hours' },
					'linkedin_people_search_url',
				),
				input: [{ url: searchUrl('cto', 2) }, { url: searchUrl('cfo', 3) }],
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			});
			const result = await runner.runUntilWait();
			expect(result.error?.message).toBe(
				'Results by Item cannot pair the results of linkedin-search-people to their items',
			);
			expect((result.error as { description?: string }).description).toContain(
				'One Item per Result',
			);
			expect(sim.requests.filter((r) => r.method === 'POST')).toEqual([]);
		});

		it('a search with One Item per Result gives every result of every input', async () => {
			const { runUid } = await startWaiting(
				runAsyncParams(
					'linkedin-search-people',
					{ waitForCompletion: true, waitOutput: 'results', maxWait: 2, maxWaitUnit: 'hours' },
					'linkedin_people_search_url',
				),
				[{ url: searchUrl('cto', 2) }, { url: searchUrl('cfo', 3) }],
			);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();
			expect(finished.error).toBeUndefined();
			const items = finished.outputs[0].map((item) => item.json);
			expect(items).toHaveLength(5);
			expect(new Set(items.map((json) => json.linkedin_profile_id)).size).toBe(5);
			for (const json of items) expect(json._edges).toMatchObject({ run_uid: runUid, item: null });
		});

		it('a search with one item pairs: Results by Item gives that item all its results', async () => {
			const { runUid } = await startWaiting(
				runAsyncParams(
					'linkedin-search-people',
					{ waitForCompletion: true, waitOutput: 'outputs', maxWait: 2, maxWaitUnit: 'hours' },
					'linkedin_people_search_url',
				),
				[{ url: searchUrl('cto', 4) }],
			);
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const finished = await runner.waitForFinish();
			expect(finished.outputs[0]).toHaveLength(1);
			expect(finished.outputs[0][0].json).toMatchObject({ run_uid: runUid, result_count: 4 });
		});
	});

	it('when the maximum wait passes, n8n continues with one "timed out" item per run', async () => {
		const before = Date.now();
		const { runUid } = await startWaiting(waitParams({ maxWait: 5, maxWaitUnit: 'minutes' }), [
			{ url: profile('alice') },
			{ url: profile('bob') },
		]);
		const after = Date.now();
		// Five minutes from when the node parked, which was between before and after, however long it took.
		const waitTill = new Date(runner.parked!.run.waitTill as unknown as string).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 5 * 60_000);
		expect(waitTill).toBeLessThanOrEqual(after + 5 * 60_000);

		const result = await runner.resumeAfterTimeLimit();
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0, input: undefined },
			{ item: 1, input: undefined },
		]);
		for (const item of result.outputs[0]) {
			expect(item.json).toEqual(expect.objectContaining({ wait_timed_out: true, run_uid: runUid }));
		}

		// The run goes on in Edges; its late callback finds the execution over and starts nothing.
		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		expect(runner.responses.length).toBeGreaterThan(0);
		expect(new Set(runner.responses.map((r) => r.status))).toEqual(new Set([409]));
	});
});
