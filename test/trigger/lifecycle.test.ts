// Activation does real work: the trigger records what it was activated with and, in schedule mode, owns an
// Edges schedule that calls it back: created on activation, checked at every start, cancelled on
// deactivation.
import { CALLBACK_SECRET_HEADER } from '../../nodes/shared/callbackSecret';
import type { WebhookHarness } from '../helpers/webhookHarness';
import { EdgesSimulator } from '../simulator';
import { DERIVED_SECRET, edgesApi, PROFILE, startTrigger } from './setup';

const SCHEDULE = {
	ownSchedule: true,
	scheduleAction: 'linkedin-extract-people',
	scheduleInputs: JSON.stringify([
		{ linkedin_profile_url: PROFILE, custom_data: { list: 'weekly' } },
	]),
	cron: '0 8 * * 1',
	timezone: 'Europe/Paris',
	scheduleOptions: { name: 'Weekly people', parameters: '{"sections": "experiences"}' },
};

describe('Edges Trigger: activation and the owned schedule', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness | undefined;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({ seed: 46, stepMs: 1 });
	});
	afterAll(async () => {
		await simulator.stop();
	});
	beforeEach(() => simulator.clearRequests());
	afterEach(async () => {
		simulator.clearFaults();
		await harness?.stop();
		harness = undefined;
	});

	function schedulePosts(): number {
		return simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/run/schedule'))
			.length;
	}

	async function scheduleStatus(uid: string): Promise<string> {
		const { status, body } = await edgesApi(simulator, 'GET', `/schedules/${uid}`);
		expect(status).toBe(200);
		return body.status as string;
	}

	it('without a schedule: create records the activation, checkExists sees it, delete clears it', async () => {
		harness = await startTrigger(simulator);
		expect(await harness.checkExists()).toBe(false);
		expect(await harness.activate()).toEqual({ existed: false });
		expect(harness.nodeStaticData.activation).toMatchObject({ webhookUrl: harness.webhookUrl });
		expect(harness.nodeStaticData.seen).toBe('');
		expect(await harness.activate('init')).toEqual({ existed: true });

		await harness.deactivate();
		expect(harness.nodeStaticData.activation).toBeUndefined();
		expect(await harness.checkExists()).toBe(false);
		expect(simulator.requests).toHaveLength(0);
	});

	it('a new webhook URL (n8n moved) makes checkExists false', async () => {
		harness = await startTrigger(simulator);
		await harness.activate();
		const saved = harness.staticData;
		await harness.stop();
		harness = await startTrigger(simulator, {}, { staticData: saved });
		expect(await harness.checkExists()).toBe(false);
	});

	it('creates a schedule on activation that calls the trigger back, in final mode, with the secret', async () => {
		harness = await startTrigger(simulator, SCHEDULE);
		expect(await harness.activate()).toEqual({ existed: false });
		const owned = harness.nodeStaticData.schedule as { uid: string; fingerprint: string };
		expect(owned.uid).toEqual(expect.any(String));
		expect(JSON.stringify(harness.nodeStaticData)).not.toContain(DERIVED_SECRET);

		const { body: schedule } = await edgesApi(simulator, 'GET', `/schedules/${owned.uid}`);
		expect(schedule).toMatchObject({
			status: 'ACTIVE',
			action_name: 'linkedin-extract-people',
			cron: '0 8 * * 1',
			timezone: 'Europe/Paris',
			name: 'Weekly people',
			parameters: { sections: 'experiences' },
			callback: { url: harness.webhookUrl },
		});

		// The schedule fires: its run's final callback reaches the trigger and starts one execution.
		const runUid = await simulator.fireSchedule(owned.uid);
		await simulator.waitForRun(runUid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		const delivery = simulator.deliveries.find((d) => d.runUid === runUid)!;
		expect(delivery.headers[CALLBACK_SECRET_HEADER]).toBe(DERIVED_SECRET);
		expect(simulator.run(runUid)?.callback?.on).toBe('final');
		expect(delivery.status).toBe(200);
		expect(harness.executions).toHaveLength(1);
		expect(harness.executions[0].items[0].json).toMatchObject({
			run_uid: runUid,
			status: 'SUCCEEDED',
			scheduled_run_uid: owned.uid,
		});
	});

	it('checkExists keeps a live schedule across restarts, and replaces one cancelled elsewhere', async () => {
		harness = await startTrigger(simulator, SCHEDULE);
		await harness.activate();
		const first = (harness.nodeStaticData.schedule as { uid: string }).uid;
		expect(schedulePosts()).toBe(1);

		// n8n restarts: same database, same URL, a new process.
		const saved = harness.staticData;
		const port = harness.port;
		await harness.stop();
		harness = await startTrigger(simulator, SCHEDULE, { staticData: saved, port });
		expect(await harness.activate('init')).toEqual({ existed: true });
		expect(schedulePosts()).toBe(1);
		expect(
			simulator.requests.some((r) => r.method === 'GET' && r.path === `/v1/schedules/${first}`),
		).toBe(true);

		// Someone cancels it in Edges: the next check notices and activation makes a new one.
		expect((await edgesApi(simulator, 'POST', `/schedules/${first}/cancel`)).status).toBe(200);
		expect(await harness.activate('init')).toEqual({ existed: false });
		const second = (harness.nodeStaticData.schedule as { uid: string }).uid;
		expect(second).not.toBe(first);
		expect(await scheduleStatus(second)).toBe('ACTIVE');
		expect(schedulePosts()).toBe(2);
	});

	it('changed settings replace the schedule: the old one is cancelled', async () => {
		harness = await startTrigger(simulator, SCHEDULE);
		await harness.activate();
		const old = (harness.nodeStaticData.schedule as { uid: string }).uid;
		const saved = harness.staticData;
		const port = harness.port;
		await harness.stop();

		harness = await startTrigger(
			simulator,
			{ ...SCHEDULE, cron: '30 9 * * 5' },
			{ staticData: saved, port },
		);
		expect(await harness.activate()).toEqual({ existed: false });
		const replacement = (harness.nodeStaticData.schedule as { uid: string }).uid;
		expect(replacement).not.toBe(old);
		expect(await scheduleStatus(old)).toBe('CANCELLED');
		const { body } = await edgesApi(simulator, 'GET', `/schedules/${replacement}`);
		expect(body).toMatchObject({ status: 'ACTIVE', cron: '30 9 * * 5' });
	});

	it('deactivation cancels the schedule and clears what the trigger keeps', async () => {
		harness = await startTrigger(simulator, SCHEDULE);
		await harness.activate();
		const uid = (harness.nodeStaticData.schedule as { uid: string }).uid;
		await harness.deactivate();
		expect(await scheduleStatus(uid)).toBe('CANCELLED');
		expect(harness.nodeStaticData.schedule).toBeUndefined();
		expect(harness.nodeStaticData.activation).toBeUndefined();
		await expect(simulator.fireSchedule(uid)).rejects.toThrow(/CANCELLED/);
		expect(await harness.checkExists()).toBe(false);
	});

	it('a failed cancellation is reported and the schedule is kept, so it can be cancelled later', async () => {
		harness = await startTrigger(simulator, SCHEDULE);
		await harness.activate();
		const uid = (harness.nodeStaticData.schedule as { uid: string }).uid;
		simulator.injectFaults({
			kind: 'status',
			status: 503,
			pathPrefix: `/schedules/${uid}/cancel`,
			count: 1,
		});
		await expect(harness.deactivate()).rejects.toMatchObject({
			description: expect.stringContaining(uid),
		});
		expect((harness.nodeStaticData.schedule as { uid: string }).uid).toBe(uid);
		expect(await scheduleStatus(uid)).toBe('ACTIVE');

		await harness.deactivate();
		expect(await scheduleStatus(uid)).toBe('CANCELLED');
		expect(harness.nodeStaticData.schedule).toBeUndefined();
	});

	it.each([
		[{ cron: 'every monday' }, /5-field cron/],
		[{ scheduleInputs: '{"linkedin_profile_url": "x"}' }, /JSON array of 1 to 100/],
		[{ scheduleInputs: '[{"a": 1},' }, /Inputs is not valid JSON/],
		[{ scheduleAction: 'Extract People' }, /not an Edges action slug/],
	])('refuses to activate with bad schedule settings %j', async (change, message) => {
		harness = await startTrigger(simulator, { ...SCHEDULE, ...change });
		await expect(harness.activate()).rejects.toThrow(message);
		expect(schedulePosts()).toBe(0);
		expect(harness.nodeStaticData.schedule).toBeUndefined();
	});

	it('reports the refusal of Edges when the schedule cannot be created', async () => {
		harness = await startTrigger(simulator, {
			...SCHEDULE,
			scheduleInputs: JSON.stringify([{ linkedin_company_url: PROFILE }]),
		});
		await expect(harness.activate()).rejects.toThrow(/400/);
		expect(harness.nodeStaticData.schedule).toBeUndefined();
		expect(harness.nodeStaticData.activation).toBeUndefined();
	});
});
