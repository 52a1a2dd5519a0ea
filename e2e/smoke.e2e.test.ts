/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Proves the e2e harness end to end: our packed package installed into a fresh n8n user folder the
 * way n8n installs community packages, n8n started, owner + API key, an `edgesApi` credential
 * accepted and tested by n8n against the Edges simulator, our node types loaded under their real names, and a webhook workflow of built-in nodes
 * activated through the public API and run by a POST.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
	N8nHttpError,
	README_TARBALL_INSTALL_ARGS,
	executionError,
	NODE_TYPES,
	REPO_ROOT,
	nodeOutput,
	postWebhook,
	startTestN8n,
	stopAll,
	type TestN8n,
} from './harness';
import { chain, credentialRef, edgesNode, webhookNode } from './support';
import { DEFAULT_API_KEY, EdgesSimulator } from '../test/simulator';

/** Node type names the package declares (its package.json `n8n.nodes`, as n8n names them). */
function declaredNodeTypes(): string[] {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return manifest.n8n.nodes
		.map((file) => path.basename(file, '.node.js'))
		.map((name) => `n8n-nodes-edges.${name.charAt(0).toLowerCase()}${name.slice(1)}`);
}

describe('e2e harness smoke test (real n8n)', () => {
	let t: TestN8n;
	let simulator: EdgesSimulator;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start();
		t = await startTestN8n();
	});

	afterAll(async () => {
		await simulator?.stop();
		await stopAll();
	});

	it('loads this package as a community package, under its real node type names', async () => {
		// n8n's own words first: they say why, when the package could not be loaded
		expect(t.n8n.packageLoadErrors()).toEqual([]);

		const nodeTypes = await t.session.loadedNodeTypes();
		expect(nodeTypes).toContain(NODE_TYPES.webhook);
		const declared = declaredNodeTypes();
		expect(nodeTypes).toEqual(
			expect.arrayContaining([
				NODE_TYPES.edges,
				NODE_TYPES.edgesTrigger,
				NODE_TYPES.edgesRunOutputs,
			]),
		);
		for (const type of declared) expect(nodeTypes).toContain(type);
		// loaded as a package, not through N8N_CUSTOM_EXTENSIONS (which names nodes CUSTOM.*)
		expect(nodeTypes.filter((name) => name.startsWith('CUSTOM.'))).toEqual([]);

		expect(await t.session.loadedCredentialTypes()).toContain('edgesApi');
	});

	it('accepts an edgesApi credential, and refuses an unknown credential type', async () => {
		const credential = await t.api.createEdgesCredential({
			apiKey: DEFAULT_API_KEY,
			baseUrl: simulator.baseUrl,
		});
		expect(credential).toMatchObject({ type: 'edgesApi', name: 'Edges account' });
		expect(credential.id).toBeTruthy();
		// n8n runs the credential's own test request (GET /workspaces) against the simulator
		expect(await t.api.testCredential(credential.id)).toMatchObject({ status: 'OK' });
		expect(simulator.requests).toContainEqual(
			expect.objectContaining({ method: 'GET', path: '/v1/workspaces', status: 200 }),
		);

		const refused = await t.api
			.createCredential({ name: 'x', type: 'noSuchCredentialType', data: {} })
			.then(() => undefined)
			.catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(N8nHttpError);
		expect((refused as N8nHttpError).status).toBe(400);
	});

	it('runs a webhook workflow of built-in nodes activated through the public API', async () => {
		const webhookPath = `smoke-${randomUUID()}`;
		const workflow = await t.api.createWorkflow({
			name: 'Smoke: Webhook -> NoOp',
			nodes: [
				{
					name: 'Webhook',
					type: NODE_TYPES.webhook,
					typeVersion: 2,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived' },
				},
				{
					name: 'NoOp',
					type: NODE_TYPES.noOp,
					typeVersion: 1,
					position: [220, 0],
					parameters: {},
				},
			],
			connections: { Webhook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		});
		expect(workflow.active).toBe(false);

		const activated = await t.api.activateWorkflow(workflow.id);
		expect(activated.active).toBe(true);

		const posted = { hello: 'edges', n: 42, nested: { list: [1, 2, 3] } };
		const response = await postWebhook(t.n8n.webhookUrl(webhookPath), posted);
		expect(response.status).toBe(200);

		const [execution] = await t.api.waitForExecutions(workflow.id, 1, { timeoutMs: 30_000 });
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');
		const [received] = nodeOutput(execution, 'Webhook');
		expect(received.body).toEqual(posted);
		expect(nodeOutput(execution, 'NoOp')).toEqual([received]);

		// deactivation unregisters the webhook (a moment after the call returns)
		await t.api.deactivateWorkflow(workflow.id);
		let status = 0;
		for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
			status = (await postWebhook(t.n8n.webhookUrl(webhookPath), {}, { timeoutMs: 0 })).status;
			if (status === 404) break;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(status).toBe(404);
	});

	it("runs a Code node in n8n's task runner (on the env's Node 24)", async () => {
		const webhookPath = `smoke-code-${randomUUID()}`;
		const workflow = await t.api.createWorkflow({
			name: 'Smoke: Webhook -> Code',
			nodes: [
				{
					name: 'Webhook',
					type: NODE_TYPES.webhook,
					typeVersion: 2,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived' },
				},
				{
					name: 'Code',
					type: NODE_TYPES.code,
					typeVersion: 2,
					position: [220, 0],
					parameters: {
						jsCode:
							'return $input.all().map((item) => ({ json: { doubled: item.json.body.n * 2, via: "code" } }));',
					},
				},
			],
			connections: { Webhook: { main: [[{ node: 'Code', type: 'main', index: 0 }]] } },
		});
		await t.api.activateWorkflow(workflow.id);
		expect((await postWebhook(t.n8n.webhookUrl(webhookPath), { n: 21 })).status).toBe(200);

		const [execution] = await t.api.waitForExecutions(workflow.id, 1, { timeoutMs: 60_000 });
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');
		const [out] = nodeOutput(execution, 'Code');
		expect(out).toEqual({ doubled: 42, via: 'code' });
		await t.api.deactivateWorkflow(workflow.id);
	});
});

