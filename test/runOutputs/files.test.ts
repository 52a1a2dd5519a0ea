// Edges Run Outputs, runs of any size: "Files (Any Size)" writes the results into n8n's binary data as
// files of bounded size, and item output refuses, before any page is read, a run too big for memory.
import type { INodeExecutionData } from 'n8n-workflow';

import { EdgesSimulator } from '../simulator';
import { jsonOf, outputRequests, readOutputs, referenceOutputs } from './support';

/** The file of an output item, as text (the in-process engine keeps binary data inline, base64). */
function fileText(item: INodeExecutionData, field = 'data'): string {
	const binary = item.binary?.[field];
	if (!binary) throw new Error(`item has no binary field "${field}"`);
	return Buffer.from(binary.data, 'base64').toString('utf8');
}

const parseLines = (text: string) =>
	text
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('Edges Run Outputs: runs of any size', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 151, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	describe('Files (Any Size)', () => {
		it('writes every result, in order, into JSON Lines files of "Results per File" results', async () => {
			const runUid = sim.seedRun({ outputs: 2_345, outputBytes: 200 });

			const result = await readOutputs(sim.baseUrl, { output: 'files', resultsPerFile: 1_000 }, [
				{ run_uid: runUid },
			]);

			expect(result.error).toBeUndefined();
			const items = result.outputs[0];
			expect(jsonOf(items)).toEqual([
				expect.objectContaining({
					run_uid: runUid,
					part: 1,
					first_index: 0,
					last_index: 999,
					count: 1000,
				}),
				expect.objectContaining({ part: 2, first_index: 1000, last_index: 1999, count: 1000 }),
				expect.objectContaining({ part: 3, first_index: 2000, last_index: 2344, count: 345 }),
			]);
			expect(items.map((item) => item.binary?.data.mimeType)).toEqual(
				Array(3).fill('application/x-ndjson'),
			);
			expect(items[0].binary?.data.fileName).toBe(`edges-run-${runUid}-part-0001.jsonl`);
			expect(items.map((item) => item.pairedItem)).toEqual(Array(3).fill({ item: 0 }));

			const written = items.flatMap((item) => parseLines(fileText(item)));
			expect(written).toEqual(await referenceOutputs(sim, runUid));
		});

		it('as JSON Array, each file is one valid JSON array', async () => {
			const runUid = sim.seedRun({ outputs: 1_201, outputBytes: 100 });

			const result = await readOutputs(
				sim.baseUrl,
				{ output: 'files', fileFormat: 'json', resultsPerFile: 600, binaryPropertyName: 'results' },
				[{ run_uid: runUid }],
			);

			expect(result.error).toBeUndefined();
			const items = result.outputs[0];
			expect(items.map((item) => item.json.count)).toEqual([600, 600, 1]);
			const arrays = items.map(
				(item) => JSON.parse(fileText(item, 'results')) as Array<Record<string, unknown>>,
			);
			expect(arrays.flat()).toEqual(await referenceOutputs(sim, runUid));
			expect(items[2].binary?.results.mimeType).toBe('application/json');
		});

		it('checks the count against output_count as item output does: lost results fail, or are marked', async () => {
			const runUid = sim.seedRun({ outputs: 1_500, servedOutputs: 1_200, outputBytes: 100 });

			const failed = await readOutputs(sim.baseUrl, { output: 'files', resultsPerFile: 1_000 }, [
				{ run_uid: runUid },
			]);
			expect(failed.error?.message).toBe(
				`Received 1,200 of the 1,500 outputs the run reports for Edges run ${runUid}`,
			);

			const marked = await readOutputs(
				sim.baseUrl,
				{ output: 'files', resultsPerFile: 1_000, options: { onIncomplete: 'mark' } },
				[{ run_uid: runUid }],
			);
			expect(marked.error).toBeUndefined();
			expect(jsonOf(marked.outputs[0])).toEqual([
				expect.objectContaining({
					part: 1,
					count: 1000,
					_edges_run: expect.objectContaining({
						complete: false,
						received_count: 1200,
						output_count: 1500,
					}),
				}),
				expect.objectContaining({
					part: 2,
					count: 200,
					_edges_run: expect.objectContaining({ complete: false }),
				}),
			]);
		});

		it('lists failed inputs after the files, with their errors', async () => {
			const runUid = sim.seedRun({ outputs: 30, failedInputs: 2 });

			const result = await readOutputs(
				sim.baseUrl,
				{ output: 'files', options: { includeFailedInputs: true } },
				[{ run_uid: runUid }],
			);

			expect(result.error).toBeUndefined();
			const items = jsonOf(result.outputs[0]);
			expect(items[0]).toMatchObject({ part: 1, count: 30 });
			expect(items.slice(1)).toEqual([
				{ run_uid: runUid, failed_input: expect.objectContaining({ status: 'FAILED' }) },
				{ run_uid: runUid, failed_input: expect.objectContaining({ status: 'FAILED' }) },
			]);
		});

		it('is not limited by "Max Results in Memory"', async () => {
			const runUid = sim.seedRun({ outputs: 150, outputBytes: 50 });
			const result = await readOutputs(
				sim.baseUrl,
				{ output: 'files', options: { maxResultsInMemory: 100 } },
				[{ run_uid: runUid }],
			);
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => item.json.count)).toEqual([150]);
		});

		it('refuses a "Results per File" outside 1..100,000 before reading', async () => {
			const runUid = sim.seedRun({ outputs: 5 });
			const result = await readOutputs(sim.baseUrl, { output: 'files', resultsPerFile: 0 }, [
				{ run_uid: runUid },
			]);
			expect(result.error?.message).toBe(
				'Results per File must be a whole number from 1 to 100,000, not 0',
			);
			expect(outputRequests(sim, runUid)).toEqual([]);
		});
	});

	describe('the guard before reading into items', () => {
		it('refuses by default a run of more than 100,000 results, before any page, and names the way out', async () => {
			const runUid = sim.seedRun({ outputs: 100_001 });

			for (const output of ['perResult', 'perRun']) {
				const result = await readOutputs(sim.baseUrl, { output }, [{ run_uid: runUid }]);
				expect(result.error?.message).toBe(
					`Edges run ${runUid} has 100,001 results, more than the 100,000 this node holds in memory`,
				);
				expect(result.error?.description).toMatch(/Files \(Any Size\)/);
				expect(result.error?.description).toMatch(/Limit/);
				expect(result.error?.description).toMatch(/Max Results in Memory/);
			}
			expect(outputRequests(sim, runUid)).toEqual([]);
		});

		it('counts what a Limit lets through, and a setting of 0 turns it off', async () => {
			const runUid = sim.seedRun({ outputs: 150, outputBytes: 50 });
			const options = { maxResultsInMemory: 100 };

			const refused = await readOutputs(sim.baseUrl, { options }, [{ run_uid: runUid }]);
			expect(refused.error?.message).toMatch(/has 150 results, more than the 100/);

			const limited = await readOutputs(sim.baseUrl, { returnAll: false, limit: 100, options }, [
				{ run_uid: runUid },
			]);
			expect(limited.error).toBeUndefined();
			expect(limited.outputs[0]).toHaveLength(100);

			const unguarded = await readOutputs(sim.baseUrl, { options: { maxResultsInMemory: 0 } }, [
				{ run_uid: runUid },
			]);
			expect(unguarded.outputs[0]).toHaveLength(150);
		});

		it('with Continue On Fail, an oversized run becomes an error item and the next run is read', async () => {
			const big = sim.seedRun({ outputs: 101 });
			const small = sim.seedRun({ outputs: 3 });
			const result = await readOutputs(
				sim.baseUrl,
				{ options: { maxResultsInMemory: 100 } },
				[{ run_uid: big }, { run_uid: small }],
				{ continueOnFail: true },
			);
			const items = result.outputs[0];
			expect(items[0].json.error).toMatch(/has 101 results/);
			expect(items.slice(1)).toHaveLength(3);
			expect(items.slice(1).map((item) => item.pairedItem)).toEqual(Array(3).fill({ item: 1 }));
		});
	});
});
