// Edges Run Outputs: a page that stays truncated through every retry is reported, never skipped. In its own
// file because the client's backoff between the 7 attempts (random, capped) takes about 15 s on average,
// which then runs alongside the other test files instead of after them.
import { EdgesSimulator } from '../simulator';
import { outputRequests, readOutputs } from './support';

describe('Edges Run Outputs: a page that stays truncated', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 56, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});

	it('is reported after the retries, with no partial results, and the next run is still read', async () => {
		const broken = sim.seedRun({ outputs: 1100 });
		const fine = sim.seedRun({ outputs: 2 });
		// The first page goes through (held 1 ms); every attempt at the second one is cut in half.
		sim.injectFaults({ pathPrefix: `/runs/${broken}/outputs`, count: 1, kind: 'delay', ms: 1 });
		sim.injectFaults({ pathPrefix: `/runs/${broken}/outputs`, count: 100, kind: 'truncate' });

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: broken }, { run_uid: fine }], {
			continueOnFail: true,
		});

		const items = result.outputs[0];
		expect(items).toHaveLength(1 + 2);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(String(items[0].json.error)).toMatch(
			/^Edges sent a body that is not valid JSON for GET \/runs\/[^/]+\/outputs/,
		);
		expect(items.slice(1).map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 1 }]);
		// One good page, then the first attempt and 6 retries of the second page.
		expect(outputRequests(sim, broken).map((r) => r.fault)).toEqual([
			'delay',
			...Array(7).fill('truncate'),
		]);
	}, 60_000);
});