describe("the README's tarball install (self-hosted n8n, before the package is on npm)", () => {
	let t: TestN8n;
	let simulator: EdgesSimulator;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start();
		t = await startTestN8n({ install: 'readme-tarball' });
	});

	afterAll(async () => {
		await simulator?.stop();
		await stopAll();
	});

	it('the README shows the command this test installs with', () => {
		const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
		expect(readme).toContain(
			`npm ${README_TARBALL_INSTALL_ARGS.join(' ')} /path/to/n8n-nodes-edges-`,
		);
	});

	it('n8n loads the package and runs its node code (Workspace › Get against the simulator)', async () => {
		expect(t.n8n.packageLoadErrors()).toEqual([]);
		expect(await t.session.loadedNodeTypes()).toEqual(
			expect.arrayContaining([
				NODE_TYPES.edges,
				NODE_TYPES.edgesTrigger,
				NODE_TYPES.edgesRunOutputs,
			]),
		);
		const credential = await t.api.createEdgesCredential({
			apiKey: DEFAULT_API_KEY,
			baseUrl: simulator.baseUrl,
		});
		const webhookPath = `smoke-tarball-${randomUUID()}`;
		const workflow = await t.api.createWorkflow({
			name: 'Smoke: tarball install',
			nodes: [
				webhookNode(webhookPath),
				edgesNode(credentialRef(credential), { resource: 'workspace', operation: 'get' }),
			],
			connections: chain('Start', 'Edges'),
		});
		await t.api.activateWorkflow(workflow.id);
		expect((await postWebhook(t.n8n.webhookUrl(webhookPath), {})).status).toBe(200);
		const [execution] = await t.api.waitForExecutions(workflow.id, 1, { timeoutMs: 60_000 });
		expect(executionError(execution)).toBeUndefined();
		const [workspace] = nodeOutput(execution, 'Edges');
		expect(workspace).toEqual(expect.objectContaining({ uid: expect.any(String) }));
	});
});
