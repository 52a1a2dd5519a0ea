/**
 * Issue 14 in a real n8n 2.41.1, against the Edges simulator.
 *
 * Point 2, the trial's workflow: 3 items -> Edges (Run Async, Wait for Completion, Results by Item) ->
 * Split Out on `results`, with an action whose results do not name their input. It used to end "success"
 * with every item at `results: []` and the Split Out giving 0 items, silently. Now the execution fails with
 * the way out, One Item per Result gives every result, and a search is refused before it starts.
 * Point 3: a run-starting request that Edges answers 502 after starting the run fails with the run named,
 * not with "try again later".
 */
import { randomUUID } from 'node:crypto';

import {
	NODE_TYPES,
	executionError,
	nodeOutput,
	postWebhook,
	type N8nNode,
	type TestN8n,
} from './harness';
import {
	chain,
	edgesNode,
	nodeItems,
	profile,
	runAsyncParameters,
	splitOutNode,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
	urlsToItemsNode,
	webhookNode,
	type CredentialRef,
} from './support';
import { EdgesSimulator } from '../test/simulator';
import { apiClient, searchUrl } from '../test/simulator/testkit';

const WAIT = { waitForCompletion: true, maxWait: 1, maxWaitUnit: 'hours' };

/** Run Async of linkedin-search-people with each item's `url` as the search URL. */
const searchParameters = (extra: Record<string, unknown>) =>
	runAsyncParameters({
		action: { __rl: true, mode: 'slug', value: 'linkedin-search-people' },
		inputJson: '={{ JSON.stringify({ linkedin_people_search_url: $json.url }) }}',
		...extra,
	});

function noOpNode(name: string): N8nNode {
	return { name, type: NODE_TYPES.noOp, typeVersion: 1, position: [1760, 200], parameters: {} };
}

