// Why this file exists: schedules are the third way to run an action (docs/edges-api.md §2.1, §2.4). The
// simulator has no cron clock: tests fire occurrences themselves. These tests check creation and its
// validation (cron, timezone, 1..100 inputs), reading and listing, pause/resume/cancel, and that a fired
// occurrence is a normal run that carries scheduled_run_uid and uses the schedule's callback.

import { EdgesSimulator, OTHER_API_KEY, type CallbackPayload } from './simulator';
import { parseCron, nextCronTime } from './simulator/cron';
import { CallbackReceiver } from './simulator/receiver';
import { apiClient, profileUrl } from './simulator/testkit';

describe('simulator: schedules', () => {
	let sim: EdgesSimulator;
	let receiver: CallbackReceiver;
	const inputs = [{ linkedin_profile_url: profileUrl('weekly-lead'), custom_data: { crm: 42 } }];

	beforeEach(async () => {
		sim = await EdgesSimulator.start({ stepMs: 2 });
		receiver = await CallbackReceiver.start();
	});
	afterEach(async () => {
		await sim.stop();
		await receiver.stop();
	});

	const create = (body: Record<string, unknown>) =>
		apiClient(sim).post('/actions/linkedin-extract-people/run/schedule', body);

	test('create answers the uid (as uid and scheduled_run_uid), ACTIVE, cron, timezone and the next time', async () => {
		const before = Date.now();
		const response = await create({
			inputs,
			cron: '0 9 * * 1',
			timezone: 'Europe/Paris',
			callback: { url: receiver.url, on: 'final' },
		});
		const after = Date.now();
		expect(response.status).toBe(200);
		expect(response.data).toEqual({
			uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			scheduled_run_uid: response.data.uid,
			status: 'ACTIVE',
			cron: '0 9 * * 1',
			timezone: 'Europe/Paris',
			next_execution_at: expect.any(String),
			created_at: expect.any(String),
		});
		const next = new Date(response.data.next_execution_at);
		// The next Monday 09:00 after the moment Edges created it, somewhere between before and after.
		expect(next.getTime()).toBeGreaterThan(before);
		expect(next.getTime()).toBeLessThanOrEqual(after + 7 * 86_400_000);
		const local = new Intl.DateTimeFormat('en-GB', {
			timeZone: 'Europe/Paris',
			weekday: 'short',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		}).format(next);
		expect(local).toBe('Mon 09:00');

		const got = (await apiClient(sim).get(`/schedules/${response.data.uid}`)).data;
		expect(got).toMatchObject({
			uid: response.data.uid,
			name: null,
			status: 'ACTIVE',
			action_name: 'linkedin-extract-people',
			cron: '0 9 * * 1',
			timezone: 'Europe/Paris',
			next_execution_at: response.data.next_execution_at,
			last_executed_at: null,
			callback: { url: receiver.url },
		});
		expect(
			(await apiClient(sim, OTHER_API_KEY).get(`/schedules/${response.data.uid}`)).status,
		).toBe(404);
	});

	test('bad cron, timezone, schedule_at or input count are 400 BAD_PARAMETERS', async () => {
		for (const cron of [
			'* * *',
			'61 * * * *',
			'0 9 * * 8',
			'@daily',
			'0 9 ? * MON',
			'*/0 * * * *',
			'x'.repeat(257),
		]) {
			const response = await create({ inputs, cron });
			expect(response.status).toBe(400);
			expect(response.data.error_label).toBe('BAD_PARAMETERS');
		}
		expect((await create({ inputs, cron: '0 9 * * 1', timezone: 'Mars/Olympus' })).status).toBe(
			400,
		);
		expect((await create({ inputs, schedule_at: 'tomorrow' })).status).toBe(400);
		const tooMany = await create({ inputs: Array.from({ length: 101 }, () => inputs[0]) });
		expect(tooMany.status).toBe(400);
		expect(tooMany.data.message).toBe('body/inputs must NOT have more than 100 items');
		expect((await create({ inputs: [] })).status).toBe(400);
		expect(
			(await create({ inputs, cron: '*/15 8-18 * JAN-DEC MON-FRI', timezone: 'America/New_York' }))
				.status,
		).toBe(200);
		expect((await apiClient(sim).get('/schedules')).data).toHaveLength(1);
	});

	test("fireSchedule starts a run with scheduled_run_uid that calls the schedule's callback", async () => {
		const { uid } = (
			await create({
				inputs,
				cron: '*/5 * * * *',
				callback: { url: receiver.url, on: 'final', headers: { 'X-Secret': 'abc' } },
			})
		).data;
		const runUid = await sim.fireSchedule(uid);
		const run = await sim.waitForRun(runUid, ['SUCCEEDED']);
		expect(run.scheduledRunUid).toBe(uid);
		await sim.waitForIdle();
		const api = apiClient(sim);
		expect((await api.get(`/runs/${runUid}`)).data).toMatchObject({
			scheduled_run_uid: uid,
			execution_mode: 'ASYNC',
			status: 'SUCCEEDED',
			output_count: 1,
		});
		expect(receiver.received).toHaveLength(1);
		expect((receiver.received[0].body as CallbackPayload).run).toMatchObject({
			run_uid: runUid,
			status: 'SUCCEEDED',
		});
		expect(receiver.received[0].headers['x-secret']).toBe('abc');
		const schedule = (await api.get(`/schedules/${uid}`)).data;
		expect(schedule.last_executed_at).toEqual(expect.any(String));
		expect(schedule.status).toBe('ACTIVE');

		const second = await sim.fireSchedule(uid);
		expect(second).not.toBe(runUid);
		await sim.waitForRun(second, ['SUCCEEDED']);
		const fromSchedule = (await api.get('/runs')).data.filter(
			(r: { scheduled_run_uid: string | null }) => r.scheduled_run_uid === uid,
		);
		expect(fromSchedule).toHaveLength(2);
	});

	test('an occurrence is skipped (throws) while the previous run of the schedule is still going', async () => {
		const { uid } = (await create({ inputs, cron: '* * * * *' })).data;
		sim.holdRuns(true);
		const first = await sim.fireSchedule(uid);
		await sim.waitForRun(first, ['RUNNING']);
		await expect(sim.fireSchedule(uid)).rejects.toThrow(/skipped/);
		sim.holdRuns(false);
		await sim.waitForRun(first, ['SUCCEEDED']);
		await expect(sim.fireSchedule(uid)).resolves.toEqual(expect.any(String));
	});

	test('pause refuses to fire, resume fires again, cancel is final but stays readable', async () => {
		const api = apiClient(sim);
		const { uid } = (await create({ inputs, cron: '0 * * * *' })).data;
		const paused = await api.post(`/schedules/${uid}/pause`);
		expect(paused.status).toBe(200);
		expect(paused.data.status).toBe('PAUSED');
		await expect(sim.fireSchedule(uid)).rejects.toThrow(/PAUSED/);
		expect((await api.post(`/schedules/${uid}/pause`)).data.status).toBe('PAUSED');

		expect((await api.post(`/schedules/${uid}/resume`)).data.status).toBe('ACTIVE');
		await sim.waitForRun(await sim.fireSchedule(uid), ['SUCCEEDED']);

		const cancelled = await api.post(`/schedules/${uid}/cancel`);
		expect(cancelled.data).toMatchObject({ uid, status: 'CANCELLED', next_execution_at: null });
		await expect(sim.fireSchedule(uid)).rejects.toThrow(/CANCELLED/);
		expect((await api.get(`/schedules/${uid}`)).data.status).toBe('CANCELLED');
		const refused = await api.post(`/schedules/${uid}/resume`);
		expect(refused.status).toBe(422);
		expect(refused.data.status_code).toBe(422);
		expect((await api.post(`/schedules/${uid}/stop`)).status).toBe(404);
	});

	test('a one-shot schedule (no cron) completes after its occurrence; the list filters by status and action', async () => {
		const api = apiClient(sim);
		const at = new Date(Date.now() + 3_600_000).toISOString();
		const oneShot = (await create({ inputs, schedule_at: at, name: 'once' })).data;
		expect(oneShot.cron).toBeNull();
		expect(oneShot.next_execution_at).toBe(at);
		const recurring = (await create({ inputs, cron: '30 6 * * *' })).data;
		await sim.waitForRun(await sim.fireSchedule(oneShot.uid), ['SUCCEEDED']);
		expect((await api.get(`/schedules/${oneShot.uid}`)).data).toMatchObject({
			status: 'COMPLETED',
			name: 'once',
			next_execution_at: null,
		});
		await expect(sim.fireSchedule(oneShot.uid)).rejects.toThrow(/COMPLETED/);

		const active = (await api.get('/schedules?status=ACTIVE')).data;
		expect(active.map((s: { uid: string }) => s.uid)).toEqual([recurring.uid]);
		expect((await api.get('/schedules?status=ACTIVE&status=COMPLETED')).data).toHaveLength(2);
		expect((await api.get('/schedules?action_name=linkedin-search-people')).data).toHaveLength(0);
		expect((await api.get('/schedules?status=SLEEPING')).status).toBe(400);
		expect((await apiClient(sim, OTHER_API_KEY).get('/schedules')).data).toHaveLength(0);
	});
});

