/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Building blocks shared by the scenario and example e2e tests: node JSON for our three nodes and the
 * built-ins the workflows use, URLs of a trigger in a running n8n, and readers of recorded executions.
 */
import { randomUUID } from 'node:crypto';

import {
	NODE_TYPES,
	postWebhook,
	startTestN8n,
	stopAll,
	type Credential,
	type Execution,
	type N8nApi,
	type N8nNode,
	type TestN8n,
} from './harness';
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../nodes/shared/callbackSecret';
import { DEFAULT_API_KEY, EdgesSimulator } from '../test/simulator';
import { apiClient } from '../test/simulator/testkit';

export const profile = (handle: string) => `https://www.linkedin.com/in/${handle}/`;

/** The secret the Edges node adds for callbacks to an n8n webhook, for the default simulator key. */
export const TRIGGER_SECRET_HEADERS = {
	[CALLBACK_SECRET_HEADER]: deriveCallbackSecret(DEFAULT_API_KEY),
};

export type CredentialRef = { id: string; name: string };

export const credentialRef = (credential: Credential): CredentialRef => ({
	id: credential.id,
	name: credential.name,
});

/**
 * What every e2e file starts with: an Edges simulator (seeded, 5 ms a run step), a real n8n with the
 * package (started with `env` added to its environment), and an Edges credential aimed at the simulator.
 * `stop` ends all three.
 */
export async function startSimulatedEdgesInN8n(
	seed: number,
	options: { env?: Record<string, string> } = {},
) {
	const sim = await EdgesSimulator.start({ seed, stepMs: 5 });
	const t = await startTestN8n({ env: options.env });
	const cred = credentialRef(
		await t.api.createEdgesCredential({ apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl }),
	);
	return { sim, t, cred };
}

export async function stopSimulatedEdgesInN8n(sim: EdgesSimulator | undefined): Promise<void> {
	await sim?.stop();
	await stopAll();
}

let x = 0;
/** Positions only matter in the editor; keep nodes from stacking up. */
const at = (): [number, number] => [(x++ % 8) * 220, 0];

/** Webhook node (POST, answers at once): how the tests start a workflow through the public API. */
export function webhookNode(path: string, name = 'Start'): N8nNode {
	return {
		name,
		type: NODE_TYPES.webhook,
		typeVersion: 2,
		position: at(),
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** Code node turning the webhook body `{ urls: [...] }` into one item per URL: `{ url }`. */
export function urlsToItemsNode(name = 'Profiles'): N8nNode {
	return {
		name,
		type: NODE_TYPES.code,
		typeVersion: 2,
		position: at(),
		parameters: { jsCode: 'return $json.body.urls.map((url) => ({ json: { url } }));' },
	};
}

/** Edges node; `parameters` are the node's own (resource, operation, ...). */
export function edgesNode(
	credential: CredentialRef,
	parameters: Record<string, unknown>,
	name = 'Edges',
	extra: Partial<N8nNode> = {},
): N8nNode {
	return {
		name,
		type: NODE_TYPES.edges,
		typeVersion: 1,
		position: at(),
		webhookId: randomUUID(),
		parameters,
		credentials: { edgesApi: credential },
		...extra,
	};
}

/** Run Async of linkedin-extract-people with each item's `url` as the profile URL. */
export function runAsyncParameters(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		resource: 'action',
		operation: 'runAsync',
		action: { __rl: true, mode: 'slug', value: 'linkedin-extract-people' },
		inputSource: 'json',
		inputJson: '={{ JSON.stringify({ linkedin_profile_url: $json.url }) }}',
		options: {},
		...extra,
	};
}

/**
 * Edges Trigger, version 1 unless `extra` says otherwise (`typeVersion: 2`); `extraCredentials` are
 * selected next to the Edges credential (e.g. `edgesCallbackSecretApi`).
 */
export function triggerNode(
	credential: CredentialRef,
	parameters: Record<string, unknown> = {},
	name = 'Edges Trigger',
	extra: Partial<N8nNode> & { extraCredentials?: Record<string, CredentialRef> } = {},
): N8nNode & { webhookId: string } {
	const { extraCredentials, ...overrides } = extra;
	return {
		name,
		type: NODE_TYPES.edgesTrigger,
		typeVersion: 1,
		position: at(),
		webhookId: randomUUID(),
		parameters,
		credentials: { edgesApi: credential, ...extraCredentials },
		...overrides,
	};
}

export function runOutputsNode(
	credential: CredentialRef,
	parameters: Record<string, unknown> = {},
	name = 'Edges Run Outputs',
): N8nNode {
	return {
		name,
		type: NODE_TYPES.edgesRunOutputs,
		typeVersion: 1,
		position: at(),
		parameters,
		credentials: { edgesApi: credential },
	};
}

/** Set node (runs in n8n's main process) adding string fields computed by expressions. */
export function setNode(name: string, fields: Record<string, string>): N8nNode {
	return {
		name,
		type: NODE_TYPES.set,
		typeVersion: 3.4,
		position: at(),
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: Object.entries(fields).map(([field, value]) => ({
					id: randomUUID(),
					name: field,
					value,
					type: 'string',
				})),
			},
			includeOtherFields: true,
			options: {},
		},
	};
}

