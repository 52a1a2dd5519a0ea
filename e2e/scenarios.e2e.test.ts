/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Issue 6: the Edges node, the Edges Trigger and Edges Run Outputs in a real n8n 2.41.1, against the
 * Edges simulator, one n8n for the whole file. Every assertion reads what n8n recorded (executions and
 * their run data through the public API), plus the simulator's logs for what n8n sent to Edges.
 *
 * Starter of the "send" workflows: a Webhook trigger. n8n's public API cannot run a workflow, a Manual
 * Trigger only runs from the editor (`POST /rest/workflows/{id}/run` is the editor's internal, version-bound
 * API and its executions are "manual" ones), and a Schedule trigger cannot be fired on demand. A webhook
 * starts a production ("webhook" mode) execution, like the ones users run, on a POST the test controls.
 */
import { randomUUID } from 'node:crypto';

import { executionError, nodeOutput, postWebhook, type Execution, type TestN8n } from './harness';
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../nodes/shared/callbackSecret';
import {
	TRIGGER_SECRET_HEADERS,
	chain,
	edgesNode,
	eventually,
	executionsForRun,
	nodeItems,
	profile,
	runAsyncParameters,
	runOutputsNode,
	setNode,
	triggerNode,
	triggerUrl,
	urlsToItemsNode,
	webhookNode,
	type CredentialRef,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
	deactivateOwnedSchedule,
} from './support';
import { EdgesSimulator, OTHER_API_KEY } from '../test/simulator';
import { apiClient, startRun } from '../test/simulator/testkit';

