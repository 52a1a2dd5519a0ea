/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code: it reads n8n-core's logger, and never ships in the package */
// No secret (the API key, the callback secret derived from it, or one the user chose for the Edges Trigger)
// may appear in an error, a log line or an output item. n8n's logger is captured whole (every level), so a leak through logging cannot hide behind
// the log level the tests run with.
import { createRequire } from 'node:module';

import type * as BackendCommon from '@n8n/backend-common';
import type * as Di from '@n8n/di';
import type { INodeParameters } from 'n8n-workflow';

import { deriveCallbackSecret } from '../../nodes/shared/callbackSecret';
import { Edges } from '../../nodes/Edges/Edges.node';
import { EdgesRunOutputs } from '../../nodes/EdgesRunOutputs/EdgesRunOutputs.node';
import { runNode, type NodeRunResult } from '../helpers/n8nRunner';
import { TRIGGER_NODE_NAME, type WebhookHarness } from '../helpers/webhookHarness';
import { finalCallback, postToTrigger, startRun, startTrigger } from '../trigger/setup';
import { CallbackReceiver, DEFAULT_API_KEY, EdgesSimulator } from '../simulator';
import { runAsyncParams } from '../edges/support';

// The logger nodes get (`this.logger`) is the one of the copies of @n8n/di and @n8n/backend-common that
// n8n-core resolves: npm installs n8n-core its own, and a top-level import would capture another Logger.
const requireFromCore = createRequire(require.resolve('n8n-core'));
const { Logger } = requireFromCore('@n8n/backend-common') as typeof BackendCommon;
const { Container } = requireFromCore('@n8n/di') as typeof Di;

const logged: string[] = [];

function everythingVisible(result: NodeRunResult): string {
	const error = result.error;
	return JSON.stringify({
		outputs: result.outputs,
		error: error && {
			...error,
			message: error.message,
			description: error.description,
			context: error.context,
			stack: error.stack,
			cause: (error as { cause?: unknown }).cause,
		},
		logged,
	});
}

