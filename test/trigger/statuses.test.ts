// The Edges Trigger receives real final-mode callbacks from the simulator and emits one item per finished
// run, with the status Edges confirms; statuses it is not set to emit are acknowledged and dropped.
import type { WebhookHarness } from '../helpers/webhookHarness';
import { EdgesSimulator } from '../simulator';
import { finalCallback, postToTrigger, SECRET_HEADERS, startRun, startTrigger } from './setup';

describe('Edges Trigger: one item per finished run', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({
			seed: 41,
			stepMs: 1,
			outputsPaging: 'legacy',
			// An answer later than this fails the delivery, as a slow endpoint does with real Edges.
			callbackTimeoutMs: 2000,
		});
	});
	afterAll(async () => {
		await simulator.stop();
	});
	afterEach(async () => {
		simulator.holdRuns(false);
		await harness?.stop();
	});

	async function finishedRun(
		status: 'SUCCEEDED' | 'PARTIAL_SUCCEEDED' | 'FAILED' | 'BLOCKED' | 'STOPPED',
		inputs = 3,
	): Promise<string> {
		simulator.holdRuns(true);
		const uid = await startRun(simulator, harness.webhookUrl, {
			inputs: Array.from({ length: inputs }, (_, i) => ({
				linkedin_profile_url: `https://www.linkedin.com/in/person-${i}`,
				custom_data: { row: i },
			})),
		});
		await simulator.waitForRun(uid, ['RUNNING']);
		await simulator.finishRun(uid, { status });
		return uid;
	}

	it.each(['SUCCEEDED', 'PARTIAL_SUCCEEDED', 'FAILED'] as const)(
		'emits a %s run once, with the confirmed run',
		async (status) => {
			harness = await startTrigger(simulator);
			const uid = await finishedRun(status);

			const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
			expect(deliveries.map((d) => d.status)).toEqual([200]);
			expect(harness.executions).toHaveLength(1);
			const items = harness.executions[0].items;
			expect(items).toHaveLength(1);
			const run = simulator.run(uid)!;
			expect(items[0].json).toMatchObject({
				kind: 'run',
				run_uid: uid,
				status: status,
				callback_status: status,
				status_mismatch: null,
				action_name: 'linkedin-extract-people',
				output_count: run.outputCount,
				callback_ref: deliveries[0].ref,
				delivery_id: deliveries[0].headers['X-Run-Callback'],
				run: { uid, status },
			});
			expect(typeof items[0].json.received_at).toBe('string');
			expect(items[0].json.finished_at).toEqual(expect.any(String));
			if (status === 'FAILED') expect(items[0].json.error).not.toBeNull();
		},
	);

	it.each(['BLOCKED', 'STOPPED'] as const)(
		'acknowledges a %s run without an execution by default',
		async (status) => {
			harness = await startTrigger(simulator);
			const uid = await finishedRun(status);
			const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
			expect(deliveries.length).toBeGreaterThanOrEqual(1);
			expect(deliveries[0].payload.run.status).toBe(status);
			expect(deliveries.every((d) => d.status === 200)).toBe(true);
			expect(harness.executions).toHaveLength(0);
			expect(harness.responses.at(-1)?.body).toMatchObject({
				received: true,
				ignored: expect.stringContaining(status),
			});
		},
	);

	it.each(['BLOCKED', 'STOPPED'] as const)('emits a %s run when asked to', async (status) => {
		harness = await startTrigger(simulator, {
			statuses: ['SUCCEEDED', 'PARTIAL_SUCCEEDED', 'FAILED', 'BLOCKED', 'STOPPED'],
		});
		const uid = await finishedRun(status);
		expect(harness.executions).toHaveLength(1);
		expect(harness.executions[0].items[0].json).toMatchObject({ run_uid: uid, status });
	});

	it('can emit only FAILED runs', async () => {
		harness = await startTrigger(simulator, { statuses: ['FAILED'] });
		await finishedRun('SUCCEEDED', 1);
		const failed = await finishedRun('FAILED', 1);
		expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([failed]);
	});

	it('attaches every page of the outputs, after answering Edges', async () => {
		harness = await startTrigger(simulator, { attachOutputs: true });
		simulator.holdRuns(true);
		const uid = await startRun(simulator, harness.webhookUrl, {
			action: 'linkedin-search-people',
			inputs: [
				{
					linkedin_people_search_url: 'https://www.linkedin.com/search/results/people/?keywords=a',
				},
			],
			parameters: { max_results: 250 },
		});
		await simulator.waitForRun(uid, ['RUNNING']);
		simulator.clearRequests();
		// The first page of outputs takes longer than Edges waits for an answer.
		simulator.injectFaults({
			kind: 'delay',
			ms: 1500,
			pathPrefix: `/runs/${uid}/outputs`,
			count: 1,
		});
		await simulator.finishRun(uid, { status: 'SUCCEEDED' });
		await harness.waitFor(() => harness.executions.length === 1);

		const run = simulator.run(uid)!;
		expect(run.outputCount).toBe(250);
		const item = harness.executions[0].items[0].json;
		expect(item.outputs_error).toBeNull();
		expect(item.outputs).toHaveLength(250);
		const pages = simulator.requests.filter((r) => r.path === `/v1/runs/${uid}/outputs`);
		expect(pages.length).toBeGreaterThanOrEqual(3);
		expect(pages[0].fault).toBe('delay');
		// Edges got its answer before the slow listing: one attempt, delivered, not timed out and retried.
		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries.map((d) => d.status)).toEqual([200]);
	});

	it('does not read a run with more outputs than "Max Outputs to Attach": the item says why and how', async () => {
		harness = await startTrigger(simulator, { attachOutputs: true, maxOutputsToAttach: 100 });
		const uid = await startRun(simulator, harness.webhookUrl, {
			action: 'linkedin-search-people',
			inputs: [
				{
					linkedin_people_search_url: 'https://www.linkedin.com/search/results/people/?keywords=b',
				},
			],
			parameters: { max_results: 250 },
		});
		await harness.waitFor(() => harness.executions.length === 1);

		expect(simulator.run(uid)!.outputCount).toBe(250);
		const item = harness.executions[0].items[0].json;
		expect(item).toMatchObject({ run_uid: uid, outputs: null });
		expect(item.outputs_error).toBe(
			`Edges run ${uid} has 250 results, more than the 100 this node holds in memory. The item goes out without them: read them after this trigger with Edges Run Outputs, Output "Files (Any Size)", or raise "Max Outputs to Attach".`,
		);
		expect(simulator.requests.filter((r) => r.path === `/v1/runs/${uid}/outputs`)).toEqual([]);
	});

	it('reports the status Edges confirms when the callback claims another one', async () => {
		harness = await startTrigger(simulator);
		const uid = await finishedRun('FAILED', 1);
		expect(harness.executions).toHaveLength(1);

		const answer = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(uid, 'SUCCEEDED', 'forged-claim-1')),
			SECRET_HEADERS,
		);
		expect(answer.status).toBe(200);
		expect(harness.executions).toHaveLength(2);
		expect(harness.executions[1].items[0].json).toMatchObject({
			run_uid: uid,
			status: 'FAILED',
			callback_status: 'SUCCEEDED',
			status_mismatch: expect.stringContaining('FAILED'),
		});
	});

	it('refuses, and does not remember, a final callback for a run Edges reports as still running', async () => {
		harness = await startTrigger(simulator);
		simulator.holdRuns(true);
		const uid = await startRun(simulator, harness.webhookUrl);
		await simulator.waitForRun(uid, ['RUNNING']);

		const early = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(uid, 'SUCCEEDED', 'early-ref')),
			SECRET_HEADERS,
		);
		expect(early.status).toBe(409);
		expect(String(early.body.message)).toContain('RUNNING');
		expect(harness.executions).toHaveLength(0);

		await simulator.finishRun(uid, { status: 'SUCCEEDED' });
		const again = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(uid, 'SUCCEEDED', 'early-ref')),
			SECRET_HEADERS,
		);
		expect(again.status).toBe(200);
		// The real callback and the re-delivered early one are two refs: two executions.
		expect(harness.executions.map((e) => e.items[0].json.callback_ref)).toEqual([
			simulator.deliveries.find((d) => d.runUid === uid)!.ref,
			'early-ref',
		]);
	});
});

