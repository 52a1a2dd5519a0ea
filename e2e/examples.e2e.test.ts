/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Every example workflow in examples/*.json, imported into a real n8n 2.41.1 as `npm start` imports it
 * (credential "Edges account" wired in by name), then run against the Edges simulator, with assertions on
 * what n8n recorded. So an example that stops working fails here instead of rotting.
 *
 * Examples that start with a Manual Trigger (or a Schedule Trigger) are run the way the editor's
 * "Execute workflow" button runs them: `POST /rest/workflows/{id}/run` with the trigger to start from
 * (n8n's internal REST API, with the owner's session; the public API has no "run" call).
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	REPO_ROOT,
	executionError,
	nodeOutput,
	postWebhook,
	type Execution,
	type N8nNode,
	type TestN8n,
	type Workflow,
	type WorkflowInput,
} from './harness';
import {
	TRIGGER_SECRET_HEADERS,
	eventually,
	executionsForRun,
	nodeItems,
	type CredentialRef,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
} from './support';
import { EdgesSimulator } from '../test/simulator';
import { apiClient, startRun } from '../test/simulator/testkit';

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const EXAMPLE_URLS = [
	'https://www.linkedin.com/in/ada-lovelace/',
	'https://www.linkedin.com/in/grace-hopper/',
	'https://www.linkedin.com/in/alan-turing/',
];

function readExample(file: string): WorkflowInput {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowInput;
}

describe('example workflows (examples/*.json) in a real n8n', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;
	const imported = new Map<string, Workflow>();

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(81));
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	afterEach(async () => {
		await sim.waitForIdle(30_000);
	});

	/** Imports an example the way scripts/start.ts does: Edges nodes get the credential. */
	async function importExample(file: string): Promise<Workflow> {
		const workflow = readExample(file);
		const nodes: N8nNode[] = workflow.nodes.map((node) =>
			node.credentials?.edgesApi ? { ...node, credentials: { edgesApi: cred } } : node,
		);
		const created = await t.api.createWorkflow({ ...workflow, nodes });
		imported.set(file, created);
		return created;
	}

	/** Runs a workflow from `trigger` like the editor's "Execute workflow" button; resolves with the execution id. */
	async function runManually(workflow: Workflow, trigger: string): Promise<string> {
		const result = await t.session.rest<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/workflows/${workflow.id}/run`,
			{ triggerToStartFrom: { name: trigger } },
		);
		if (!result?.executionId)
			throw new Error(`n8n did not start ${workflow.name}: ${JSON.stringify(result)}`);
		return result.executionId;
	}

	async function finishedExecution(id: string): Promise<Execution> {
		return await eventually(`execution ${id} to finish`, async () => {
			const execution = await t.api.getExecution(id);
			return ['success', 'error', 'crashed', 'canceled'].includes(execution.status)
				? execution
				: undefined;
		});
	}

	function triggerUrlOf(workflow: WorkflowInput, nodeName = 'Edges Trigger'): string {
		const trigger = workflow.nodes.find((n) => n.name === nodeName);
		if (!trigger?.webhookId)
			throw new Error(`${workflow.name} has no ${nodeName} with a webhookId`);
		return t.n8n.webhookUrl(`${trigger.webhookId}/edges`);
	}

	async function activateReceiver(workflow: Workflow): Promise<string> {
		await t.api.activateWorkflow(workflow.id);
		const url = triggerUrlOf(workflow);
		// Production webhooks answer a moment after activation; the trigger refuses an empty POST with 401.
		expect((await postWebhook(url, {})).status).toBe(401);
		return url;
	}

	it('every example is workflow JSON with a sticky note, its credential referenced by name only', () => {
		const files = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'));
		expect(files.sort()).toEqual([
			'1a-batch-enrichment-send.json',
			'1b-batch-enrichment-receive.json',
			'2-batch-enrichment-wait.json',
			'3-daily-callback-audit.json',
			'4-scheduled-run-owned-by-trigger.json',
		]);
		for (const file of files) {
			const workflow = readExample(file);
			expect(workflow.name).toMatch(/^Edges example /);
			expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
			for (const node of workflow.nodes.filter((n) => n.credentials)) {
				expect(node.credentials).toEqual({ edgesApi: { id: '', name: 'Edges account' } });
			}
		}
	});

	it('1. batch enrichment in two workflows: send starts one run, receive gets every result as a CSV row', async () => {
		const receive = await importExample('1b-batch-enrichment-receive.json');
		const send = await importExample('1a-batch-enrichment-send.json');
		const url = await activateReceiver(receive);

		const sent = await finishedExecution(await runManually(send, 'Run Example'));
		expect(executionError(sent)).toBeUndefined();
		const [created] = nodeOutput(sent, 'Start Edges Run');
		expect(created).toMatchObject({ input_count: 3, status: 'pending' });
		const runUid = created.run_uid as string;
		// The callback URL the example builds is the receiving trigger's production URL.
		expect(sim.run(runUid)?.callback).toMatchObject({ url, on: 'final' });

		const received = await eventually('the receiving execution', async () => {
			const [execution] = await executionsForRun(t.api, receive.id, runUid);
			return execution && execution.status !== 'running' && execution.status !== 'new'
				? execution
				: undefined;
		});
		expect(executionError(received)).toBeUndefined();
		const rows = nodeOutput(received, 'Shape Rows');
		expect(rows.map((r) => r.linkedin_profile_url).sort()).toEqual([...EXAMPLE_URLS].sort());
		for (const row of rows) {
			expect(row).toMatchObject({ run_uid: runUid, run_status: 'SUCCEEDED' });
			expect(row.full_name).toEqual(expect.any(String));
		}
		const [file] = nodeItems(received, 'Make CSV');
		expect(file.binary).toMatchObject({
			data: expect.objectContaining({ fileName: 'enriched-profiles.csv', mimeType: 'text/csv' }),
		});
	});

	it('2. batch enrichment with Wait for Completion: waits, resumes, one row per profile in input order', async () => {
		const workflow = await importExample('2-batch-enrichment-wait.json');
		const executionId = await runManually(workflow, 'Run Example');
		const done = await finishedExecution(executionId);
		expect(executionError(done)).toBeUndefined();

		const results = nodeItems(done, 'Enrich and Wait');
		expect(results.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const runUid = results[0].json.run_uid as string;
		// The run called the execution's resume URL, and the execution went on from there.
		expect(sim.run(runUid)?.callback?.url).toContain(`/webhook-waiting/${executionId}`);
		// A run that ends within milliseconds can call back before n8n has saved the execution as waiting:
		// n8n refuses that delivery (409 "running already", sometimes 500) and Edges' retry gets through.
		const statuses = sim.deliveries.filter((d) => d.runUid === runUid).map((d) => d.status);
		expect(statuses.at(-1)).toBe(200);
		expect(statuses.slice(0, -1).every((status) => (status ?? 0) >= 400)).toBe(true);

		const rows = nodeOutput(done, 'Shape Rows');
		expect(rows.map((r) => r.source)).toEqual(EXAMPLE_URLS);
		expect(rows.map((r) => r.linkedin_profile_url)).toEqual(EXAMPLE_URLS);
		for (const row of rows) expect(row).toMatchObject({ run_uid: runUid, run_status: 'SUCCEEDED' });
		expect(nodeItems(done, 'Make CSV')[0].binary).toMatchObject({
			data: expect.objectContaining({ fileName: 'enriched-profiles.csv' }),
		});
	});

	it('3. daily callback audit: replays what it may, skips replays and exhausted originals, reports the rest', async () => {
		// The receiving workflow of example 1 is down (inactive): Edges' callbacks to it fail.
		const receive = imported.get('1b-batch-enrichment-receive.json') as Workflow;
		const url = triggerUrlOf(receive);
		await t.api.deactivateWorkflow(receive.id);
		await eventually('the receiver to stop listening', async () =>
			(await postWebhook(url, {}, { timeoutMs: 0 })).status === 404 ? true : undefined,
		);
		const api = apiClient(sim);
		const send = async (handle: string) =>
			await startRun(api, 'linkedin-extract-people', {
				inputs: [{ linkedin_profile_url: `https://www.linkedin.com/in/${handle}/` }],
				callback: { url, headers: TRIGGER_SECRET_HEADERS, on: 'final' },
			});
		const recoverable = await send('rosa-parks');
		const exhausted = await send('nikola-tesla');
		await sim.waitForIdle();
		const originalOf = async (runUid: string) => {
			const { data } = await api.get(`/runs/callbacks?run_uid=${runUid}&limit=100`);
			const records = data as Array<{ uid: string; status: string; parent_uid: string | null }>;
			expect(records).toEqual([expect.objectContaining({ status: 'FAILED', parent_uid: null })]);
			return records[0].uid;
		};
		const recoverableCallback = await originalOf(recoverable);
		const exhaustedCallback = await originalOf(exhausted);
		// Somebody already replayed one of them 3 times while the receiver was still down.
		for (let i = 0; i < 3; i++) {
			expect((await api.post(`/runs/callbacks/${exhaustedCallback}/replay`)).status).toBe(200);
			await sim.waitForIdle();
		}

		// The receiver is fixed; the audit runs.
		await activateReceiver(receive);
		const audit = await importExample('3-daily-callback-audit.json');
		const first = await finishedExecution(await runManually(audit, 'Every Day at 07:00'));
		expect(executionError(first)).toBeUndefined();

		// The replays (FAILED too, parent_uid set) were not candidates; both originals were.
		const originals = nodeOutput(first, 'Failed Originals, Last 24 h').map((c) => c.uid);
		expect(originals.sort()).toEqual([recoverableCallback, exhaustedCallback].sort());
		expect(nodeOutput(first, 'Decide')).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					callback_uid: recoverableCallback,
					decision: 'replay',
					replays_done: 0,
				}),
				expect.objectContaining({
					callback_uid: exhaustedCallback,
					decision: 'limit_reached',
					replays_done: 3,
				}),
			]),
		);
		expect(nodeOutput(first, 'Replay Callback')).toEqual([
			expect.objectContaining({ parent_uid: recoverableCallback, run_uid: recoverable }),
		]);
		expect(nodeOutput(first, 'Not Recovered')).toEqual([
			expect.objectContaining({
				callback_uid: exhaustedCallback,
				run_uid: exhausted,
				reason: expect.stringContaining('replayed 3 times already'),
			}),
		]);
		// The replay reached the receiving workflow: the run's results arrived after all.
		const [recovered] = await eventually('the replayed callback to run the receiver', async () => {
			const found = await executionsForRun(t.api, receive.id, recoverable);
			return found.length && found[0].status === 'success' ? found : undefined;
		});
		expect(nodeOutput(recovered, 'Shape Rows').map((r) => r.linkedin_profile_url)).toEqual([
			'https://www.linkedin.com/in/rosa-parks/',
		]);

		// The next day: the replayed one is recovered (its replay says SUCCESS), only the other is reported.
		await sim.waitForIdle();
		const second = await finishedExecution(await runManually(audit, 'Every Day at 07:00'));
		expect(executionError(second)).toBeUndefined();
		expect(nodeOutput(second, 'Decide')).toEqual([
			expect.objectContaining({ callback_uid: exhaustedCallback, decision: 'limit_reached' }),
		]);
		expect(second.data?.resultData.runData['Replay Callback']).toBeUndefined();
		expect(nodeOutput(second, 'Not Recovered').map((r) => r.callback_uid)).toEqual([
			exhaustedCallback,
		]);
	});

	it('4. a schedule owned by the trigger: created on activation, its runs read, cancelled on deactivation', async () => {
		const workflow = await importExample('4-scheduled-run-owned-by-trigger.json');
		const api = apiClient(sim);
		await activateReceiver(workflow);
		const url = triggerUrlOf(workflow);
		const schedule = await eventually('the schedule created on activation', async () => {
			const { data } = await api.get('/schedules?status=ACTIVE&limit=100');
			return (data as Array<{ uid: string; callback?: { url: string } }>).find(
				(s) => s.callback?.url === url,
			);
		});
		expect(schedule).toMatchObject({ cron: '0 8 * * 1', timezone: 'Europe/Paris' });

		const runUid = await sim.fireSchedule(schedule.uid);
		const [execution] = await eventually('the scheduled run to reach the workflow', async () => {
			const found = await executionsForRun(t.api, workflow.id, runUid);
			return found.length && found[0].status === 'success' ? found : undefined;
		});
		expect(nodeOutput(execution, 'Edges Trigger')[0]).toMatchObject({
			status: 'SUCCEEDED',
			scheduled_run_uid: schedule.uid,
		});
		expect(nodeOutput(execution, 'Edges Run Outputs').map((o) => o.linkedin_profile_url)).toEqual([
			'https://www.linkedin.com/in/ada-lovelace/',
			'https://www.linkedin.com/in/grace-hopper/',
		]);

		await t.api.deactivateWorkflow(workflow.id);
		await eventually('the schedule to be cancelled', async () => {
			const { data } = await api.get(`/schedules/${schedule.uid}`);
			return (data as { status: string }).status === 'CANCELLED' ? true : undefined;
		});
	});
});