describe('no secret in errors, logs or items', () => {
	let sim: EdgesSimulator;
	let receiver: CallbackReceiver;

	beforeAll(async () => {
		// n8n's Logger turns the levels above its configured one into no-ops when it is created (with
		// N8N_LOG_LEVEL=warn, info and debug would never reach the capture), so it is created at debug.
		process.env.N8N_LOG_LEVEL = 'debug';
		// setInternalLogger is n8n's own seam for replacing the winston logger behind Logger.
		// Scoped loggers (Logger.scoped) log through a child of it.
		const capture = {
			log: (level: string, message: string, metadata: unknown) => {
				logged.push(`${level} ${message} ${JSON.stringify(metadata)}`);
			},
			child: () => capture,
		};
		(
			Container.get(Logger) as unknown as { setInternalLogger(logger: unknown): void }
		).setInternalLogger(capture);
		// The capture must see what n8n's logger is given, at every level.
		const logger = Container.get(Logger);
		logger.error('capture probe error');
		logger.warn('capture probe warn');
		logger.info('capture probe info');
		logger.debug('capture probe debug');
		expect(logged).toEqual(
			['error', 'warn', 'info', 'debug'].map((level) =>
				expect.stringContaining(`${level} capture probe ${level}`),
			),
		);
		logged.length = 0;
		sim = await EdgesSimulator.start({ stepMs: 1 });
		receiver = await CallbackReceiver.start();
	});

	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});

	beforeEach(() => {
		logged.length = 0;
	});

	afterEach(() => {
		// Whatever n8n or the nodes logged during the test was scanned with the rest.
		expect(logged.join('\n')).not.toContain(DEFAULT_API_KEY);
	});

	it('keeps a refused API key out of the error and the logs', async () => {
		const refusedKey = ['refused', 'key', 'visible', 'nowhere'].join('-');
		const result = await runNode({
			nodeType: new Edges(),
			parameters: { resource: 'workspace', operation: 'get' } as INodeParameters,
			credentials: { apiKey: refusedKey, baseUrl: sim.baseUrl },
		});
		expect(result.error?.message).toMatch(/401/);
		expect(everythingVisible(result)).not.toContain(refusedKey);
		// n8n-core's own lines reached the capture: it is the logger nodes and the engine write to.
		expect(logged.join('\n')).toContain('Workflow execution started');
	});

	it('keeps the key out of an error raised after a dropped connection', async () => {
		sim.injectFaults({ pathPrefix: '/workspaces', count: 10, kind: 'reset' });
		try {
			const result = await runNode({
				nodeType: new Edges(),
				parameters: { resource: 'workspace', operation: 'get' } as INodeParameters,
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			});
			expect(result.error).toBeDefined();
			expect(everythingVisible(result)).not.toContain(DEFAULT_API_KEY);
		} finally {
			sim.clearFaults();
		}
	});

	it('keeps the key and the derived callback secret out of the items of a started run', async () => {
		const callbackUrl = receiver.url.replace('/callback', '/webhook/edges');
		const result = await runNode({
			nodeType: new Edges(),
			parameters: runAsyncParams('linkedin-extract-people', {
				options: { callbackUrl, callbackOn: 'final' },
			}),
			input: [{ url: 'https://www.linkedin.com/in/ada/' }],
			credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
		});
		expect(result.error).toBeUndefined();
		const runUid = result.outputs[0][0].json.run_uid as string;
		// The secret did go to Edges, in callback.headers, as intended.
		expect(sim.run(runUid)?.callback?.headers['x-edges-callback-secret']).toBe(
			deriveCallbackSecret(DEFAULT_API_KEY),
		);
		const visible = everythingVisible(result);
		expect(visible).not.toContain(DEFAULT_API_KEY);
		expect(visible).not.toContain(deriveCallbackSecret(DEFAULT_API_KEY));
	});

	it('keeps the key out of the outputs read by Edges Run Outputs', async () => {
		const runUid = sim.seedRun({ outputs: 20 });
		const result = await runNode({
			nodeType: new EdgesRunOutputs(),
			parameters: { runUid },
			credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(20);
		expect(everythingVisible(result)).not.toContain(DEFAULT_API_KEY);
	});

	describe('Edges Trigger with a secret the user chose', () => {
		const chosenSecret = ['chosen', 'callback', 'secret', 'c0ffee'].join('-');
		const header = 'x-acme-secret';
		let harness: WebhookHarness | undefined;

		afterEach(async () => {
			sim.clearFaults();
			await harness?.stop();
			harness = undefined;
		});

		function everythingTheTriggerShowed(target: WebhookHarness, errors: unknown[] = []): string {
			return JSON.stringify({
				executions: target.executions,
				responses: target.responses,
				failed: target.failedExecutions.map(({ error }) => ({
					...error,
					message: error.message,
					description: (error as { description?: unknown }).description,
					stack: error.stack,
				})),
				staticData: target.staticData,
				errors: errors.map((e) => ({ ...(e as object), message: (e as Error).message })),
				logged,
			});
		}

		it('in the credential (version 2): accepted, refused, failed or not activated, the secret shows nowhere', async () => {
			harness = await startTrigger(
				sim,
				{ authentication: 'secretCredential' },
				{
					typeVersion: 2,
					otherCredentials: {
						edgesCallbackSecretApi: { headerName: header, secret: chosenSecret },
					},
				},
			);
			await harness.activate();
			const accepted = await startRun(sim, harness.webhookUrl, {
				headers: { [header]: chosenSecret },
			});
			await sim.waitForRun(accepted, ['SUCCEEDED']);
			await sim.waitForIdle();
			expect(harness.executions).toHaveLength(1);
			const refused = await postToTrigger(
				harness,
				JSON.stringify(finalCallback(accepted, 'SUCCEEDED', 'wrong')),
				{ [header]: `${chosenSecret}-wrong` },
			);
			expect(refused.status).toBe(401);
			sim.injectFaults({ kind: 'status', status: 503, pathPrefix: `/runs/${accepted}`, count: 3 });
			const failed = await postToTrigger(
				harness,
				JSON.stringify(finalCallback(accepted, 'SUCCEEDED', 'edges-down')),
				{ [header]: chosenSecret },
			);
			expect(failed.status).toBe(500);
			expect(harness.failedExecutions).toHaveLength(1);

			harness.updateCredential('edgesCallbackSecretApi', {
				headerName: header,
				secret: `${chosenSecret} `,
			});
			const notActivated = await harness.activate().catch((error: unknown) => error);
			expect((notActivated as Error).message).toMatch(/space/);

			const visible = everythingTheTriggerShowed(harness, [notActivated]);
			expect(visible).not.toContain(chosenSecret);
			expect(visible).not.toContain(DEFAULT_API_KEY);
		});

		it('in the node (version 1): still accepted, and activation logs how to move it, naming the workflow and node only', async () => {
			harness = await startTrigger(
				sim,
				{ authentication: 'custom', customSecret: chosenSecret, authHeaderName: header },
				{ workflowId: 'legacy-workflow-7' },
			);
			await harness.activate();
			const warnings = logged.filter((line) => line.startsWith('warn '));
			expect(warnings).toEqual([
				expect.stringContaining(
					`Edges Trigger "${TRIGGER_NODE_NAME}" in workflow "trigger test" (id legacy-workflow-7)`,
				),
			]);
			expect(warnings[0]).toContain('create an Edges Callback Secret API credential');

			const accepted = await startRun(sim, harness.webhookUrl, {
				headers: { [header]: chosenSecret },
			});
			await sim.waitForRun(accepted, ['SUCCEEDED']);
			await sim.waitForIdle();
			expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([accepted]);
			// The node parameter is in the workflow, which is the problem; the trigger adds it nowhere else.
			expect(everythingTheTriggerShowed(harness)).not.toContain(chosenSecret);
		});

		it('in the node (version 1): a name holding the secret is left out of the warning, not cut', async () => {
			harness = await startTrigger(
				sim,
				{ authentication: 'custom', customSecret: chosenSecret, authHeaderName: header },
				{ workflowId: `wf-${chosenSecret}` },
			);
			await harness.activate();
			const warnings = logged.filter((line) => line.startsWith('warn '));
			expect(warnings).toEqual([
				expect.stringContaining('An Edges Trigger keeps its callback secret in a node parameter'),
			]);
			expect(logged.join('\n')).not.toContain(chosenSecret);
		});
	});
});
