/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test-only code: it never ships in the package */
/**
 * What both queue-mode test files share: the stack (simulator, queue-mode n8n behind nginx, an Edges
 * credential), callbacks posted straight through the proxy, and readers of what n8n recorded.
 */
import { randomUUID } from 'node:crypto';

import {
	makeTempDir,
	packOnce,
	postWebhook,
	stopAll,
	type Execution,
	type N8nApi,
	type WebhookResponse,
} from '../harness';
import { startQueueStack, type QueueStack, type WebhookRouting } from '../harness/queue';
import { TRIGGER_SECRET_HEADERS, credentialRef, type CredentialRef } from '../support';
import { DEFAULT_API_KEY, EdgesSimulator } from '../../test/simulator';

export interface QueueTestStack {
	sim: EdgesSimulator;
	stack: QueueStack;
	cred: CredentialRef;
}

export async function startQueueTestStack(
	seed: number,
	routing: WebhookRouting,
): Promise<QueueTestStack> {
	const sim = await EdgesSimulator.start({ seed, stepMs: 5 });
	let stack: QueueStack;
	try {
		stack = await startQueueStack({
			tarball: await packOnce(),
			dir: makeTempDir('n8n-nodes-edges-queue-'),
			postgresDir: makeTempDir('n8n-nodes-edges-pg-'),
			routing,
		});
	} catch (error) {
		await sim.stop();
		throw error;
	}
	process.stderr.write(
		`queue stack (${routing}) ready in ${(stack.readyMs / 1000).toFixed(1)} s; RSS MiB ${JSON.stringify(
			stack.memoryMiB(),
		)}\n`,
	);
	const cred = credentialRef(
		await stack.api.createEdgesCredential({ apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl }),
	);
	return { sim, stack, cred };
}

export async function stopQueueTestStack(sim: EdgesSimulator | undefined): Promise<void> {
	if (refusedWith503.count) {
		process.stderr.write(
			`deliveries n8n refused with 503 and were sent again: ${refusedWith503.count}\n`,
		);
	}
	await sim?.stop();
	await stopAll();
}

/** A final callback as Edges sends it, for a run of the simulator. */
export function finalCallback(runUid: string, ref: string = randomUUID()) {
	return {
		ref,
		body: {
			callback_ref_uid: ref,
			run: { run_uid: runUid, batch_uid: randomUUID(), status: 'SUCCEEDED' },
			input: null,
			custom_data: null,
			error: null,
			results: null,
		},
	};
}

/** How many deliveries n8n refused with 503 and were sent again (see `deliver`). */
export const refusedWith503 = { count: 0 };

/**
 * POSTs a callback to `url` (through the proxy) with the trigger's secret, as Edges delivers it: sent again
 * while n8n answers 503. Under a burst on two shared cores n8n's database health check can time out, and
 * n8n then answers every request 503 "Database is not ready!" for a moment, before any node runs; Edges
 * retries such a delivery, with the same ref.
 */
export async function deliver(
	url: string,
	callback: ReturnType<typeof finalCallback>,
): Promise<WebhookResponse & { servedBy: string | null }> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await postWebhook(url, callback.body, {
			headers: { 'x-callback-ref': callback.ref, ...TRIGGER_SECRET_HEADERS },
			// a burst of 100 requests on two shared cores: answers can take long, and an abandoned request
			// would look like a lost answer to the test (Edges would retry it; the test must not)
			requestTimeoutMs: 300_000,
		});
		if (response.status !== 503 || Date.now() > deadline) {
			return { ...response, servedBy: response.headers.get('x-served-by') };
		}
		refusedWith503.count++;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** The trigger items of every execution of a workflow, one list per execution. */
export function triggerItems(executions: Execution[], node = 'Edges Trigger') {
	return executions.map((e) =>
		(e.data?.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((i) => i.json),
	);
}

/** The trigger's part of the workflow's static data, as n8n saved it. */
export async function triggerState(
	api: N8nApi,
	workflowId: string,
): Promise<{ seen?: string; [key: string]: unknown }> {
	const workflow = await api.getWorkflow(workflowId);
	const all = (workflow.staticData ?? {}) as Record<string, Record<string, unknown>>;
	return (all['node:Edges Trigger'] ?? {}) as { seen?: string };
}

/** Every execution of a workflow once none is new or running: what a run of callbacks ended in. */
export async function settledExecutions(
	api: N8nApi,
	workflowId: string,
	atLeast: number,
	timeoutMs = 120_000,
): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = await api.listExecutions(workflowId, { includeData: true });
		const unsettled = all.filter((e) => ['new', 'running', 'unknown'].includes(e.status));
		if (all.length >= atLeast && unsettled.length === 0) {
			return all.sort((a, b) => Number(a.id) - Number(b.id));
		}
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: ${all.length} execution(s), ${unsettled.length} unsettled, expected >= ${atLeast}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
