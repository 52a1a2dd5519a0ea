/**
 * Runs of any size in a real n8n: Edges Run Outputs with Output "Files (Any Size)" writes its files into
 * n8n's own binary data (on disk, n8n 2.x's default), and n8n's Extract from File takes them as they are:
 * every result comes back, once, in order. Also the guard: item output refuses a run over "Max Results in
 * Memory" before reading it.
 */
import {
	chain,
	eventually,
	nodeItems,
	runOutputsNode,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
	webhookNode,
	type CredentialRef,
} from './support';
import { executionError, postWebhook, type N8nNode, type TestN8n } from './harness';
import { referenceOutputs } from '../test/runOutputs/support';
import type { EdgesSimulator } from '../test/simulator';

const extractFromFile = (name: string, operation: 'fromJson' | 'text'): N8nNode => ({
	name,
	type: 'n8n-nodes-base.extractFromFile',
	typeVersion: 1,
	position: [900, 0],
	parameters: { operation, binaryPropertyName: 'data', options: {} },
});

describe('Files (Any Size) in a real n8n', () => {
	let sim: EdgesSimulator;
	let t: TestN8n;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(15));
	});
	afterAll(async () => {
		await stopSimulatedEdgesInN8n(sim);
	});

	async function run(path: string, nodes: N8nNode[], names: string[], body: object) {
		const workflow = await t.api.createWorkflow({
			name: `Files: ${path}`,
			nodes,
			connections: chain(...names),
		});
		await t.api.activateWorkflow(workflow.id);
		expect((await postWebhook(t.n8n.webhookUrl(path), body)).status).toBe(200);
		const [summary] = await t.api.waitForExecutions(workflow.id, 1, { timeoutMs: 120_000 });
		return await eventually('the execution with its data', async () => {
			const full = await t.api.getExecution(summary.id, true);
			return full.data ? full : undefined;
		});
	}

	it('JSON Array files: Extract from File (From JSON) gives back every result, in order', async () => {
		const runUid = sim.seedRun({ outputs: 2_500, outputBytes: 300 });
		const execution = await run(
			'files-json',
			[
				webhookNode('files-json'),
				runOutputsNode(cred, {
					runUid: '={{ $json.body.run_uid }}',
					output: 'files',
					fileFormat: 'json',
					resultsPerFile: 1_000,
				}),
				extractFromFile('Extract', 'fromJson'),
			],
			['Start', 'Edges Run Outputs', 'Extract'],
			{ run_uid: runUid },
		);
		expect(executionError(execution)).toBeUndefined();
		const parts = nodeItems(execution, 'Edges Run Outputs');
		expect(parts.map((p) => p.json.count)).toEqual([1000, 1000, 500]);
		// on disk, by reference: the execution holds no file content
		for (const part of parts) {
			const binary = (part.binary as Record<string, { id?: string; data?: string }>).data;
			expect(binary.id).toMatch(/^filesystem/);
		}
		const extracted = nodeItems(execution, 'Extract').map(
			(item) => item.json.data as Array<Record<string, unknown>>,
		);
		const results = extracted.flat();
		expect(results).toHaveLength(2_500);
		expect(results).toEqual(await referenceOutputs(sim, runUid));
	});

	it('JSON Lines files: the text of each file is one result per line', async () => {
		const runUid = sim.seedRun({ outputs: 1_200, outputBytes: 200 });
		const execution = await run(
			'files-jsonl',
			[
				webhookNode('files-jsonl'),
				runOutputsNode(cred, {
					runUid: '={{ $json.body.run_uid }}',
					output: 'files',
					resultsPerFile: 500,
				}),
				extractFromFile('Extract', 'text'),
			],
			['Start', 'Edges Run Outputs', 'Extract'],
			{ run_uid: runUid },
		);
		expect(executionError(execution)).toBeUndefined();
		const lines = nodeItems(execution, 'Extract').flatMap((item) =>
			String(item.json.data)
				.split('\n')
				.filter((line) => line !== ''),
		);
		expect(lines).toHaveLength(1_200);
		expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(
			await referenceOutputs(sim, runUid),
		);
	});

	it('item output refuses a run over "Max Results in Memory" before reading it, with the way out', async () => {
		const runUid = sim.seedRun({ outputs: 100_001 });
		sim.clearRequests();
		const execution = await run(
			'files-guard',
			[webhookNode('files-guard'), runOutputsNode(cred, { runUid: '={{ $json.body.run_uid }}' })],
			['Start', 'Edges Run Outputs'],
			{ run_uid: runUid },
		);
		expect(executionError(execution)).toContain(
			`Edges run ${runUid} has 100,001 results, more than the 100,000 this node holds in memory`,
		);
		expect(sim.requests.filter((r) => r.path.endsWith(`/runs/${runUid}/outputs`))).toEqual([]);
	});
});
