/**
 * Wait for Completion's timeout path in a real n8n 2.41.1, against the Edges simulator: the run never ends
 * within Maximum Wait, so n8n's WaitTracker resumes the parked execution on its own, WITHOUT running the
 * node's code. What the workflow then gets is what nodes/Edges/actions/action/wait.ts set before parking:
 * one `wait_timed_out` item per input item, paired by position. Then Edges' late final callback reaches the
 * resume URL of the finished execution and must change nothing.
 *
 * Runtime, measured (three runs): the test 52-56 s, the file 69-71 s with n8n's start, the jest command 78-83 s
 * with build + pack. Most of it is n8n's WaitTracker: it looks for waiting executions when n8n starts and
 * then every 60 s, so this execution (parked a few seconds after n8n's start, deadline 3 s later) resumes at
 * its first poll, about 60 s after n8n started. Its worst case is one poll interval after the deadline.
 */
import { randomUUID } from 'node:crypto';

import {
	NODE_TYPES,
	executionError,
	nodeOutput,
	postWebhook,
	type Execution,
	type N8nNode,
	type TestN8n,
} from './harness';
import {
	chain,
	edgesNode,
	nodeItems,
	profile,
	runAsyncParameters,
	urlsToItemsNode,
	webhookNode,
	type CredentialRef,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
} from './support';
import { EdgesSimulator } from '../test/simulator';
import { apiClient } from '../test/simulator/testkit';

/** n8n's WaitTracker polls every 60 s: the resume can come up to ~63 s after parking, plus load. */
const RESUME_TIMEOUT_MS = 100_000;

function noOpNode(name = 'After Wait'): N8nNode {
	return {
		name,
		type: NODE_TYPES.noOp,
		typeVersion: 1,
		position: [1760, 200],
		parameters: {},
	};
}

describe('Wait for Completion in a real n8n: the Maximum Wait passes before Edges calls back', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(62));
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	it(
		'n8n resumes on its own with one wait_timed_out item per input item, paired; the late callback changes nothing',
		async () => {
			const path = `wait-timeout-${randomUUID()}`;
			const workflow = await t.api.createWorkflow({
				name: 'Wait timeout',
				nodes: [
					webhookNode(path),
					urlsToItemsNode(),
					edgesNode(
						cred,
						runAsyncParameters({
							waitForCompletion: true,
							waitOutput: 'outputs',
							// 0.05 minutes = 3 s: a fraction is accepted (the parameter is a plain number, minValue 0).
							maxWait: 0.05,
							maxWaitUnit: 'minutes',
						}),
					),
					noOpNode(),
				],
				connections: chain('Start', 'Profiles', 'Edges', 'After Wait'),
			});
			await t.api.activateWorkflow(workflow.id);

			// Edges keeps the run RUNNING: no final callback comes before the deadline.
			sim.holdRuns(true);
			const urls = ['uma', 'vic', 'wes'].map(profile);
			expect((await postWebhook(t.n8n.webhookUrl(path), { urls })).status).toBe(200);

			const [waiting] = await t.api.waitForExecutions(workflow.id, 1, { statuses: ['waiting'] });
			const [created] = nodeOutput(waiting, 'Edges');
			expect(created).toMatchObject({ input_count: 3, first_item: 0, last_item: 2 });
			const runUid = created.run_uid as string;
			expect(sim.run(runUid)).toMatchObject({ status: 'RUNNING', held: true });
			expect(sim.run(runUid)?.callback).toMatchObject({
				on: 'final',
				url: expect.stringContaining(`/webhook-waiting/${waiting.id}?signature=`),
			});
			const resumeUrl = (sim.run(runUid)?.callback as { url: string }).url;
			expect(waiting.data?.resultData).toMatchObject({ metadata: { edges_runs: `${runUid}@0-2` } });
			// The deadline n8n parks until is Maximum Wait after the node ran: 3 s.
			const waitTill = new Date(waiting.waitTill as string);
			const parkedFor = waitTill.getTime() - new Date(waiting.startedAt).getTime();
			expect(parkedFor).toBeGreaterThan(2_000);
			expect(parkedFor).toBeLessThan(6_000);
			const parkedAt = sim.requests.length;

			// n8n resumes the execution by itself once its WaitTracker sees the passed deadline.
			const [done] = await t.api.waitForExecutions(workflow.id, 1, {
				timeoutMs: RESUME_TIMEOUT_MS,
				intervalMs: 500,
			});
			expect(done.id).toBe(waiting.id);
			expect(executionError(done)).toBeUndefined();
			expect(done.status).toBe('success');
			expect(sim.run(runUid)?.status).toBe('RUNNING');
			// The node's code did not run on the resume: nobody asked Edges anything.
			expect(sim.requests.slice(parkedAt)).toEqual([]);

			// The parked run of the node was replaced by the resumed one (one run, not two).
			expect(done.data?.resultData.runData.Edges).toHaveLength(1);
			// Exactly one item per input item, each saying the wait timed out, paired to its input in order.
			const items = nodeItems(done, 'Edges');
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			for (const item of items) {
				expect(item.json).toEqual({
					wait_timed_out: true,
					run_uid: runUid,
					action: 'linkedin-extract-people',
					waited_until: waitTill.toISOString(),
					message: expect.stringContaining(runUid),
				});
			}
			// The next node got them.
			expect(nodeOutput(done, 'After Wait')).toEqual(items.map((i) => i.json));

			// Edges ends the run at last and delivers its final callback to the resume URL, as it would.
			const before = await t.api.getExecution(done.id);
			const requestsBefore = sim.requests.length;
			await sim.finishRun(runUid, { status: 'SUCCEEDED' });
			const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
			expect(deliveries.map((d) => d.url)).toEqual(deliveries.map(() => resumeUrl));
			// n8n answers 409 "has finished already" to the first attempt and to both retries. That is right: the
			// workflow already went on with the timeout items, and running webhook() now would run the rest of the
			// workflow a second time for the same input items. The run's results stay in Edges (Run › Get Outputs);
			// the 409 makes Edges record the callback as FAILED, which is what it was: too late.
			expect(deliveries.map((d) => d.status)).toEqual([409, 409, 409]);

			// Nothing new started, the finished execution is as it was, and webhook() did not run (it would
			// have asked Edges for the run first).
			expect(sim.requests.slice(requestsBefore)).toEqual([]);
			const all = await t.api.listExecutions(workflow.id);
			expect(all.map((e) => e.id)).toEqual([done.id]);
			const after: Execution = await t.api.getExecution(done.id);
			expect(after).toEqual(before);
			const { data: record } = await apiClient(sim).get(
				`/runs/callbacks/${deliveries[0].callbackUid}`,
			);
			expect(record).toMatchObject({
				status: 'FAILED',
				http_status: 409,
				http_response: { message: expect.stringContaining('has finished already') },
			});
		},
		RESUME_TIMEOUT_MS + 60_000,
	);
});