describe('Edges Trigger: runs started with on: "all"', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({ seed: 42, stepMs: 1 });
	});
	afterAll(async () => {
		await simulator.stop();
	});
	afterEach(async () => {
		await harness?.stop();
	});

	const inputs = [0, 1, 2].map((i) => ({
		linkedin_profile_url: `https://www.linkedin.com/in/p-${i}`,
	}));

	it('acknowledges the batch callbacks and emits the finished run once', async () => {
		harness = await startTrigger(simulator);
		const uid = await startRun(simulator, harness.webhookUrl, { on: 'all', inputs });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		const batches = deliveries.filter((d) => d.payload.run.status === 'RUNNING');
		expect(batches.length).toBeGreaterThanOrEqual(1);
		expect(deliveries.every((d) => d.status === 200)).toBe(true);
		expect(harness.executions).toHaveLength(1);
		expect(harness.executions[0].items[0].json).toMatchObject({
			kind: 'run',
			run_uid: uid,
			status: 'SUCCEEDED',
		});
		const ignored = harness.responses.filter((r) => (r.body as { ignored?: string }).ignored);
		expect(ignored).toHaveLength(batches.length);
	});

	it('emits every batch with its results when set to all callbacks', async () => {
		harness = await startTrigger(simulator, { options: { callbacks: 'all' } });
		const uid = await startRun(simulator, harness.webhookUrl, { on: 'all', inputs });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		const items = harness.executions.map((e) => e.items[0].json);
		expect(items).toHaveLength(deliveries.length);
		const batchItems = items.filter((item) => item.kind === 'batch');
		expect(batchItems.length).toBe(
			deliveries.filter((d) => d.payload.run.status === 'RUNNING').length,
		);
		for (const item of batchItems) {
			expect(item.run_uid).toBe(uid);
			expect(Array.isArray(item.results)).toBe(true);
		}
		expect(items.filter((item) => item.kind === 'run')).toHaveLength(1);
	});
});
