/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Issue 13, the topology the README warns against: the same queue-mode stack, but nginx spreads
 * production webhooks round-robin over the two webhook processes (the README's configuration without its
 * `hash $request_uri consistent;` line). Exactly-once cannot hold there (see nodes/EdgesTrigger/sharing.ts);
 * the trigger must say so, in n8n's log and on the items it emits, from the first delivery a second
 * process serves.
 */
import { postWebhook } from '../harness';
import type { QueueStack } from '../harness/queue';
import { chain, eventually, runOutputsNode, triggerNode, type CredentialRef } from '../support';
import {
	deliver,
	finalCallback,
	settledExecutions,
	startQueueTestStack,
	stopQueueTestStack,
	triggerItems,
	triggerState,
} from './support';
import { refKey } from '../../nodes/EdgesTrigger/dedupe';
import { EdgesSimulator } from '../../test/simulator';

const WARNING = 'served by several webhook processes at once';

describe('queue mode behind nginx, trigger round-robin over two webhook processes', () => {
	let sim: EdgesSimulator;
	let stack: QueueStack;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, stack, cred } = await startQueueTestStack(132, 'round-robin'));
	});

	afterAll(() => stopQueueTestStack(sim));

	async function receiver(name: string) {
		const trigger = triggerNode(cred);
		const workflow = await stack.api.createWorkflow({
			name,
			nodes: [trigger, runOutputsNode(cred)],
			connections: chain('Edges Trigger', 'Edges Run Outputs'),
		});
		await stack.api.activateWorkflow(workflow.id);
		const url = stack.webhookUrl(`${trigger.webhookId}/edges`);
		// both processes must serve it before the test starts: round-robin sends these to each in turn
		for (let i = 0; i < 2; i++) {
			expect((await postWebhook(url, {}, { timeoutMs: 60_000 })).status).toBe(401);
		}
		return { workflow, url };
	}

	it('the warning appears at the first delivery served by a second process, in its log and on the item', async () => {
		const rx = await receiver('R1 detection');
		const served: Array<{ process: number; runUid: string }> = [];
		// One callback at a time, each one's static data saved before the next: the process that serves
		// the next one can see who served the previous ones.
		while (served.length < 6 && new Set(served.map((s) => s.process)).size < 2) {
			const callback = finalCallback(
				sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
			);
			const response = await deliver(rx.url, callback);
			expect(response.status).toBe(200);
			served.push({
				process: stack.webhookIndexOf(response.servedBy),
				runUid: callback.body.run.run_uid,
			});
			await eventually(
				'the ref in the saved static data',
				async () =>
					((await triggerState(stack.api, rx.workflow.id)).seen ?? '').includes(
						refKey(callback.ref),
					)
						? true
						: undefined,
				60_000,
			);
		}
		const firstProcess = served[0].process;
		const switchAt = served.findIndex((s) => s.process !== firstProcess);
		expect(switchAt).toBeGreaterThan(0);
		const secondProcess = served[switchAt].process;

		const executions = await settledExecutions(stack.api, rx.workflow.id, served.length);
		const itemOf = (runUid: string) =>
			triggerItems(executions)
				.flat()
				.find((item) => item.run_uid === runUid);
		// Before the switch: one process served everything, no warning.
		for (const s of served.slice(0, switchAt)) {
			expect(itemOf(s.runUid)).toBeDefined();
			expect(itemOf(s.runUid)).not.toHaveProperty('delivery_warning');
		}
		// The first delivery the second process served carries the warning, saying what to configure...
		expect(itemOf(served[switchAt].runUid)?.delivery_warning).toEqual(
			expect.stringContaining(WARNING),
		);
		expect(itemOf(served[switchAt].runUid)?.delivery_warning).toEqual(
			expect.stringContaining('hash $request_uri consistent;'),
		);
		// ...and the second process logged it, the first one did not (it has not served since).
		expect(plain(stack.webhooks[secondProcess].readLog())).toContain(WARNING);
		expect(plain(stack.webhooks[firstProcess].readLog())).not.toContain(WARNING);
	});

	it('two copies of each of 20 callbacks at once, spread over both processes: every item is marked (the duplicates are measured, not prevented)', async () => {
		const rx = await receiver('R2 concurrent copies');
		// the processes first record themselves in this trigger's static data, one after the other
		for (let i = 0; i < 2; i++) {
			const callback = finalCallback(
				sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
			);
			expect((await deliver(rx.url, callback)).status).toBe(200);
			await eventually(
				'the ref in the saved static data',
				async () =>
					((await triggerState(stack.api, rx.workflow.id)).seen ?? '').includes(
						refKey(callback.ref),
					)
						? true
						: undefined,
				60_000,
			);
		}
		const callbacks = Array.from({ length: 20 }, () =>
			finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 })),
		);
		const answers = await Promise.all(
			callbacks.flatMap((c) => [deliver(rx.url, c), deliver(rx.url, c)]),
		);
		expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
		expect(new Set(answers.map((a) => stack.webhookIndexOf(a.servedBy))).size).toBe(2);

		const executions = await settledExecutions(stack.api, rx.workflow.id, 22);
		const items = triggerItems(executions).flat();
		const runs = new Set(callbacks.map((c) => c.body.run.run_uid));
		const burst = items.filter((item) => runs.has(item.run_uid as string));
		// every callback ran at least once; every item of the burst says the topology is wrong
		expect(new Set(burst.map((item) => item.run_uid)).size).toBe(20);
		for (const item of burst)
			expect(item.delivery_warning).toEqual(expect.stringContaining(WARNING));
		process.stderr.write(
			`round-robin, 2 copies of 20 callbacks at once: ${burst.length} executions (${burst.length - 20} duplicates)\n`,
		);
	});
});

/** n8n's log lines are JSON-escaped in places; the warning is searched in the plain text. */
function plain(log: string): string {
	return log.replace(/\\"/g, '"');
}