describe('simulator: cron', () => {
	test('next times follow POSIX rules, in the given time zone', () => {
		const from = Date.UTC(2026, 0, 1, 0, 0); // Thursday
		expect(new Date(nextCronTime(parseCron('0 9 * * 1'), 'UTC', from)!).toISOString()).toBe(
			'2026-01-05T09:00:00.000Z',
		);
		expect(new Date(nextCronTime(parseCron('*/15 * * * *'), 'UTC', from)!).toISOString()).toBe(
			'2026-01-01T00:15:00.000Z',
		);
		// Paris is UTC+1 in January.
		expect(
			new Date(nextCronTime(parseCron('30 8 * * *'), 'Europe/Paris', from)!).toISOString(),
		).toBe('2026-01-01T07:30:00.000Z');
		// Day-of-month OR day-of-week when both are restricted.
		expect(new Date(nextCronTime(parseCron('0 0 13 * 5'), 'UTC', from)!).toISOString()).toBe(
			'2026-01-02T00:00:00.000Z',
		);
		expect(new Date(nextCronTime(parseCron('0 12 29 2 *'), 'UTC', from)!).toISOString()).toBe(
			'2028-02-29T12:00:00.000Z',
		);
		expect(nextCronTime(parseCron('0 0 31 2 *'), 'UTC', from)).toBeNull();
		expect(() => parseCron('0 0 * * 7')).not.toThrow();
		expect(() => parseCron('5-1 * * * *')).toThrow(/reversed/);
	});
});