/** Split Out node: one item per element of the list in `field` of each incoming item. */
export function splitOutNode(field: string, name = 'Split Out'): N8nNode {
	return {
		name,
		type: NODE_TYPES.splitOut,
		typeVersion: 1,
		position: at(),
		parameters: { fieldToSplitOut: field, include: 'noOtherFields', options: {} },
	};
}

/** `connections` for a straight line of nodes. */
export function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Production URL of an Edges Trigger node (its webhook path is `edges`, under the node's webhookId). */
export function triggerUrl(t: TestN8n, trigger: { webhookId: string }): string {
	return t.n8n.webhookUrl(`${trigger.webhookId}/edges`);
}

/** The raw items (json + pairedItem) a node emitted in its last run. */
export function nodeItems(
	execution: Execution,
	nodeName: string,
): Array<{ json: Record<string, unknown>; pairedItem?: unknown; binary?: unknown }> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) {
		const ran = Object.keys(execution.data?.resultData.runData ?? {});
		throw new Error(
			`node "${nodeName}" did not run in execution ${execution.id} (ran: ${ran.join(', ')})`,
		);
	}
	return (runs[runs.length - 1].data?.main?.[0] ?? []) as Array<{
		json: Record<string, unknown>;
		pairedItem?: unknown;
		binary?: unknown;
	}>;
}

/** Executions of a workflow whose trigger item is about this run (newest last). */
export async function executionsForRun(
	api: N8nApi,
	workflowId: string,
	runUid: string,
	triggerName = 'Edges Trigger',
): Promise<Execution[]> {
	const all = await api.listExecutions(workflowId, { includeData: true });
	return all
		.filter((e) => {
			const items = e.data?.resultData.runData[triggerName]?.[0]?.data?.main?.[0] ?? [];
			return items.some((item) => item.json.run_uid === runUid);
		})
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** Polls until `check` returns a value (not undefined); the error names what was awaited. */
export async function eventually<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs = 30_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Deactivates a workflow whose Edges Trigger owns an Edges schedule and checks what the trigger's
 * `delete()` owes: the schedule cancelled with one POST and nothing else, and the trigger no longer
 * listening at `triggerUrl`. Resolves with the trigger's static data afterwards, for the caller's checks.
 */
export async function deactivateOwnedSchedule(
	api: N8nApi,
	sim: EdgesSimulator,
	workflow: { id: string; triggerUrl: string },
	scheduleUid: string,
	unregisterTimeoutMs = 30_000,
): Promise<Record<string, unknown>> {
	const beforeDeactivation = sim.requests.length;
	await api.deactivateWorkflow(workflow.id);
	await eventually('the schedule to be cancelled', async () => {
		const { data } = await apiClient(sim).get(`/schedules/${scheduleUid}`);
		return (data as { status: string }).status === 'CANCELLED' ? true : undefined;
	});
	expect(
		sim.requests
			.slice(beforeDeactivation)
			.filter((r) => r.method === 'POST')
			.map((r) => `${r.path} ${r.status}`),
	).toEqual([`/v1/schedules/${scheduleUid}/cancel 200`]);
	await eventually(
		'the trigger to stop listening',
		async () =>
			(await postWebhook(workflow.triggerUrl, {}, { timeoutMs: 0 })).status === 404
				? true
				: undefined,
		unregisterTimeoutMs,
	);
	const all = ((await api.getWorkflow(workflow.id)).staticData ?? {}) as Record<
		string,
		Record<string, unknown>
	>;
	return all['node:Edges Trigger'] ?? {};
}