describe('Edges nodes in a real n8n (issue 6 scenarios)', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(61));
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	afterEach(async () => {
		sim.holdRuns(false);
		sim.endRunsOnCreation(null);
		sim.clearFaults();
		sim.setCallbackFaults({ duplicate: 0, concurrentDuplicate: 0, drop: 0, delayMs: 0 });
		sim.setRateLimit('runs', null);
		await sim.waitForIdle(30_000);
	});

	/** A receiving workflow, Edges Trigger -> Edges Run Outputs, activated. */
	async function receiver(
		name: string,
		triggerParameters: Record<string, unknown> = {},
		outputsParameters: Record<string, unknown> = {},
	) {
		const trigger = triggerNode(cred, triggerParameters);
		const workflow = await t.api.createWorkflow({
			name,
			nodes: [trigger, runOutputsNode(cred, outputsParameters)],
			connections: chain('Edges Trigger', 'Edges Run Outputs'),
		});
		await t.api.activateWorkflow(workflow.id);
		const url = triggerUrl(t, trigger);
		await untilRegistered(url);
		return { workflow, trigger, url };
	}

	/**
	 * n8n 2.41 registers production webhooks a moment after activation returns; until then it answers 404,
	 * and a callback Edges sends then fails. An empty POST is refused by the trigger (401) once it listens.
	 */
	async function untilRegistered(url: string): Promise<void> {
		expect((await postWebhook(url, {})).status).not.toBe(404);
	}

	/** A sending workflow: Webhook -> Code (one item per URL) -> Edges (Run Async), activated. */
	async function sender(
		name: string,
		edgesParameters: Record<string, unknown>,
		after: string[] = [],
	) {
		const path = `send-${randomUUID()}`;
		const extraNodes = after.length
			? [setNode('Check Pairing', { input_url: "={{ $('Profiles').item.json.url }}" })]
			: [];
		const workflow = await t.api.createWorkflow({
			name,
			nodes: [
				webhookNode(path),
				urlsToItemsNode(),
				edgesNode(cred, edgesParameters),
				...extraNodes,
			],
			connections: chain('Start', 'Profiles', 'Edges', ...after),
		});
		await t.api.activateWorkflow(workflow.id);
		return { workflow, start: (urls: string[]) => postWebhook(t.n8n.webhookUrl(path), { urls }) };
	}

	/** Starts a run straight at the simulator, its final callback aimed at `url` with the trigger's secret. */
	async function runTo(
		url: string,
		urls: string[],
		headers: Record<string, string> = TRIGGER_SECRET_HEADERS,
	) {
		return await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: urls.map((u) => ({ linkedin_profile_url: u })),
			callback: { url, headers, on: 'final' },
		});
	}

	/** The one finished execution of `workflowId` for this run (waits for it). */
	async function executionFor(workflowId: string, runUid: string): Promise<Execution> {
		return await eventually(
			`an execution of workflow ${workflowId} for run ${runUid}`,
			async () => {
				const found = await executionsForRun(t.api, workflowId, runUid);
				return found.find((e) => e.finished || ['success', 'error'].includes(e.status));
			},
		);
	}

	it('1. Run Async -> callback to the Edges Trigger of another workflow -> Run Outputs: every output once, paired', async () => {
		const rx = await receiver('S1 receive');
		const tx = await sender(
			'S1 send',
			runAsyncParameters({ options: { callbackUrl: rx.url, callbackOn: 'final' } }),
		);
		const urls = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus'].map(profile);
		expect((await tx.start(urls)).status).toBe(200);

		const [sent] = await t.api.waitForExecutions(tx.workflow.id, 1);
		expect(executionError(sent)).toBeUndefined();
		const [created] = nodeOutput(sent, 'Edges');
		expect(created).toMatchObject({ input_count: 7, first_item: 0, last_item: 6 });
		const runUid = created.run_uid as string;

		const received = await executionFor(rx.workflow.id, runUid);
		expect(executionError(received)).toBeUndefined();
		expect(received.status).toBe('success');
		const [item] = nodeOutput(received, 'Edges Trigger');
		expect(item).toMatchObject({
			kind: 'run',
			run_uid: runUid,
			status: 'SUCCEEDED',
			output_count: 7,
		});

		// Every output exactly once, each the result of one of the inputs, all paired to the trigger item.
		const outputs = nodeItems(received, 'Edges Run Outputs');
		expect(outputs.map((o) => o.json.linkedin_profile_url).sort()).toEqual([...urls].sort());
		for (const output of outputs) expect(output.pairedItem).toEqual({ item: 0 });

		// The Edges node gave Edges the trigger's URL with the secret; Edges' one callback was accepted.
		await sim.waitForIdle();
		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0]).toMatchObject({ url: rx.url, status: 200 });
		expect(deliveries[0].headers).toMatchObject(TRIGGER_SECRET_HEADERS);
		expect(await executionsForRun(t.api, rx.workflow.id, runUid)).toHaveLength(1);
	});

	it('2. Wait for Completion: the execution waits (asking Edges nothing), resumes on the callback, outputs paired', async () => {
		sim.holdRuns(true);
		const tx = await sender(
			'S2 wait',
			runAsyncParameters({
				waitForCompletion: true,
				waitOutput: 'outputs',
				maxWait: 1,
				maxWaitUnit: 'hours',
			}),
			['Check Pairing'],
		);
		const urls = ['hal', 'ivy', 'jo'].map(profile);
		await tx.start(urls);

		const [waiting] = await t.api.waitForExecutions(tx.workflow.id, 1, { statuses: ['waiting'] });
		const runUid = await latestRunUid();
		const parkedAt = sim.requests.length;
		expect(sim.run(runUid)).toMatchObject({ status: 'RUNNING', held: true });
		expect(waiting.waitTill).toEqual(expect.any(String));
		// The parked node's run data and the run uids it stored in the execution's custom data.
		const [created] = nodeOutput(waiting, 'Edges');
		expect(created).toMatchObject({ run_uid: runUid, input_count: 3 });
		expect(waiting.data?.resultData).toMatchObject({ metadata: { edges_runs: `${runUid}@0-2` } });

		// Edges works for a while: n8n holds no worker and polls nobody.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(sim.requests.slice(parkedAt)).toEqual([]);
		expect((await t.api.getExecution(waiting.id)).status).toBe('waiting');

		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const [done] = await t.api.waitForExecutions(tx.workflow.id, 1);
		expect(done.id).toBe(waiting.id);
		expect(executionError(done)).toBeUndefined();
		expect(done.status).toBe('success');

		// The callback reached the resume URL; the first request after it is the run's confirmation.
		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries).toEqual([
			expect.objectContaining({
				status: 200,
				url: expect.stringContaining(`/webhook-waiting/${done.id}?signature=`),
			}),
		]);
		const afterPark = sim.requests.slice(parkedAt).map((r) => `${r.method} ${r.path}`);
		expect(afterPark[0]).toBe(`GET /v1/runs/${runUid}`);
		expect(afterPark).toContain(`GET /v1/runs/${runUid}/outputs`);

		// Custom data survived the save and reload across the wait (webhook() found its run in it).
		expect(done.data?.resultData).toMatchObject({ metadata: { edges_runs: `${runUid}@0-2` } });

		// One item per input item, in order, paired (n8n's own $('Profiles').item resolves to the right one).
		const results = nodeItems(done, 'Edges');
		expect(results.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		results.forEach((item, k) => {
			expect(item.json).toMatchObject({ run_uid: runUid, status: 'SUCCEEDED', result_count: 1 });
			expect((item.json.results as Array<Record<string, unknown>>)[0].linkedin_profile_url).toBe(
				urls[k],
			);
		});
		expect(nodeOutput(done, 'Check Pairing').map((j) => j.input_url)).toEqual(urls);
		expect(
			nodeOutput(done, 'Check Pairing').map(
				(j) => (j.results as Array<Record<string, unknown>>)[0].linkedin_profile_url,
			),
		).toEqual(urls);
	});

	it('2c. Wait for Completion with a run that ends at once: no wait, results paired, the early callback refused', async () => {
		sim.endRunsOnCreation('SUCCEEDED');
		const tx = await sender(
			'S2c wait, run ends at once',
			runAsyncParameters({
				waitForCompletion: true,
				waitOutput: 'outputs',
				maxWait: 1,
				maxWaitUnit: 'hours',
			}),
			['Check Pairing'],
		);
		const urls = ['kim', 'lou'].map(profile);
		await tx.start(urls);

		const [done] = await t.api.waitForExecutions(tx.workflow.id, 1);
		expect(executionError(done)).toBeUndefined();
		expect(done.status).toBe('success');
		// It never parked: no wait deadline, no runs stored for a resume.
		expect(done.waitTill ?? null).toBeNull();
		expect(done.data?.resultData).not.toHaveProperty('metadata.edges_runs');

		const results = nodeItems(done, 'Edges');
		const runUid = results[0].json.run_uid as string;
		expect(results.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		results.forEach((item, k) => {
			expect(item.json).toMatchObject({ run_uid: runUid, status: 'SUCCEEDED', result_count: 1 });
			expect((item.json.results as Array<Record<string, unknown>>)[0].linkedin_profile_url).toBe(
				urls[k],
			);
		});
		expect(nodeOutput(done, 'Check Pairing').map((j) => j.input_url)).toEqual(urls);

		// Edges' callback reached the resume URL while the execution was running (or just after): n8n answered
		// 409 to it and to its retries, so without the check before parking this execution would have waited.
		await sim.waitForIdle(30_000);
		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries.length).toBeGreaterThan(0);
		expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set([409]));
		expect(await t.api.listExecutions(tx.workflow.id)).toHaveLength(1);
	});

	it('3. duplicate and concurrent deliveries of one callback start one execution', async () => {
		const rx = await receiver('S3 receive');
		sim.setCallbackFaults({ duplicate: 1 });
		const sequential = await runTo(rx.url, [profile('kim')]);
		await sim.waitForRun(sequential, ['SUCCEEDED']);
		await sim.waitForIdle();
		sim.setCallbackFaults({ concurrentDuplicate: 1 });
		const concurrent = await runTo(rx.url, [profile('lou')]);
		await sim.waitForRun(concurrent, ['SUCCEEDED']);
		await sim.waitForIdle();
		// A later callback: once its execution exists, any execution the copies above started exists too.
		const later = await runTo(rx.url, [profile('max')]);
		await executionFor(rx.workflow.id, later);

		for (const runUid of [sequential, concurrent]) {
			const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
			expect(deliveries).toHaveLength(2);
			expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
			expect(deliveries[1].ref).toBe(deliveries[0].ref);
			const executions = await executionsForRun(t.api, rx.workflow.id, runUid);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			expect(nodeOutput(executions[0], 'Edges Trigger')[0].callback_ref).toBe(deliveries[0].ref);
			expect(nodeOutput(executions[0], 'Edges Run Outputs')).toHaveLength(1);
		}
		expect(await t.api.listExecutions(rx.workflow.id, { includeData: false })).toHaveLength(3);
	});

	it('4. forged callbacks (no secret, wrong secret, unknown or foreign run) are refused and start nothing', async () => {
		const rx = await receiver('S4 receive');
		const real = sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 });
		const foreign = sim.seedRun({
			apiKey: OTHER_API_KEY,
			action: 'linkedin-extract-people',
			outputs: 1,
		});
		const post = async (runUid: string, headers: Record<string, string>) => {
			const ref = randomUUID();
			const body = {
				callback_ref_uid: ref,
				run: { run_uid: runUid, batch_uid: randomUUID(), status: 'SUCCEEDED' },
				input: null,
				custom_data: null,
				error: null,
				results: null,
			};
			return await postWebhook(rx.url, body, { headers: { 'x-callback-ref': ref, ...headers } });
		};

		const before = sim.requests.length;
		expect((await post(real, {})).status).toBe(401);
		expect((await post(real, { [CALLBACK_SECRET_HEADER]: 'not-the-secret' })).status).toBe(401);
		expect(
			(await post(real, { [CALLBACK_SECRET_HEADER]: deriveCallbackSecret(OTHER_API_KEY) })).status,
		).toBe(401);
		// Refused on the header alone: Edges was not even asked.
		expect(sim.requests.slice(before)).toEqual([]);
		expect((await post(randomUUID(), TRIGGER_SECRET_HEADERS)).status).toBe(403);
		expect((await post(foreign, TRIGGER_SECRET_HEADERS)).status).toBe(403);

		// The same real run with the secret goes through: one execution, the only one of the workflow.
		expect((await post(real, TRIGGER_SECRET_HEADERS)).status).toBe(200);
		await executionFor(rx.workflow.id, real);
		const executions = await t.api.listExecutions(rx.workflow.id);
		expect(executions).toHaveLength(1);
		expect(nodeOutput(executions[0], 'Edges Trigger')[0].run_uid).toBe(real);
	});

	it("5a. FAILED and PARTIAL_SUCCEEDED runs through the trigger: items carry the status and Edges' error", async () => {
		const rx = await receiver('S5 receive', {}, { options: { includeFailedInputs: true } });
		const failed = await runTo(rx.url, [profile('fail-input-a'), profile('fail-input-b')]);
		const partial = await runTo(rx.url, [profile('nat'), profile('fail-input-oz'), profile('pat')]);

		const failedExecution = await executionFor(rx.workflow.id, failed);
		expect(executionError(failedExecution)).toBeUndefined();
		const [failedItem] = nodeOutput(failedExecution, 'Edges Trigger');
		expect(failedItem).toMatchObject({
			status: 'FAILED',
			output_count: 0,
			error: { error_label: 'LK_ERROR', status_code: 424 },
			run: { last_error: { label: 'LK_ERROR' } },
		});
		// No results; each failed input comes out with its own error (Include Failed Inputs).
		const failedOutputs = nodeOutput(failedExecution, 'Edges Run Outputs');
		expect(failedOutputs).toHaveLength(2);
		for (const output of failedOutputs) {
			expect(output).toMatchObject({
				run_uid: failed,
				failed_input: { status: 'FAILED', error: { label: 'LK_ERROR' } },
			});
		}

		const partialExecution = await executionFor(rx.workflow.id, partial);
		expect(executionError(partialExecution)).toBeUndefined();
		expect(nodeOutput(partialExecution, 'Edges Trigger')[0]).toMatchObject({
			status: 'PARTIAL_SUCCEEDED',
			output_count: 2,
		});
		const partialOutputs = nodeOutput(partialExecution, 'Edges Run Outputs');
		expect(partialOutputs.slice(0, 2).map((o) => o.linkedin_profile_url)).toEqual([
			profile('nat'),
			profile('pat'),
		]);
		expect(partialOutputs.slice(2)).toEqual([
			expect.objectContaining({
				run_uid: partial,
				failed_input: expect.objectContaining({
					input_data: { linkedin_profile_url: profile('fail-input-oz') },
					error: expect.objectContaining({ label: 'LK_ERROR' }),
				}),
			}),
		]);
	});

	it("5b. Wait for Completion: a FAILED run fails the execution with Edges' error (webhook() throws); PARTIAL_SUCCEEDED goes on", async () => {
		const tx = await sender(
			'S5 wait',
			runAsyncParameters({ waitForCompletion: true, maxWait: 1, maxWaitUnit: 'hours' }),
		);
		sim.holdRuns(true);
		await tx.start([profile('fail-input-c'), profile('fail-input-d')]);
		const [parked] = await t.api.waitForExecutions(tx.workflow.id, 1, { statuses: ['waiting'] });
		const failed = await latestRunUid();
		await sim.finishRun(failed);
		const [ended] = await t.api.waitForExecutions(tx.workflow.id, 1);
		expect(ended.id).toBe(parked.id);
		expect(sim.run(failed)?.status).toBe('FAILED');
		// n8n 2.41 ends the execution in error with the node's message when webhook() throws...
		expect(ended.status).toBe('error');
		expect(executionError(ended)).toContain(`Edges run ${failed} ended FAILED (LK_ERROR)`);
		// ...answers that delivery 500 and refuses every retry (409 once the execution has ended; under load a
		// retry can also meet a slow answer): no retry is accepted, so Edges records the callback as FAILED.
		await sim.waitForIdle();
		const statuses = sim.deliveries.filter((d) => d.runUid === failed).map((d) => d.status);
		expect(statuses[0]).toBe(500);
		const accepted = (status: number | undefined) =>
			status !== undefined && status >= 200 && status < 300;
		expect(statuses.slice(1).filter(accepted)).toEqual([]);

		await tx.start([profile('ron'), profile('fail-input-sue'), profile('tim')]);
		const [, waiting] = await t.api.waitForExecutions(tx.workflow.id, 2, {
			statuses: ['waiting', 'error'],
		});
		const partial = await latestRunUid();
		expect(waiting.status).toBe('waiting');
		await sim.finishRun(partial);
		const [, done] = await t.api.waitForExecutions(tx.workflow.id, 2);
		expect(executionError(done)).toBeUndefined();
		const items = nodeItems(done, 'Edges');
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((i) => [i.json.status, i.json.result_count])).toEqual([
			['PARTIAL_SUCCEEDED', 1],
			['PARTIAL_SUCCEEDED', 0],
			['PARTIAL_SUCCEEDED', 1],
		]);
		// The item whose input failed says why, with Edges' error for that input.
		expect(items[1].json).toMatchObject({
			input_status: 'FAILED',
			input_error: { label: 'LK_ERROR', message: expect.any(String) },
		});
		expect(items[0].json.input_error).toBeUndefined();
	});

	it('6. Run Outputs reads every output under a 429 storm and a few 5xx', async () => {
		const rx = await receiver('S6 receive');
		const runUid = sim.seedRun({ action: 'linkedin-search-people', outputs: 1100 });
		sim.setRateLimit('runs', { perSecond: 1, burst: 1, retryAfter: 'fractional' });
		sim.injectFaults({
			kind: 'status',
			status: 503,
			pathPrefix: `/runs/${runUid}/outputs`,
			count: 2,
		});
		sim.injectFaults({
			kind: 'status',
			status: 500,
			pathPrefix: `/runs/${runUid}/outputs`,
			count: 1,
		});
		const before = sim.requests.length;
		const ref = randomUUID();
		const response = await postWebhook(
			rx.url,
			{
				callback_ref_uid: ref,
				run: { run_uid: runUid, batch_uid: randomUUID(), status: 'SUCCEEDED' },
				input: null,
				custom_data: null,
				error: null,
				results: null,
			},
			{ headers: { 'x-callback-ref': ref, ...TRIGGER_SECRET_HEADERS } },
		);
		expect(response.status).toBe(200);

		const execution = await executionFor(rx.workflow.id, runUid);
		expect(executionError(execution)).toBeUndefined();
		const outputs = nodeOutput(execution, 'Edges Run Outputs');
		expect(outputs).toHaveLength(1100);
		expect(new Set(outputs.map((o) => JSON.stringify(o))).size).toBe(1100);
		expect(outputs.filter((o) => '_edges_run' in o)).toEqual([]);

		const outputRequests = sim.requests
			.slice(before)
			.filter((r) => r.path === `/v1/runs/${runUid}/outputs`);
		expect(outputRequests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
		expect(
			outputRequests
				.filter((r) => r.status >= 500)
				.map((r) => r.status)
				.sort(),
		).toEqual([500, 503, 503]);
	});

	it('7. deactivating the trigger workflow runs delete: its owned Edges schedule is cancelled', async () => {
		const trigger = triggerNode(cred, {
			ownSchedule: true,
			scheduleAction: 'linkedin-extract-people',
			scheduleInputs: JSON.stringify([{ linkedin_profile_url: profile('quinn') }]),
			cron: '0 8 * * 1',
			timezone: 'UTC',
		});
		const workflow = await t.api.createWorkflow({
			name: 'S7 owned schedule',
			nodes: [trigger, runOutputsNode(cred)],
			connections: chain('Edges Trigger', 'Edges Run Outputs'),
		});
		const before = sim.requests.length;
		await t.api.activateWorkflow(workflow.id);
		const url = triggerUrl(t, trigger);
		await untilRegistered(url);
		const scheduleUid = await eventually('the schedule created on activation', async () => {
			const posts = sim.requests
				.slice(before)
				.filter((r) => r.method === 'POST' && r.path.endsWith('/run/schedule'));
			if (posts.length === 0) return undefined;
			expect(posts).toHaveLength(1);
			const { data } = await apiClient(sim).get('/schedules?limit=100&sort=-created_at');
			return (data as Array<{ uid: string }>)[0].uid;
		});
		const { data: schedule } = await apiClient(sim).get(`/schedules/${scheduleUid}`);
		expect(schedule).toMatchObject({ status: 'ACTIVE', cron: '0 8 * * 1', callback: { url } });
		expect((await t.api.getWorkflow(workflow.id)).staticData).toMatchObject({
			'node:Edges Trigger': { schedule: { uid: scheduleUid }, activation: { webhookUrl: url } },
		});

		// The schedule calls this trigger back: a fired occurrence becomes an execution.
		const runUid = await sim.fireSchedule(scheduleUid);
		const execution = await executionFor(workflow.id, runUid);
		expect(executionError(execution)).toBeUndefined();
		expect(nodeOutput(execution, 'Edges Trigger')[0]).toMatchObject({
			run_uid: runUid,
			status: 'SUCCEEDED',
			scheduled_run_uid: scheduleUid,
		});
		expect(nodeOutput(execution, 'Edges Run Outputs').map((o) => o.linkedin_profile_url)).toEqual([
			profile('quinn'),
		]);

		// delete cancelled the schedule, forgot it and the activation, and kept the refs of processed callbacks.
		const state = await deactivateOwnedSchedule(
			t.api,
			sim,
			{ id: workflow.id, triggerUrl: url },
			scheduleUid,
		);
		expect(state.schedule).toBeUndefined();
		expect(state.activation).toBeUndefined();
		// One callback was processed: one 12-character ref key (see refKey in nodes/EdgesTrigger/dedupe.ts).
		expect(state.seen).toMatch(/^[A-Za-z0-9_-]{12}$/);
	});

	async function latestRunUid(): Promise<string> {
		const { data } = await apiClient(sim).get('/runs?sort=-created_at&limit=1');
		return (data as Array<{ uid: string }>)[0].uid;
	}
});
