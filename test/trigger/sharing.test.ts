// Several webhook processes serving one trigger (queue mode without routing by path): each harness below is
// one n8n process, with its own instance of the node type, sharing the workflow's static data as processes
// share the database row. Exactly-once cannot hold there; the trigger must say so, and only there.
import { randomUUID } from 'crypto';
import { WebhookContext } from 'n8n-core';

import { EdgesTrigger } from '../../nodes/EdgesTrigger/EdgesTrigger.node';
import { refKey } from '../../nodes/EdgesTrigger/dedupe';
import {
	markServed,
	newProcessIdentity,
	otherServingProcess,
	SHARING_WINDOW_MS,
} from '../../nodes/EdgesTrigger/sharing';
import type { WebhookHarness } from '../helpers/webhookHarness';
import { EdgesSimulator } from '../simulator';
import {
	DERIVED_SECRET,
	finalCallback,
	postToTrigger,
	SECRET_HEADERS,
	startTrigger,
} from './setup';

const logged: string[] = [];

describe('Edges Trigger: served by several webhook processes', () => {
	let simulator: EdgesSimulator;
	const harnesses: WebhookHarness[] = [];

	beforeAll(async () => {
		// The logger the node gets as `this.logger` (n8n-core has its own copy of n8n's Logger class, so the
		// getter is replaced where n8n-core defines it rather than in a Container the test could reach).
		let owner: object | null = WebhookContext.prototype;
		while (owner && !Object.getOwnPropertyDescriptor(owner, 'logger')) {
			owner = Object.getPrototypeOf(owner) as object | null;
		}
		if (!owner) throw new Error('n8n-core changed: no logger getter on WebhookContext');
		const capture = Object.fromEntries(
			['error', 'warn', 'info', 'debug'].map((level) => [
				level,
				(message: string) => logged.push(`${level} ${message}`),
			]),
		);
		jest.spyOn(owner as { logger: unknown }, 'logger', 'get').mockReturnValue(capture);
		simulator = await EdgesSimulator.start({ seed: 77, stepMs: 1 });
	});
	afterAll(async () => {
		jest.restoreAllMocks();
		await simulator.stop();
	});
	beforeEach(() => {
		logged.length = 0;
	});
	afterEach(async () => {
		for (const harness of harnesses.splice(0)) await harness.stop();
	});

	/** `count` processes serving one workflow: one database row, one port each. */
	async function processes(count: number, shared = { value: '{}' }): Promise<WebhookHarness[]> {
		for (let i = 0; i < count; i++) {
			harnesses.push(
				await startTrigger(
					simulator,
					{},
					{ nodeType: new EdgesTrigger(), sharedStaticData: shared },
				),
			);
		}
		return harnesses.slice(-count);
	}

	async function deliver(harness: WebhookHarness, ref = randomUUID()) {
		const runUid = simulator.seedRun({ action: 'linkedin-extract-people', outputs: 1 });
		const response = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(runUid, 'SUCCEEDED', ref)),
			{ 'X-Callback-Ref': ref, ...SECRET_HEADERS },
		);
		return { ref, runUid, response };
	}

	const warnings = () => logged.filter((line) => line.startsWith('warn'));
	const itemsOf = (harness: WebhookHarness) => harness.executions.map((e) => e.items[0].json);

	it('one process alone, also across a restart, never warns', async () => {
		const shared = { value: '{}' };
		const [first] = await processes(1, shared);
		await deliver(first);
		await deliver(first);
		// A restart: a new process (new node type instance) on the same database row.
		await first.stop();
		harnesses.splice(0);
		const [restarted] = await processes(1, shared);
		const again = await deliver(restarted);
		expect(again.response.status).toBe(200);

		expect([...itemsOf(first), ...itemsOf(restarted)]).toHaveLength(3);
		for (const item of [...itemsOf(first), ...itemsOf(restarted)]) {
			expect(item).not.toHaveProperty('delivery_warning');
		}
		expect(warnings()).toEqual([]);
	});

	it('the first delivery served by a second process warns: in the log and on the item, saying what to configure', async () => {
		const [a, b] = await processes(2);
		await deliver(a);
		expect(itemsOf(a)[0]).not.toHaveProperty('delivery_warning');
		expect(warnings()).toEqual([]);

		await deliver(b);
		const [item] = itemsOf(b);
		expect(item.delivery_warning).toEqual(
			expect.stringContaining('served by several webhook processes at once'),
		);
		expect(item.delivery_warning).toEqual(expect.stringContaining('hash $request_uri consistent;'));
		expect(warnings()).toEqual([
			expect.stringMatching(/^warn Edges Trigger "Edges Trigger" \(workflow trigger-workflow\): /),
		]);
		expect(warnings()[0]).toContain(item.delivery_warning as string);

		// The first process now sees the second one too.
		await deliver(a);
		expect(itemsOf(a)[1].delivery_warning).toEqual(expect.any(String));
		// Neither the items nor the log carry the secret.
		expect(JSON.stringify([...itemsOf(a), ...itemsOf(b)])).not.toContain(DERIVED_SECRET);
		expect(logged.join('\n')).not.toContain(DERIVED_SECRET);
	});

	it('logs the warning once per process and trigger, and keeps marking every item', async () => {
		const [a, b] = await processes(2);
		await deliver(a);
		for (let i = 0; i < 4; i++) await deliver(b);
		expect(itemsOf(b).map((item) => typeof item.delivery_warning)).toEqual(Array(4).fill('string'));
		expect(warnings()).toHaveLength(1);
	});

	it('a duplicate reaching the second process is recognised from static data, and warns', async () => {
		const [a, b] = await processes(2);
		const first = await deliver(a);
		const copy = await postToTrigger(
			b,
			JSON.stringify(finalCallback(first.runUid, 'SUCCEEDED', first.ref)),
			{ 'X-Callback-Ref': first.ref, ...SECRET_HEADERS },
		);
		expect(copy.body).toEqual({ received: true, duplicate: true });
		expect(b.executions).toEqual([]);
		expect(warnings()).toHaveLength(1);
	});

	it('a process writes back the refs an overlapping save of another process dropped', async () => {
		const shared = { value: '{}' };
		const [a] = await processes(1, shared);
		const kept = await deliver(a);
		// Another process's save, made from a copy loaded before `kept` was stored, overwrites the row.
		const before = shared.value;
		shared.value = JSON.stringify({ 'node:Edges Trigger': { seen: '' } });
		expect(before).toContain(refKey(kept.ref));

		// Any later callback this process handles, even a duplicate, puts the dropped ref back.
		await postToTrigger(a, JSON.stringify(finalCallback(kept.runUid, 'SUCCEEDED', kept.ref)), {
			'X-Callback-Ref': kept.ref,
			...SECRET_HEADERS,
		});
		expect(a.nodeStaticData.seen).toContain(refKey(kept.ref));
		expect(a.executions).toHaveLength(1);
	});
});

describe('sharing record (pure)', () => {
	const now = 1_800_000_000_000;

	it('ignores this process, processes older than it, and records older than the window', () => {
		const self = { id: 'self', startedAt: now - 1_000 };
		expect(otherServingProcess({ self: now }, self, now)).toBeUndefined();
		// the former self of a restarted process: last seen before this one started
		expect(otherServingProcess({ before: now - 2_000 }, self, now)).toBeUndefined();
		expect(
			otherServingProcess({ old: now - SHARING_WINDOW_MS - 1 }, { id: 'x', startedAt: 0 }, now),
		).toBeUndefined();
		expect(otherServingProcess({ live: now - 500 }, self, now)).toEqual({
			id: 'live',
			at: now - 500,
		});
		expect(otherServingProcess('garbage', self, now)).toBeUndefined();
	});

	it('keeps the 8 most recent processes, this one first', () => {
		const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, now - i]));
		const self = newProcessIdentity(now);
		const marked = markServed(many, self, now + 1);
		expect(Object.keys(marked)).toEqual([self.id, 'p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
		expect(newProcessIdentity().id).not.toBe(self.id);
	});
});
