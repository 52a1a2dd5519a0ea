/**
 * Issue 14.3: a request that starts something (Run Async, Run Live, Schedule) fails after it may have
 * reached Edges (a 5xx after Edges acted, a connection dropped after sending). "Try again later" would then
 * start a second run and spend credits twice. The node must say that the run may exist, how to check, and
 * check itself: these tests make the simulator act and then fail, and read what the node says.
 */
import { EdgesSimulator } from '../simulator';
import { apiClient } from '../simulator/testkit';
import { action, json, posts, profile, runAsyncParams, runEdges } from './support';

const ASYNC_PATH = '/actions/linkedin-extract-people/run/async';

type Described = { message: string; description?: string | null };

describe('a failed request that may have started something (issue 14.3)', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 14, stepMs: 1 });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.clearFaults();
		sim.clearRequests();
	});

	async function runsOf(mode: 'ASYNC' | 'LIVE', slug = 'linkedin-extract-people') {
		const { data } = await apiClient(sim).get(
			`/runs?action_name=${slug}&execution_mode=${mode}&limit=100`,
		);
		return data as Array<{ uid: string; created_at: string }>;
	}

	describe('Run Async', () => {
		it('a 502 after Edges started the run: the error names that run, not "try again later"', async () => {
			const before = (await runsOf('ASYNC')).length;
			const sentAfter = Date.now();
			sim.injectFaults({
				kind: 'status',
				status: 502,
				phase: 'after',
				method: 'POST',
				pathPrefix: ASYNC_PATH,
				count: 1,
			});
			const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('alice') },
				{ url: profile('bob') },
			]);

			// Edges did start one run, and the node did not start another.
			const runs = await runsOf('ASYNC');
			expect(runs).toHaveLength(before + 1);
			const started = runs.at(-1)!;
			expect(posts(sim).map((r) => r.path)).toEqual([`/v1${ASYNC_PATH}`]);

			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				`Edges answered 502 to the request that starts the run, but it did start run ${started.uid}`,
			);
			expect(error.description).not.toMatch(/try again later/i);
			expect(error.description).toContain('spend credits twice');
			expect(error.description).toContain(started.uid);
			expect(error.description).toContain('Run › Get');
			// The tag the node sent, which the run's inputs carry, is named, so anyone can check the match.
			const tag = sim.run(started.uid)!.inputs[0].customData!.n8n_request as string;
			expect(tag).toMatch(/^[0-9a-f]{12}$/);
			expect(sim.run(started.uid)!.inputs.map((i) => i.customData)).toEqual([
				{ n8n_item: 0, n8n_request: tag },
				{ n8n_item: 1, n8n_request: tag },
			]);
			expect(error.description).toContain(`custom_data.n8n_request = "${tag}"`);
			expect(Date.parse(started.created_at)).toBeGreaterThanOrEqual(sentAfter - 1000);
		});

		it('a connection dropped after Edges started the run: the same, found by its tag', async () => {
			sim.injectFaults({ kind: 'reset', phase: 'after', pathPrefix: ASYNC_PATH, count: 1 });
			const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('carol') },
			]);
			const started = (await runsOf('ASYNC')).at(-1)!;
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				`The connection to Edges broke during the request that starts the run, but Edges did start run ${started.uid}`,
			);
			expect(error.description).toContain(started.uid);
			expect(posts(sim)).toHaveLength(1);
		});

		it('a 502 before Edges acted: the node looked, found no run, and says how to check again', async () => {
			const before = (await runsOf('ASYNC')).length;
			sim.injectFaults({ kind: 'status', status: 502, pathPrefix: ASYNC_PATH, count: 1 });
			const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('dan') },
			]);
			expect(await runsOf('ASYNC')).toHaveLength(before);
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				'Edges answered 502 to the request that starts the run, and may have started it anyway',
			);
			const description = error.description ?? '';
			expect(description).not.toMatch(/try again later/i);
			expect(description).toContain('found no run of linkedin-extract-people');
			expect(description).toMatch(
				/Run › Get Many with Filters › Action Names = linkedin-extract-people, Execution Modes = Async, Sort = Newest First: a run created after \d{4}-\d\d-\d\dT[\d:.]+Z whose inputs \(Run › Get Inputs\) carry custom_data\.n8n_request = "[0-9a-f]{12}"/,
			);
			// What the node asked Edges for the check: recent runs of the action, newest first.
			const sent = sim.requests.findIndex((r) => r.method === 'POST');
			const lookups = sim.requests
				.slice(sent + 1)
				.filter((r) => r.method === 'GET' && r.path === '/v1/runs');
			expect(lookups[0].query).toMatchObject({
				action_name: 'linkedin-extract-people',
				execution_mode: 'ASYNC',
				sort: '-created_at',
			});
		});

		it('the lookup itself fails: the error says so and still gives the filters to check by hand', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 503,
				phase: 'after',
				pathPrefix: ASYNC_PATH,
				count: 1,
			});
			// Every read after it fails too (the client retries reads, so enough for all its attempts).
			sim.injectFaults({
				kind: 'status',
				status: 503,
				method: 'GET',
				pathPrefix: '/runs',
				count: 50,
			});
			const result = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
				{ url: profile('erin') },
			]);
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				'Edges answered 503 to the request that starts the run, and may have started it anyway',
			);
			expect(error.description).toContain('The node could not check');
			expect(error.description).toContain('Execution Modes = Async');
			expect(posts(sim)).toHaveLength(1);
		}, 60_000);

		it('continue on fail: the error item carries the run that was started', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 500,
				phase: 'after',
				pathPrefix: ASYNC_PATH,
				count: 1,
			});
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people'),
				[{ url: profile('fay') }, { url: profile('gus') }],
				{ continueOnFail: true },
			);
			const started = (await runsOf('ASYNC')).at(-1)!;
			expect(result.error).toBeUndefined();
			expect(json(result)).toEqual([
				expect.objectContaining({
					error: expect.stringContaining(`did start run ${started.uid}`),
					existing_run_uid: started.uid,
				}),
			]);
			expect(result.outputs[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('a user key named like the tag is refused before any request, as n8n_item is', async () => {
			const result = await runEdges(
				sim,
				runAsyncParams('linkedin-extract-people', {
					options: { customData: '{"n8n_request": "mine"}' },
				}),
				[{ url: profile('hal') }],
			);
			expect(result.error?.message).toBe('Custom data of item 0 uses the key "n8n_request"');
			expect(sim.requests).toEqual([]);
		});

		it('each execution sends its own tag', async () => {
			await runEdges(sim, runAsyncParams('linkedin-extract-people'), [{ url: profile('ivy') }]);
			await runEdges(sim, runAsyncParams('linkedin-extract-people'), [{ url: profile('ivy') }]);
			const [a, b] = (await runsOf('ASYNC')).slice(-2);
			const tagOf = (uid: string) => sim.run(uid)!.inputs[0].customData!.n8n_request;
			expect(tagOf(a.uid)).not.toBe(tagOf(b.uid));
		});
	});

	describe('Run Live', () => {
		const liveParams = {
			resource: 'action',
			operation: 'runLive',
			action: action('linkedin-extract-people'),
			inputSource: 'json',
			inputJson: '={{ JSON.stringify({ linkedin_profile_url: $json.url }) }}',
			returnAll: true,
		};

		it('a 500 after the live call ran: the error names the live run and says its results are gone', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 500,
				phase: 'after',
				pathPrefix: '/actions/linkedin-extract-people/run/live',
				count: 1,
			});
			const result = await runEdges(sim, liveParams, [{ url: profile('jo') }]);
			const ran = (await runsOf('LIVE')).at(-1)!;
			expect(sim.run(ran.uid)!.inputs[0].data).toEqual({ linkedin_profile_url: profile('jo') });
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				`Edges answered 500 to the live call, but it did run it: live run ${ran.uid}`,
			);
			expect(error.description).not.toMatch(/try again later/i);
			expect(error.description).toContain('costs credits again');
			expect(error.description).toContain('no results of live runs');
			expect(posts(sim)).toHaveLength(1);
		});

		it('continue on fail: the item that may have run says which live run it was; the others run', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 500,
				phase: 'after',
				pathPrefix: '/actions/linkedin-extract-people/run/live',
				count: 1,
			});
			const result = await runEdges(
				sim,
				liveParams,
				[{ url: profile('kit') }, { url: profile('lee') }],
				{ continueOnFail: true },
			);
			const [ran] = (await runsOf('LIVE')).slice(-2);
			expect(json(result)[0]).toEqual(
				expect.objectContaining({
					error: `Edges answered 500 to the live call, but it did run it: live run ${ran.uid}`,
					existing_run_uid: ran.uid,
				}),
			);
			expect(json(result)[1].linkedin_profile_url).toBe(profile('lee'));
			expect(posts(sim)).toHaveLength(2);
		});

		it('a 500 before it ran: no live run with this input, and how to check', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 500,
				pathPrefix: '/actions/linkedin-extract-people/run/live',
				count: 1,
			});
			const result = await runEdges(sim, liveParams, [{ url: profile('kai-never-ran') }]);
			const error = result.error as unknown as Described;
			expect(error.message).toBe('Edges answered 500 to the live call, and may have run it anyway');
			expect(error.description).toContain(
				'Run › Get Many with Filters › Action Names = linkedin-extract-people, Execution Modes = Live, Sort = Newest First',
			);
		});
	});

	describe('Schedule', () => {
		const scheduleParams = runAsyncParams('linkedin-extract-people', {
			operation: 'schedule',
			cron: '15 7 * * 1',
			timezone: 'Europe/Paris',
			scheduleName: 'weekly refresh',
		});

		it('a 500 after Edges created the schedule: the error names that schedule', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 500,
				phase: 'after',
				pathPrefix: '/actions/linkedin-extract-people/run/schedule',
				count: 1,
			});
			const result = await runEdges(sim, scheduleParams, [{ url: profile('lou') }]);
			const { data: schedules } = await apiClient(sim).get('/schedules?limit=100');
			expect(schedules).toHaveLength(1);
			const uid = schedules[0].uid as string;
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				`Edges answered 500 to the request that creates the schedule, but it did create schedule ${uid}`,
			);
			expect(error.description).toContain('a second schedule');
			expect(error.description).toContain('Schedule › Cancel');
			expect(posts(sim)).toHaveLength(1);
		});

		it('a dropped connection before anything was created: how to check by hand', async () => {
			sim.injectFaults({
				kind: 'reset',
				phase: 'before',
				pathPrefix: '/actions/linkedin-extract-people/run/schedule',
				count: 1,
			});
			const result = await runEdges(
				sim,
				{ ...scheduleParams, cron: '0 12 1 * *', scheduleName: 'monthly' },
				[{ url: profile('max') }],
			);
			const error = result.error as unknown as Described;
			expect(error.message).toBe(
				'The connection to Edges broke during the request that creates the schedule, and Edges may have created it anyway',
			);
			expect(error.description).toContain(
				'Schedule › Get Many with Filters › Action Names = linkedin-extract-people, Sort = Newest First',
			);
			expect(error.description).toContain('cron "0 12 1 * *"');
		});
	});
});
