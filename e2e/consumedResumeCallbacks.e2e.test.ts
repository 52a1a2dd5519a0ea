/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Issue 14, point 5: a run that ends before Wait for Completion parks. The node reads it at once (the check
 * before parking), so the execution goes on and needs no callback; Edges' final callback to the execution's
 * resume URL is then refused by n8n and shows up FAILED in Edges' history. This file shows, in a real
 * n8n 2.41.1:
 *   1. where n8n's "Cannot read properties of undefined (reading 'resumeToken')" comes from: any POST to
 *      the resume URL of an execution started from the editor, while it runs, with no node of ours in it;
 *   2. what the user then sees in Edges' history, and that the daily callback audit (example 3) does not
 *      spend replays on such callbacks once n8n has said their execution is over;
 *   3. that the audit still replays every other failed callback.
 *
 * The simulator makes one delivery attempt per callback, so what n8n answered to each attempt is known:
 * the attempt leaves while the Edges node is still running (the run ends before its creation is answered).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

import {
	NODE_TYPES,
	REPO_ROOT,
	executionError,
	nodeOutput,
	postWebhook,
	startTestN8n,
	type Execution,
	type N8nNode,
	type TestN8n,
	type Workflow,
	type WorkflowInput,
} from './harness';
import {
	credentialRef,
	eventually,
	nodeItems,
	stopSimulatedEdgesInN8n,
	type CredentialRef,
} from './support';
import { DEFAULT_API_KEY, EdgesSimulator } from '../test/simulator';
import { apiClient, startRun } from '../test/simulator/testkit';

interface CallbackRecord {
	uid: string;
	parent_uid: string | null;
	status: string;
	callback_url: string;
	http_status: number | null;
	http_response: unknown;
	created_at: string;
}

const RESUME_TOKEN_ERROR = "Cannot read properties of undefined (reading 'resumeToken')";

