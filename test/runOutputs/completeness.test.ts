// Edges Run Outputs, completeness: a run still going is reported, not read as empty; fewer results than the
// run's output_count fail or are marked, as the user chose; failed inputs come with their errors.
import { EdgesSimulator } from '../simulator';
import {
	jsonOf,
	outputRequests,
	pairingOf,
	readOutputs,
	referenceOutputs,
	requestsFor,
} from './support';

describe('Edges Run Outputs: completeness', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 53, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	describe('a run that is not finished', () => {
		it('fails by default with a message that says the run is still RUNNING, and reads no outputs', async () => {
			const runUid = sim.seedRun({ outputs: 40, status: 'RUNNING' });

			const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

			expect(result.error?.message).toBe(
				`Edges run ${runUid} is still RUNNING, so its outputs are not final and were not read`,
			);
			expect(result.error?.description).toMatch(/Wait until the run is finished/);
			expect(requestsFor(sim, runUid)).toHaveLength(1);
		});

		it('with "Continue and Mark the Items" gives one item with the status instead of results', async () => {
			const running = sim.seedRun({ outputs: 40, status: 'RUNNING' });
			const blocked = sim.seedRun({ outputs: 0, failedInputs: 1, status: 'BLOCKED' });
			const done = sim.seedRun({ outputs: 2 });

			const result = await readOutputs(sim.baseUrl, { options: { onIncomplete: 'mark' } }, [
				{ run_uid: running },
				{ run_uid: blocked },
				{ run_uid: done },
			]);

			expect(result.error).toBeUndefined();
			const items = result.outputs[0];
			expect(jsonOf(items.slice(0, 2))).toEqual([
				{
					_edges_run: {
						run_uid: running,
						status: 'RUNNING',
						finished: false,
						complete: false,
						output_count: 40,
						received_count: 0,
						issue: `Edges run ${running} is still RUNNING, so its outputs are not final and were not read`,
					},
				},
				{
					_edges_run: expect.objectContaining({
						status: 'BLOCKED',
						finished: false,
						complete: false,
						issue: `Edges run ${blocked} is BLOCKED (BAD_INPUT: The input is not valid for this action), not finished, so its outputs are not final and were not read`,
					}),
				},
			]);
			expect(items.slice(2).every((item) => !('_edges_run' in item.json))).toBe(true);
			expect(pairingOf(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 2 }]);
			expect(outputRequests(sim, running)).toHaveLength(0);
		});

		it('"One Item per Run" marks the run item and leaves its results empty', async () => {
			const runUid = sim.seedRun({ outputs: 40, status: 'QUEUED' });

			const result = await readOutputs(
				sim.baseUrl,
				{ output: 'perRun', options: { onIncomplete: 'mark' } },
				[{ run_uid: runUid }],
			);

			expect(jsonOf(result.outputs[0])).toEqual([
				expect.objectContaining({
					run_uid: runUid,
					status: 'QUEUED',
					finished: false,
					complete: false,
					results: [],
				}),
			]);
		});
	});

	describe('fewer results than the run reports', () => {
		// Edges has lost outputs: the run reports 1,200 but its outputs listing ends after 1,194 (the third
		// cursor page is short and has no X-Pagination-Next).
		const lostRun = () => sim.seedRun({ outputs: 1200, servedOutputs: 1194 });

		it('fails by default, naming how many arrived of how many, and passes on no partial results', async () => {
			const runUid = lostRun();

			const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

			expect(result.error?.message).toBe(
				`Received 1,194 of the 1,200 outputs the run reports for Edges run ${runUid}`,
			);
			expect(result.outputs.flat()).toHaveLength(0);
		});

		it('with continueOnFail gives an error item for that run and goes on with the next', async () => {
			const short = lostRun();
			const fine = sim.seedRun({ outputs: 3 });

			const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: short }, { run_uid: fine }], {
				continueOnFail: true,
			});

			const items = result.outputs[0];
			expect(items).toHaveLength(1 + 3);
			expect(items[0]).toEqual({
				json: {
					error: `Received 1,194 of the 1,200 outputs the run reports for Edges run ${short}`,
				},
				pairedItem: { item: 0 },
			});
			expect(pairingOf(items.slice(1))).toEqual([{ item: 1 }, { item: 1 }, { item: 1 }]);
		});

		it('with "Continue and Mark the Items" returns what arrived, each item saying what is missing', async () => {
			const runUid = lostRun();
			const expected = await referenceOutputs(sim, runUid);
			expect(expected).toHaveLength(1194);

			const result = await readOutputs(sim.baseUrl, { options: { onIncomplete: 'mark' } }, [
				{ run_uid: runUid },
			]);

			expect(result.error).toBeUndefined();
			const summary = {
				run_uid: runUid,
				status: 'SUCCEEDED',
				finished: true,
				complete: false,
				output_count: 1200,
				received_count: 1194,
				issue: `Received 1,194 of the 1,200 outputs the run reports for Edges run ${runUid}`,
			};
			expect(jsonOf(result.outputs[0])).toEqual(
				expected.map((output) => ({ ...output, _edges_run: summary })),
			);
		});
	});

	describe('failed inputs', () => {
		it('are not fetched unless asked for', async () => {
			const runUid = sim.seedRun({ outputs: 5, failedInputs: 2 });

			const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

			expect(result.outputs[0]).toHaveLength(5);
			expect(requestsFor(sim, runUid).some((r) => r.path.endsWith('/inputs'))).toBe(false);
		});

		it('follow the results, one item each with its input and Edges error', async () => {
			const runUid = sim.seedRun({ outputs: 5, failedInputs: 2 });
			const expected = await referenceOutputs(sim, runUid);

			const result = await readOutputs(sim.baseUrl, { options: { includeFailedInputs: true } }, [
				{ run_uid: runUid },
			]);

			expect(result.error).toBeUndefined();
			const items = jsonOf(result.outputs[0]);
			expect(items.slice(0, 5)).toEqual(expected);
			expect(items.slice(5)).toEqual([
				{
					run_uid: runUid,
					failed_input: expect.objectContaining({
						status: 'FAILED',
						input_data: expect.any(Object),
						custom_data: { sim_index: 1 },
						error: expect.objectContaining({ has_failed: true, label: 'LK_ERROR' }),
					}),
				},
				{
					run_uid: runUid,
					failed_input: expect.objectContaining({ custom_data: { sim_index: 2 } }),
				},
			]);
			expect(pairingOf(result.outputs[0])).toEqual(Array(7).fill({ item: 0 }));
		});

		it('"One Item per Run" lists them under failed_inputs, also for a FAILED run without results', async () => {
			const runUid = sim.seedRun({ outputs: 0, failedInputs: 3 });

			const result = await readOutputs(
				sim.baseUrl,
				{ output: 'perRun', options: { includeFailedInputs: true } },
				[{ run_uid: runUid }],
			);

			expect(result.error).toBeUndefined();
			const [item] = jsonOf(result.outputs[0]);
			expect(item).toMatchObject({ status: 'FAILED', complete: true, results: [] });
			expect(item.failed_inputs).toHaveLength(3);
			expect(item.failed_inputs).toEqual(
				Array(3).fill(
					expect.objectContaining({
						status: 'FAILED',
						error: expect.objectContaining({
							message: 'LinkedIn answered with an unexpected error',
						}),
					}),
				),
			);
		});
	});
});

describe('Edges Run Outputs: completeness with legacy paging (limit + offset)', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 55, outputsPaging: 'legacy' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	it('reports lost outputs too: the short page does not end the run early, the empty page does', async () => {
		const runUid = sim.seedRun({ outputs: 345, servedOutputs: 250 });

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error?.message).toBe(
			`Received 250 of the 345 outputs the run reports for Edges run ${runUid}`,
		);
		expect(result.outputs.flat()).toHaveLength(0);
		// 500 refused, then offsets 0, 100, 200 (50 results: short, but fewer than output_count so far) and
		// 250 (empty: the end).
		expect(outputRequests(sim, runUid).map((r) => [r.query.offset ?? '0', r.status])).toEqual([
			['0', 400],
			['0', 200],
			['100', 200],
			['200', 200],
			['250', 200],
		]);
	});
});
