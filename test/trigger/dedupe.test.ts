// Exactly once: every delivery of one callback ref after the first is answered 200 and starts nothing,
// whether the copies come one after the other, at the same moment, or across a restart of n8n.
import { MAX_REMEMBERED_REFS, mergedRefs } from '../../nodes/EdgesTrigger/dedupe';
import { EdgesTrigger } from '../../nodes/EdgesTrigger/EdgesTrigger.node';
import { TRIGGER_NODE_NAME, type WebhookHarness } from '../helpers/webhookHarness';
import { EdgesSimulator } from '../simulator';
import {
	edgesApi,
	finalCallback,
	postToTrigger,
	SECRET_HEADERS,
	startRun,
	startTrigger,
} from './setup';

describe('Edges Trigger: exactly once', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness | undefined;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({ seed: 44, stepMs: 1 });
	});
	afterAll(async () => {
		await simulator.stop();
	});
	afterEach(async () => {
		simulator.setCallbackFaults({ duplicate: 0, concurrentDuplicate: 0 });
		simulator.holdRuns(false);
		await harness?.stop();
		harness = undefined;
	});

	async function deliveredRun(target: WebhookHarness): Promise<string> {
		const uid = await startRun(simulator, target.webhookUrl);
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		return uid;
	}

	it('a callback Edges sends twice in a row starts one execution', async () => {
		harness = await startTrigger(simulator);
		simulator.setCallbackFaults({ duplicate: 1 });
		const uid = await deliveredRun(harness);

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries).toHaveLength(2);
		expect(deliveries[0].ref).toBe(deliveries[1].ref);
		expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
		expect(harness.executions).toHaveLength(1);
		expect(harness.responses.map((r) => r.body)).toEqual([
			{ received: true, run_uid: uid },
			{ received: true, duplicate: true },
		]);
	});

	it('two copies arriving at the same moment start one execution', async () => {
		harness = await startTrigger(simulator);
		simulator.setCallbackFaults({ concurrentDuplicate: 1 });
		const uid = await deliveredRun(harness);

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries).toHaveLength(2);
		expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
		expect(harness.executions).toHaveLength(1);
		// Both requests loaded static data before either saved it: the ref is still stored once saved.
		expect(Object.keys(harness.nodeStaticData.refs as object)).toContain(deliveries[0].ref);
	});

	it('many concurrent copies of several refs: one execution per ref, all refs stored', async () => {
		harness = await startTrigger(simulator);
		const runs = [
			simulator.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
			simulator.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
			simulator.seedRun({ action: 'linkedin-extract-people', outputs: 1 }),
		];
		const target = harness;
		const answers = await Promise.all(
			runs.flatMap((uid, i) =>
				Array.from({ length: 4 }, () =>
					postToTrigger(
						target,
						JSON.stringify(finalCallback(uid, 'SUCCEEDED', `burst-${i}`)),
						SECRET_HEADERS,
					),
				),
			),
		);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect(harness.executions.map((e) => e.items[0].json.callback_ref).sort()).toEqual([
			'burst-0',
			'burst-1',
			'burst-2',
		]);
		// Each request saved its own copy of static data (last writer wins), yet no ref was lost.
		expect(Object.keys(harness.nodeStaticData.refs as object).sort()).toEqual(
			expect.arrayContaining(['burst-0', 'burst-1', 'burst-2']),
		);
	});

	it('a replay after a restart of n8n starts nothing', async () => {
		const first = await startTrigger(simulator);
		harness = first;
		const uid = await deliveredRun(first);
		expect(first.executions).toHaveLength(1);
		const original = simulator.deliveries.find((d) => d.runUid === uid)!;

		// Restart: the process (and its memory) is gone; the database (static data) and the URL remain.
		const saved = first.staticData;
		const port = first.port;
		await first.stop();
		const second = await startTrigger(simulator, {}, { staticData: saved, port });
		harness = second;

		const replay = await edgesApi(
			simulator,
			'POST',
			`/runs/callbacks/${original.callbackUid}/replay`,
		);
		expect(replay.status).toBe(200);
		await simulator.waitForIdle();

		const redelivered = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(redelivered).toHaveLength(2);
		expect(redelivered[1].ref).toBe(original.ref);
		expect(redelivered[1].status).toBe(200);
		expect(second.responses.map((r) => r.body)).toEqual([{ received: true, duplicate: true }]);
		expect(second.executions).toHaveLength(0);

		// The restarted trigger still processes new runs.
		const next = await deliveredRun(second);
		expect(second.executions.map((e) => e.items[0].json.run_uid)).toEqual([next]);
	});

	it('a retry after n8n died before answering starts nothing', async () => {
		// Edges retries a delivery whose answer never came. Here n8n stores the ref, then its process ends
		// before the answer leaves (the connection is cut), and Edges' retry reaches the next process.
		harness = await startTrigger(simulator);
		simulator.holdRuns(true);
		const uid = await startRun(simulator, harness.webhookUrl);
		await simulator.waitForRun(uid, ['RUNNING']);
		harness.crashAfterNextRequest(new EdgesTrigger());
		await simulator.finishRun(uid, { status: 'SUCCEEDED' });
		simulator.holdRuns(false);

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries).toHaveLength(2);
		expect(deliveries[0].status).toBeUndefined();
		expect(deliveries[0].error).toBeDefined();
		expect(deliveries[1].ref).toBe(deliveries[0].ref);
		expect(deliveries[1].status).toBe(200);
		expect(harness.restarts).toBe(1);
		// The process that died had started the execution; the next one started none.
		expect(harness.executions).toHaveLength(1);
		expect(harness.executions[0].request).toBe(0);
		expect(harness.responses.at(-1)?.body).toEqual({ received: true, duplicate: true });
	});

	it('keeps the refs across deactivation and activation', async () => {
		harness = await startTrigger(simulator);
		await harness.activate();
		const uid = await deliveredRun(harness);
		const ref = simulator.deliveries.find((d) => d.runUid === uid)!.ref;
		await harness.deactivate();
		await harness.activate();
		const again = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(uid, 'SUCCEEDED', ref)),
			SECRET_HEADERS,
		);
		expect(again.body).toEqual({ received: true, duplicate: true });
		expect(harness.executions).toHaveLength(1);
	});

	it('stores at most MAX_REMEMBERED_REFS refs, dropping the oldest', async () => {
		const stored: Record<string, number> = {};
		for (let i = 0; i < MAX_REMEMBERED_REFS; i++) stored[`old-${i}`] = 1_000 + i;
		const refs = mergedRefs(stored, new Map([['recent', 5_000]]), { ref: 'new', at: 6_000 });
		expect(Object.keys(refs)).toHaveLength(MAX_REMEMBERED_REFS);
		expect(refs).toMatchObject({ new: 6_000, recent: 5_000 });
		expect(refs).not.toHaveProperty('old-0');
		expect(refs).not.toHaveProperty('old-1');
		expect(refs).toHaveProperty('old-2');

		// Through the trigger: a full store stays full, and the newest ref is in it.
		const full = JSON.stringify({ [`node:${TRIGGER_NODE_NAME}`]: { refs: stored } });
		harness = await startTrigger(simulator, {}, { staticData: full });
		const uid = await deliveredRun(harness);
		const kept = harness.nodeStaticData.refs as Record<string, number>;
		expect(Object.keys(kept)).toHaveLength(MAX_REMEMBERED_REFS);
		expect(kept).toHaveProperty(simulator.deliveries.find((d) => d.runUid === uid)!.ref);
	});
});