describe('Issue 14 in a real n8n: results that cannot be paired, and a start that may have happened', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(64));
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	afterEach(async () => {
		sim.holdRuns(false);
		sim.hideInputInOutputs(false);
		sim.clearFaults();
		await sim.waitForIdle(30_000);
	});

	/** Webhook -> Profiles (one item per URL) -> Edges -> `last`, activated; `start` posts the URLs. */
	async function workflow(name: string, edgesParameters: Record<string, unknown>, last: N8nNode) {
		const path = `pairing-${randomUUID()}`;
		const created = await t.api.createWorkflow({
			name,
			nodes: [webhookNode(path), urlsToItemsNode(), edgesNode(cred, edgesParameters), last],
			connections: chain('Start', 'Profiles', 'Edges', last.name),
		});
		await t.api.activateWorkflow(created.id);
		return {
			workflow: created,
			start: async (urls: string[]) =>
				expect((await postWebhook(t.n8n.webhookUrl(path), { urls })).status).toBe(200),
		};
	}

	/** Starts the workflow with the run held, lets Edges finish it once n8n waits, returns the execution. */
	async function waitAndFinish(wf: Awaited<ReturnType<typeof workflow>>, urls: string[]) {
		sim.holdRuns(true);
		await wf.start(urls);
		const [waiting] = await t.api.waitForExecutions(wf.workflow.id, 1, { statuses: ['waiting'] });
		const runUid = nodeOutput(waiting, 'Edges')[0].run_uid as string;
		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const [done] = await t.api.waitForExecutions(wf.workflow.id, 1);
		expect(done.id).toBe(waiting.id);
		return { done, runUid };
	}

	it('the trial: Results by Item + Split Out with results that name no input fails, saying what to do', async () => {
		sim.hideInputInOutputs(true);
		const wf = await workflow(
			'Trial: Results by Item, then Split Out',
			runAsyncParameters({ ...WAIT, waitOutput: 'outputs' }),
			splitOutNode('results'),
		);
		const { done, runUid } = await waitAndFinish(wf, ['ann', 'ben', 'cat'].map(profile));

		expect(done.status).toBe('error');
		const error = done.data?.resultData.error as { message?: string; description?: string };
		expect(error.message).toBe(
			`3 of the 3 results of Edges run ${runUid} do not say which input they came from, so Results by Item cannot give them to their items`,
		);
		expect(error.description).toContain('Set Output to "One Item per Result"');
		expect(error.description).toContain(runUid);
		expect(executionError(done)).toContain('do not say which input they came from');
		// What n8n 2.41 does when a resumed node's webhook() fails (webhook-helpers.ts): it records the error,
		// drops the earlier nodes' run data and runs on with one empty item, so the Split Out runs and gives
		// nothing. The execution is marked failed with the node's message: not silent any more.
		expect(nodeItems(done, 'Edges').map((item) => item.json)).toEqual([{}]);
		expect(nodeItems(done, 'Split Out')).toEqual([]);
		// The results are still in Edges, as the error says.
		expect(sim.run(runUid)?.outputCount).toBe(3);
	});

	it('the same workflow with results that name their input: Split Out gives each item its result', async () => {
		const urls = ['dot', 'eli', 'fox'].map(profile);
		const wf = await workflow(
			'Results by Item, then Split Out (results name their input)',
			runAsyncParameters({ ...WAIT, waitOutput: 'outputs' }),
			splitOutNode('results'),
		);
		const { done } = await waitAndFinish(wf, urls);
		expect(executionError(done)).toBeUndefined();
		expect(nodeOutput(done, 'Split Out').map((json) => json.linkedin_profile_url)).toEqual(urls);
	});

	it('One Item per Result: every result of the run, with no input named, reaches the next node', async () => {
		sim.hideInputInOutputs(true);
		const wf = await workflow(
			'One Item per Result',
			runAsyncParameters({ ...WAIT, waitOutput: 'results' }),
			noOpNode('After'),
		);
		const { done, runUid } = await waitAndFinish(wf, ['gil', 'hal', 'ida'].map(profile));
		expect(executionError(done)).toBeUndefined();
		const items = nodeItems(done, 'Edges').map((item) => item.json);
		expect(items.map((json) => json.linkedin_profile_handle).sort()).toEqual(['gil', 'hal', 'ida']);
		for (const json of items) {
			expect(json._edges).toEqual({
				run_uid: runUid,
				status: 'SUCCEEDED',
				item: null,
				paired_by: null,
			});
		}
		expect(nodeOutput(done, 'After')).toEqual(items);
	});

	it('a search with One Item per Result: more items than came in, all of them, after the wait', async () => {
		const wf = await workflow(
			'Search, One Item per Result',
			searchParameters({ ...WAIT, waitOutput: 'results' }),
			noOpNode('After'),
		);
		const { done, runUid } = await waitAndFinish(wf, [searchUrl('cto', 2), searchUrl('cfo', 3)]);
		expect(executionError(done)).toBeUndefined();
		const items = nodeOutput(done, 'After');
		expect(items).toHaveLength(5);
		expect(new Set(items.map((json) => json.linkedin_profile_id)).size).toBe(5);
		for (const json of items) expect(json._edges).toMatchObject({ run_uid: runUid, item: null });
	});

	it('a search with several items and Results by Item is refused before any run starts', async () => {
		const wf = await workflow(
			'Search, Results by Item',
			searchParameters({ ...WAIT, waitOutput: 'outputs' }),
			splitOutNode('results'),
		);
		const requestsBefore = sim.requests.length;
		await wf.start([searchUrl('ceo', 2), searchUrl('coo', 2)]);
		const [done] = await t.api.waitForExecutions(wf.workflow.id, 1);
		expect(done.status).toBe('error');
		const error = executionError(done) ?? '';
		expect(error).toContain(
			'Results by Item cannot pair the results of linkedin-search-people to their items',
		);
		expect(error).toContain('One Item per Result');
		expect(sim.requests.slice(requestsBefore).filter((r) => r.method === 'POST')).toEqual([]);
	});

	it('a 502 after Edges started the run: the execution fails naming that run, and nothing starts twice', async () => {
		sim.injectFaults({
			kind: 'status',
			status: 502,
			phase: 'after',
			method: 'POST',
			pathPrefix: '/actions/linkedin-extract-people/run/async',
			count: 1,
		});
		const wf = await workflow('Start answered 502', runAsyncParameters(), noOpNode('After'));
		const requestsBefore = sim.requests.length;
		await wf.start([profile('jay')]);
		const [done] = await t.api.waitForExecutions(wf.workflow.id, 1);
		const posts = sim.requests.slice(requestsBefore).filter((r) => r.method === 'POST');
		expect(posts).toHaveLength(1);
		const { data: newest } = await apiClient(sim).get(
			'/runs?action_name=linkedin-extract-people&sort=-created_at&limit=1',
		);
		const runUid = (newest as Array<{ uid: string }>)[0].uid;
		expect(runUid).toBeDefined();
		expect(done.status).toBe('error');
		const error = executionError(done) ?? '';
		expect(error).toContain(
			`Edges answered 502 to the request that starts the run, but it did start run ${runUid}`,
		);
		expect(error).toContain('spend credits twice');
		expect(error).not.toMatch(/try again later/i);
	});
});
