// Exactly once: every delivery of one callback ref after the first is answered 200 and starts nothing,
// whether the copies come one after the other, at the same moment, or across a restart of n8n.
import {
	MAX_REMEMBERED_REFS,
	REF_KEY_LENGTH,
	isRemembered,
	mergedSeen,
	refKey,
} from '../../nodes/EdgesTrigger/dedupe';
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
		expect(storedKeys(harness.nodeStaticData.seen)).toContain(refKey(deliveries[0].ref));
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
		expect(storedKeys(harness.nodeStaticData.seen)).toEqual(
			expect.arrayContaining(['burst-0', 'burst-1', 'burst-2'].map(refKey)),
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
		// Stored newest first: old-999 is the newest of the old ones, old-0 the oldest.
		const old = Array.from({ length: MAX_REMEMBERED_REFS }, (_, i) => refKey(`old-${i}`)).reverse();
		const stored = old.join('');
		const seen = mergedSeen(stored, [refKey('recent')], refKey('new'));
		expect(seen).toHaveLength(MAX_REMEMBERED_REFS * REF_KEY_LENGTH);
		expect(storedKeys(seen).slice(0, 3)).toEqual([refKey('new'), refKey('recent'), old[0]]);
		expect(isRemembered({ seen }, refKey('old-0'))).toBe(false);
		expect(isRemembered({ seen }, refKey('old-1'))).toBe(false);
		expect(isRemembered({ seen }, refKey('old-2'))).toBe(true);

		// Through the trigger: a full store stays full, and the newest ref is in it.
		const full = JSON.stringify({ [`node:${TRIGGER_NODE_NAME}`]: { seen: stored } });
		harness = await startTrigger(simulator, {}, { staticData: full });
		const uid = await deliveredRun(harness);
		const kept = harness.nodeStaticData.seen as string;
		expect(kept).toHaveLength(MAX_REMEMBERED_REFS * REF_KEY_LENGTH);
		expect(storedKeys(kept)[0]).toBe(
			refKey(simulator.deliveries.find((d) => d.runUid === uid)!.ref),
		);
	});

	it('remembers refs by a fixed-width key and only matches whole keys', () => {
		expect(refKey('a')).toHaveLength(REF_KEY_LENGTH);
		expect(refKey('a')).not.toBe(refKey('b'));
		expect(refKey('8b1e0c6e-3f7a-4c1e-9d2b-2f6a1c9e7d10')).toMatch(/^[A-Za-z0-9_-]{12}$/);
		const [x, y] = [refKey('x'), refKey('y')];
		const seen = mergedSeen(`${x}${y}`, []);
		expect(isRemembered({ seen }, x)).toBe(true);
		expect(isRemembered({ seen }, y)).toBe(true);
		// A string that straddles the boundary of two stored keys is not one of them.
		expect(isRemembered({ seen }, `${x.slice(6)}${y.slice(0, 6)}`)).toBe(false);
		expect(isRemembered({}, x)).toBe(false);
		// Repeats are stored once; anything not a key (wrong width) is dropped.
		expect(storedKeys(mergedSeen(`${x}${y}`, [y], x))).toEqual([x, y]);
		expect(mergedSeen('', ['short'])).toBe('');
	});
});

/** The keys a `seen` string holds, in order. */
function storedKeys(seen: unknown): string[] {
	const text = typeof seen === 'string' ? seen : '';
	return Array.from({ length: Math.floor(text.length / REF_KEY_LENGTH) }, (_, i) =>
		text.slice(i * REF_KEY_LENGTH, (i + 1) * REF_KEY_LENGTH),
	);
}
