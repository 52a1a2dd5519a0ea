/**
 * Issue 13: the package in n8n's distributed engine, configured as the README says. PostgreSQL, Redis,
 * n8n main (production webhooks off), 2 workers, 2 webhook processes, and nginx in front with the README's
 * configuration: production webhooks routed by path (`hash $request_uri consistent;`), resume URLs
 * round-robin. Edges (the simulator) calls the proxy, as it would call the public URL.
 *
 * The claim under test: with this routing, every callback starts exactly one execution (0 duplicates, 0 refs
 * lost) in every scenario, and the trigger never reports being served by several processes.
 */
import { randomUUID } from 'node:crypto';

import { executionError, nodeOutput, postWebhook, type Execution } from '../harness';
import type { QueueStack } from '../harness/queue';
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
	urlsToItemsNode,
	webhookNode,
	deactivateOwnedSchedule,
	type CredentialRef,
} from '../support';
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
import { apiClient, startRun } from '../../test/simulator/testkit';

describe('queue mode behind nginx, trigger routed by path (the README configuration)', () => {
	let sim: EdgesSimulator;
	let stack: QueueStack;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, stack, cred } = await startQueueTestStack(131, 'sticky'));
	});

	afterAll(() => stopQueueTestStack(sim));

	afterEach(async () => {
		sim.holdRuns(false);
		sim.setCallbackFaults({ duplicate: 0, concurrentDuplicate: 0, drop: 0, delayMs: 0 });
		await sim.waitForIdle(60_000);
	});

	/** Edges Trigger -> Edges Run Outputs, activated on main; resolves once the proxy reaches it. */
	async function receiver(name: string, triggerParameters: Record<string, unknown> = {}) {
		const trigger = triggerNode(cred, triggerParameters);
		const workflow = await stack.api.createWorkflow({
			name,
			nodes: [trigger, runOutputsNode(cred)],
			connections: chain('Edges Trigger', 'Edges Run Outputs'),
		});
		await stack.api.activateWorkflow(workflow.id);
		const url = stack.webhookUrl(`${trigger.webhookId}/edges`);
		// An empty POST is refused (401) once a webhook process serves the trigger; 404 until then.
		expect((await postWebhook(url, {}, { timeoutMs: 60_000 })).status).toBe(401);
		return { workflow, trigger, url };
	}

	/** Webhook -> Code (one item per URL) -> Edges (Run Async) [-> Check Pairing], activated. */
	async function sender(name: string, edgesParameters: Record<string, unknown>, pairing = false) {
		const path = `send-${randomUUID()}`;
		const workflow = await stack.api.createWorkflow({
			name,
			nodes: [
				webhookNode(path),
				urlsToItemsNode(),
				edgesNode(cred, edgesParameters),
				...(pairing
					? [setNode('Check Pairing', { input_url: "={{ $('Profiles').item.json.url }}" })]
					: []),
			],
			connections: chain('Start', 'Profiles', 'Edges', ...(pairing ? ['Check Pairing'] : [])),
		});
		await stack.api.activateWorkflow(workflow.id);
		const url = stack.webhookUrl(path);
		return {
			workflow,
			start: async (urls: string[]) => await postWebhook(url, { urls }, { timeoutMs: 60_000 }),
		};
	}

	/**
	 * Every execution of the receiver once a last callback, sent after all others were answered, has
	 * finished: by then any execution an earlier copy started exists too (the same process queued it first).
	 */
	async function allExecutionsAfterMarker(rx: { workflow: { id: string }; url: string }) {
		const marker = finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }));
		expect((await deliver(rx.url, marker)).status).toBe(200);
		const runUid = marker.body.run.run_uid;
		await eventually(
			`the marker's execution (${runUid})`,
			async () => {
				const found = await executionsForRun(stack.api, rx.workflow.id, runUid);
				return found.find((e) => e.status === 'success');
			},
			120_000,
		);
		const all = await settledExecutions(stack.api, rx.workflow.id, 1);
		return all.filter((e) => triggerItems([e])[0].every((item) => item.run_uid !== runUid));
	}

	function runUidsOf(executions: Execution[]): string[] {
		return triggerItems(executions).flatMap((items) => items.map((i) => i.run_uid as string));
	}

	function expectNoSharingWarning(executions: Execution[]) {
		for (const items of triggerItems(executions)) {
			for (const item of items) expect(item.delivery_warning ?? null).toBeNull();
		}
	}

	it('1. Run Async -> callback through the proxy -> Edges Trigger -> Run Outputs on a worker: every output once, paired', async () => {
		const rx = await receiver('Q1 receive');
		const tx = await sender(
			'Q1 send',
			runAsyncParameters({ options: { callbackUrl: rx.url, callbackOn: 'final' } }),
		);
		const urls = ['ada', 'bob', 'cy', 'dee', 'eve'].map(profile);
		expect((await tx.start(urls)).status).toBe(200);

		const [sent] = await stack.api.waitForExecutions(tx.workflow.id, 1, { timeoutMs: 120_000 });
		expect(executionError(sent)).toBeUndefined();
		const runUid = nodeOutput(sent, 'Edges')[0].run_uid as string;

		const received = await eventually(
			`the receiving execution of ${runUid}`,
			async () =>
				(await executionsForRun(stack.api, rx.workflow.id, runUid)).find((e) =>
					['success', 'error'].includes(e.status),
				),
			120_000,
		);
		expect(executionError(received)).toBeUndefined();
		expect(nodeOutput(received, 'Edges Trigger')[0]).toMatchObject({
			run_uid: runUid,
			status: 'SUCCEEDED',
			output_count: 5,
			callback_ref: expect.any(String),
		});
		const outputs = nodeItems(received, 'Edges Run Outputs');
		expect(outputs.map((o) => o.json.linkedin_profile_url).sort()).toEqual([...urls].sort());
		for (const output of outputs) expect(output.pairedItem).toEqual({ item: 0 });

		await sim.waitForIdle(60_000);
		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries).toEqual([expect.objectContaining({ url: rx.url, status: 200 })]);
		expect(await executionsForRun(stack.api, rx.workflow.id, runUid)).toHaveLength(1);
		expectNoSharingWarning([received]);
	});

	it('2. duplicate deliveries through the proxy, one after the other and at the same moment: one execution per ref', async () => {
		const rx = await receiver('Q2 receive');
		// Edges' own duplicates: the second copy right after the first, then two copies at once.
		sim.setCallbackFaults({ duplicate: 1 });
		const sequential = await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profile('kim') }],
			callback: { url: rx.url, headers: TRIGGER_SECRET_HEADERS, on: 'final' },
		});
		await sim.waitForRun(sequential, ['SUCCEEDED'], 60_000);
		await sim.waitForIdle(60_000);
		sim.setCallbackFaults({ concurrentDuplicate: 1 });
		const concurrent = await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: profile('lou') }],
			callback: { url: rx.url, headers: TRIGGER_SECRET_HEADERS, on: 'final' },
		});
		await sim.waitForRun(concurrent, ['SUCCEEDED'], 60_000);
		await sim.waitForIdle(60_000);

		// Harder than Edges does: 10 copies of one ref at once, then 5 more one after another.
		const burst = finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }));
		const copies = await Promise.all(Array.from({ length: 10 }, () => deliver(rx.url, burst)));
		expect(copies.map((c) => c.status)).toEqual(Array(10).fill(200));
		for (let i = 0; i < 5; i++) expect((await deliver(rx.url, burst)).status).toBe(200);
		// One process served them all: the routing works.
		expect(new Set(copies.map((c) => c.servedBy)).size).toBe(1);

		const executions = await allExecutionsAfterMarker(rx);
		const runs = runUidsOf(executions).sort();
		expect(runs).toEqual([sequential, concurrent, burst.body.run.run_uid].sort());
		for (const runUid of [sequential, concurrent]) {
			const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
			expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
			expect(deliveries[1].ref).toBe(deliveries[0].ref);
		}
		for (const e of executions) expect(executionError(e)).toBeUndefined();
		expectNoSharingWarning(executions);
	});

	it('3. a burst of 50 distinct callbacks, then each one again: exactly 50 executions, no ref lost', async () => {
		const rx = await receiver('Q3 receive');
		const callbacks = Array.from({ length: 50 }, () =>
			finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 })),
		);
		const first = await Promise.all(callbacks.map((c) => deliver(rx.url, c)));
		expect(first.map((r) => r.status)).toEqual(Array(50).fill(200));
		expect(first.filter((r) => (r.body as { duplicate?: boolean }).duplicate)).toEqual([]);
		const again = await Promise.all(callbacks.map((c) => deliver(rx.url, c)));
		expect(again.map((r) => r.body)).toEqual(Array(50).fill({ received: true, duplicate: true }));

		const executions = await allExecutionsAfterMarker(rx);
		expect(runUidsOf(executions).sort()).toEqual(callbacks.map((c) => c.body.run.run_uid).sort());
		// Every ref is in the saved static data (a retry that reaches another process after a restart,
		// or n8n itself after a restart, still knows it).
		const seen = (await triggerState(stack.api, rx.workflow.id)).seen ?? '';
		const missing = callbacks.filter((c) => !seen.includes(refKey(c.ref)));
		expect(missing).toEqual([]);
		expectNoSharingWarning(executions);
	});

	it('4. the webhook process restarted (after draining) between deliveries and their retries: no ref runs twice, none lost', async () => {
		const rx = await receiver('Q4 receive');
		const callbacks = Array.from({ length: 10 }, () =>
			finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 })),
		);
		const first = await Promise.all(callbacks.map((c) => deliver(rx.url, c)));
		expect(first.map((r) => r.status)).toEqual(Array(10).fill(200));
		const served = stack.webhookIndexOf(first[0].servedBy);
		expect(served).toBeGreaterThanOrEqual(0);
		expect(new Set(first.map((r) => r.servedBy)).size).toBe(1);

		// Drained, then stopped (SIGTERM, as an orchestrator does) and started again on the same port. The
		// drain matters: the trigger answers Edges before n8n creates the execution (n8n's order with
		// noWebhookResponse), so a process stopped within that moment loses callbacks it acknowledged
		// (measured: SIGTERM right after 10 answers, 9 executions never created). README, Queue mode.
		await eventually(
			'an execution for each delivered callback (the process has drained)',
			async () => {
				const all = await stack.api.listExecutions(rx.workflow.id, { includeData: false });
				return all.length >= callbacks.length ? true : undefined;
			},
			120_000,
		);
		// n8n saves each request's copy of static data without waiting, so the saves of overlapping requests in
		// one process can land out of order and leave a ref of the burst out of the database; the process's
		// memory still has it, so retries to it are safe, but a restart would forget it (measured: 1 of 10 ran
		// again in 1 of 7 runs). The next callback the process handles writes such refs back (dedupe.ts):
		// once that one is in, every ref is saved.
		const extra = finalCallback(sim.seedRun({ action: 'linkedin-extract-people', outputs: 1 }));
		expect((await deliver(rx.url, extra)).status).toBe(200);
		await eventually(
			'every ref of the burst in the saved static data',
			async () => {
				const seen = (await triggerState(stack.api, rx.workflow.id)).seen ?? '';
				return [...callbacks, extra].every((c) => seen.includes(refKey(c.ref))) ? true : undefined;
			},
			60_000,
		);
		const before = stack.webhooks[served].pid;
		const restarted = await stack.restartWebhook(served);
		expect(restarted.pid).not.toBe(before);

		const again = await Promise.all(callbacks.map((c) => deliver(rx.url, c)));
		expect(again.map((r) => r.body)).toEqual(Array(10).fill({ received: true, duplicate: true }));
		expect(stack.webhookIndexOf(again[0].servedBy)).toBe(served);

		const executions = await allExecutionsAfterMarker(rx);
		expect(runUidsOf(executions).sort()).toEqual(
			[...callbacks, extra].map((c) => c.body.run.run_uid).sort(),
		);
		expectNoSharingWarning(executions);
	});

	it('5. Wait for Completion: parks on a worker, resumed through the proxy, outputs paired', async () => {
		sim.holdRuns(true);
		const tx = await sender(
			'Q5 wait',
			runAsyncParameters({
				waitForCompletion: true,
				waitOutput: 'outputs',
				maxWait: 1,
				maxWaitUnit: 'hours',
			}),
			true,
		);
		const urls = ['hal', 'ivy', 'jo'].map(profile);
		await tx.start(urls);
		const [waiting] = await stack.api.waitForExecutions(tx.workflow.id, 1, {
			statuses: ['waiting'],
			timeoutMs: 120_000,
		});
		const runUid = nodeOutput(waiting, 'Edges')[0].run_uid as string;
		expect(sim.run(runUid)).toMatchObject({ status: 'RUNNING', held: true });

		await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const [done] = await stack.api.waitForExecutions(tx.workflow.id, 1, { timeoutMs: 120_000 });
		expect(done.id).toBe(waiting.id);
		expect(executionError(done)).toBeUndefined();
		const deliveries = sim.deliveries.filter((d) => d.runUid === runUid);
		expect(deliveries).toEqual([
			expect.objectContaining({
				status: 200,
				url: expect.stringContaining(`${stack.proxyUrl}/webhook-waiting/${done.id}?signature=`),
			}),
		]);
		const results = nodeItems(done, 'Edges');
		expect(results.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(nodeOutput(done, 'Check Pairing').map((j) => j.input_url)).toEqual(urls);
		expect(
			nodeOutput(done, 'Check Pairing').map(
				(j) => (j.results as Array<Record<string, unknown>>)[0].linkedin_profile_url,
			),
		).toEqual(urls);
	});

	it('6. two copies of one resume at the same moment (round-robin over both webhook processes): one resumption', async () => {
		sim.holdRuns(true);
		const tx = await sender(
			'Q6 wait, double resume',
			runAsyncParameters({ waitForCompletion: true, maxWait: 1, maxWaitUnit: 'hours' }),
			true,
		);
		const parkedCount = 4;
		for (let i = 0; i < parkedCount; i++) await tx.start([profile(`resume-${i}`)]);
		const parked = await stack.api.waitForExecutions(tx.workflow.id, parkedCount, {
			statuses: ['waiting'],
			timeoutMs: 180_000,
		});
		const runUids = parked.map((e) => nodeOutput(e, 'Edges')[0].run_uid as string);

		sim.setCallbackFaults({ concurrentDuplicate: parkedCount });
		for (const runUid of runUids) await sim.finishRun(runUid, { status: 'SUCCEEDED' });
		const done = await stack.api.waitForExecutions(tx.workflow.id, parkedCount, {
			timeoutMs: 180_000,
		});
		await sim.waitForIdle(60_000);

		expect(done.map((e) => e.id).sort()).toEqual(parked.map((e) => e.id).sort());
		for (const execution of done) {
			expect(executionError(execution)).toBeUndefined();
			expect(execution.status).toBe('success');
			// resumed once: the node after the wait ran once
			expect(execution.data?.resultData.runData['Check Pairing']).toHaveLength(1);
		}
		for (const runUid of runUids) {
			const statuses = sim.deliveries.filter((d) => d.runUid === runUid).map((d) => d.status);
			// n8n accepts one copy; the other is refused (500 "already being resumed", or 409 when later)
			expect(statuses.filter((s) => s === 200)).toHaveLength(1);
		}
		expect(await stack.api.listExecutions(tx.workflow.id, { includeData: false })).toHaveLength(
			parkedCount,
		);
	});

	it('7. the owned schedule: created once on activation (main), fires through the proxy, cancelled once on deactivation', async () => {
		const trigger = triggerNode(cred, {
			ownSchedule: true,
			scheduleAction: 'linkedin-extract-people',
			scheduleInputs: JSON.stringify([{ linkedin_profile_url: profile('quinn') }]),
			cron: '0 8 * * 1',
			timezone: 'UTC',
		});
		const workflow = await stack.api.createWorkflow({
			name: 'Q7 owned schedule',
			nodes: [trigger, runOutputsNode(cred)],
			connections: chain('Edges Trigger', 'Edges Run Outputs'),
		});
		const url = stack.webhookUrl(`${trigger.webhookId}/edges`);
		const before = sim.requests.length;
		await stack.api.activateWorkflow(workflow.id);
		expect((await postWebhook(url, {}, { timeoutMs: 60_000 })).status).toBe(401);
		const scheduleUid = await eventually('the schedule created on activation', async () => {
			const posts = sim.requests
				.slice(before)
				.filter((r) => r.method === 'POST' && r.path.endsWith('/run/schedule'));
			if (posts.length === 0) return undefined;
			const { data } = await apiClient(sim).get('/schedules?limit=100&sort=-created_at');
			return (data as Array<{ uid: string }>)[0].uid;
		});
		// Only main ran create: one schedule, whose callback is the proxy's URL.
		expect(
			sim.requests
				.slice(before)
				.filter((r) => r.method === 'POST' && r.path.endsWith('/run/schedule')),
		).toHaveLength(1);
		const { data: schedule } = await apiClient(sim).get(`/schedules/${scheduleUid}`);
		expect(schedule).toMatchObject({ status: 'ACTIVE', callback: { url } });

		const runUid = await sim.fireSchedule(scheduleUid);
		const execution = await eventually(
			'the scheduled run execution',
			async () =>
				(await executionsForRun(stack.api, workflow.id, runUid)).find(
					(e) => e.status === 'success',
				),
			120_000,
		);
		expect(nodeOutput(execution, 'Edges Trigger')[0]).toMatchObject({
			run_uid: runUid,
			scheduled_run_uid: scheduleUid,
		});
		expect(nodeOutput(execution, 'Edges Run Outputs').map((o) => o.linkedin_profile_url)).toEqual([
			profile('quinn'),
		]);

		const state = await deactivateOwnedSchedule(
			stack.api,
			sim,
			{ id: workflow.id, triggerUrl: url },
			scheduleUid,
			60_000,
		);
		expect(state.schedule).toBeUndefined();
		expect(state.seen).toMatch(/^[A-Za-z0-9_-]{12}$/);
	});

	it('8. no webhook process logged that the trigger is served by several processes', () => {
		expect(stack.webhookLogs()).not.toContain('served by several webhook processes');
	});
});