describe('callbacks to a Wait for Completion that went on without them (real n8n)', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({
			seed: 145,
			stepMs: 5,
			callbackRetry: { attempts: 1, delayMs: 20 },
		});
		t = await startTestN8n();
		cred = credentialRef(
			await t.api.createEdgesCredential({ apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl }),
		);
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	afterEach(async () => {
		sim.endRunsOnCreation(null);
		await sim.waitForIdle(30_000);
	});

	async function importExample(file: string): Promise<Workflow> {
		const workflow = JSON.parse(
			fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'),
		) as WorkflowInput;
		const nodes: N8nNode[] = workflow.nodes.map((node) =>
			node.credentials?.edgesApi ? { ...node, credentials: { edgesApi: cred } } : node,
		);
		return await t.api.createWorkflow({ ...workflow, nodes });
	}

	/** What the editor's "Execute workflow" button does; resolves with the execution id. */
	async function runManually(workflow: Workflow, trigger: string): Promise<string> {
		const result = await t.session.rest<{ executionId?: string }>(
			'POST',
			`/workflows/${workflow.id}/run`,
			{ triggerToStartFrom: { name: trigger } },
		);
		if (!result?.executionId) throw new Error(`n8n did not start ${workflow.name}`);
		return result.executionId;
	}

	async function finished(id: string): Promise<Execution> {
		return await eventually(`execution ${id} to finish`, async () => {
			const execution = await t.api.getExecution(id);
			return ['success', 'error', 'crashed', 'canceled'].includes(execution.status)
				? execution
				: undefined;
		});
	}

	async function history(runUid: string): Promise<CallbackRecord[]> {
		const { data } = await apiClient(sim).get(`/runs/callbacks?run_uid=${runUid}&limit=100`);
		return data as CallbackRecord[];
	}

	const resumeUrl = (executionId: string) => `${t.n8n.baseUrl}/webhook-waiting/${executionId}`;

	/** A node's items, or none when the node did not run (n8n skips nodes that get no items). */
	const outputOf = (execution: Execution, node: string) =>
		execution.data?.resultData.runData[node] ? nodeOutput(execution, node) : [];

	it("1. n8n's own: a POST to the resume URL of an editor execution that is still running fails inside n8n", async () => {
		// No Edges node, no Wait: a Code node that keeps the execution running for 5 s.
		const workflow = await t.api.createWorkflow({
			name: 'busy for 5 s',
			nodes: [
				{
					name: 'Run',
					type: NODE_TYPES.manualTrigger,
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					name: 'Busy',
					type: NODE_TYPES.code,
					typeVersion: 2,
					position: [220, 0],
					parameters: {
						jsCode:
							'const end = Date.now() + 5000;\nwhile (Date.now() < end) {}\nreturn [{ json: { resumeUrl: $execution.resumeUrl } }];',
					},
				},
			],
			connections: { Run: { main: [[{ node: 'Busy', type: 'main', index: 0 }]] } },
		});
		const id = await runManually(workflow, 'Run');

		// While it runs: n8n fails before it looks at any token or node (waiting-webhooks.js reads
		// execution.data.resumeToken, and an editor execution has no data saved yet).
		const during = await postWebhook(resumeUrl(id), {}, { timeoutMs: 0 });
		expect(during.status).toBe(500);
		expect(JSON.stringify(during.body)).toContain(RESUME_TOKEN_ERROR);
		expect(t.n8n.readLog()).toContain(
			`Error in handling webhook request POST /webhook-waiting/${id}: ${RESUME_TOKEN_ERROR}`,
		);
		expect((await t.api.getExecution(id)).status).toBe('running');

		// Once it has finished (and saved its data), a POST with its signed resume URL is a plain 409.
		const done = await finished(id);
		expect(done.status).toBe('success');
		const [{ resumeUrl: signed }] = nodeOutput(done, 'Busy');
		expect(signed).toContain(`/webhook-waiting/${id}?signature=`);
		const after = await postWebhook(signed as string, {}, { timeoutMs: 0 });
		expect(after.status).toBe(409);
		expect(JSON.stringify(after.body)).toContain('has finished already');
	});

	it('2. a run that ends at once: the execution goes on, Edges lists the callback FAILED, the audit replays it at most once', async () => {
		sim.endRunsOnCreation('SUCCEEDED');
		const wait = await importExample('2-batch-enrichment-wait.json');
		const executionId = await runManually(wait, 'Run Example');
		const done = await finished(executionId);
		sim.endRunsOnCreation(null);
		expect(executionError(done)).toBeUndefined();
		const results = nodeItems(done, 'Enrich and Wait');
		expect(results).toHaveLength(3);
		const runUid = results[0].json.run_uid as string;
		expect(results.every((item) => item.json.status === 'SUCCEEDED')).toBe(true);

		// What the user sees in Edges' history: the run's one final callback, FAILED, to the resume URL, with
		// n8n's 500 (the execution, started from the editor, was still running). Nothing was lost.
		await sim.waitForIdle();
		const [original, ...others] = await history(runUid);
		expect(others).toEqual([]);
		expect(original).toMatchObject({ status: 'FAILED', parent_uid: null, http_status: 500 });
		expect(original.callback_url).toContain(`/webhook-waiting/${executionId}?signature=`);
		expect(JSON.stringify(original.http_response)).toContain(RESUME_TOKEN_ERROR);

		// The audit cannot tell yet whether that execution is waiting (a run ending between the check and
		// n8n's save leaves one waiting): it replays once, and n8n answers that the execution is over.
		const audit = await importExample('3-daily-callback-audit.json');
		const first = await finished(await runManually(audit, 'Every Day at 07:00'));
		expect(executionError(first)).toBeUndefined();
		expect(nodeOutput(first, 'Decide')).toContainEqual(
			expect.objectContaining({ callback_uid: original.uid, decision: 'replay' }),
		);
		await sim.waitForIdle();
		const [, replay] = await history(runUid);
		expect(replay).toMatchObject({ parent_uid: original.uid, status: 'FAILED', http_status: 409 });
		expect(JSON.stringify(replay.http_response)).toContain('has finished already');

		// From then on the audit leaves it alone: not replayed again, not reported as unrecovered.
		for (let day = 0; day < 2; day++) {
			const next = await finished(await runManually(audit, 'Every Day at 07:00'));
			expect(executionError(next)).toBeUndefined();
			expect(nodeOutput(next, 'Failed Originals, Last 24 h').map((c) => c.uid)).toContain(
				original.uid,
			);
			expect(nodeOutput(next, 'Decide').map((d) => d.callback_uid)).not.toContain(original.uid);
			expect(outputOf(next, 'Not Recovered').map((d) => d.callback_uid)).not.toContain(
				original.uid,
			);
		}
		await sim.waitForIdle();
		expect(await history(runUid)).toHaveLength(2);
	});

	it('3. the audit skips a callback n8n answered "has finished already" without a replay, and still replays the others', async () => {
		// A finished execution, and two runs calling back: one to its resume URL, one to a webhook that is gone.
		const workflow = await t.api.createWorkflow({
			name: 'done at once',
			nodes: [
				{
					name: 'Run',
					type: NODE_TYPES.manualTrigger,
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					name: 'Resume URL',
					type: NODE_TYPES.code,
					typeVersion: 2,
					position: [220, 0],
					parameters: { jsCode: 'return [{ json: { resumeUrl: $execution.resumeUrl } }];' },
				},
			],
			connections: { Run: { main: [[{ node: 'Resume URL', type: 'main', index: 0 }]] } },
		});
		const over = await finished(await runManually(workflow, 'Run'));
		const [{ resumeUrl: overUrl }] = nodeOutput(over, 'Resume URL');
		const api = apiClient(sim);
		const input = [{ linkedin_profile_url: 'https://www.linkedin.com/in/ada-lovelace/' }];
		const toResumeUrl = await startRun(api, 'linkedin-extract-people', {
			inputs: input,
			callback: { url: overUrl as string, on: 'final' },
		});
		const toGoneWebhook = await startRun(api, 'linkedin-extract-people', {
			inputs: input,
			callback: { url: t.n8n.webhookUrl(`gone-${randomUUID()}`), on: 'final' },
		});
		await sim.waitForIdle();
		const [finishedRefusal] = await history(toResumeUrl);
		expect(finishedRefusal).toMatchObject({ status: 'FAILED', http_status: 409 });
		expect(JSON.stringify(finishedRefusal.http_response)).toContain('has finished already');
		const [goneRefusal] = await history(toGoneWebhook);
		expect(goneRefusal).toMatchObject({ status: 'FAILED', http_status: 404 });

		const audit = await importExample('3-daily-callback-audit.json');
		const run = await finished(await runManually(audit, 'Every Day at 07:00'));
		expect(executionError(run)).toBeUndefined();
		expect(nodeOutput(run, 'Failed Originals, Last 24 h').map((c) => c.uid)).toEqual(
			expect.arrayContaining([finishedRefusal.uid, goneRefusal.uid]),
		);
		const decided = nodeOutput(run, 'Decide');
		expect(decided.map((d) => d.callback_uid)).not.toContain(finishedRefusal.uid);
		expect(decided).toContainEqual(
			expect.objectContaining({ callback_uid: goneRefusal.uid, decision: 'replay' }),
		);
		expect(outputOf(run, 'Replay Callback').map((r) => r.parent_uid)).toContain(goneRefusal.uid);
		await sim.waitForIdle();
		expect(await history(toResumeUrl)).toHaveLength(1);
		expect(await history(toGoneWebhook)).toHaveLength(2);
	});
});
