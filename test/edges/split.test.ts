/**
 * More than 100,000 items (Edges' limit per async run) are split into several runs, each paired to its items.
 * Sizes are read from the simulator's run state, not from logs.
 */
import { EdgesSimulator } from '../simulator';
import { action, json, paired, posts, runEdges } from './support';

it('splits 100,001 items into a run of 100,000 and a run of 1, in item order', async () => {
	const sim = await EdgesSimulator.start({ seed: 11, stepMs: 50 });
	try {
		sim.holdRuns(true);
		const items = Array.from({ length: 100_001 }, (_, i) => ({
			linkedin_profile_url: `https://www.linkedin.com/in/p${i}/`,
		}));
		const result = await runEdges(
			sim,
			{
				resource: 'action',
				operation: 'runAsync',
				action: action('linkedin-extract-people'),
				inputSource: 'fields',
				inputFields: {
					mappingMode: 'autoMapInputData',
					value: null,
					matchingColumns: [],
					schema: [],
				},
				options: {},
			},
			items,
		);
		expect(result.error).toBeUndefined();
		expect(posts(sim)).toHaveLength(2);
		const runs = json(result);
		expect(runs.map((r) => [r.input_count, r.first_item, r.last_item])).toEqual([
			[100_000, 0, 99_999],
			[1, 100_000, 100_000],
		]);
		const pairs = paired(result) as Array<Array<{ item: number }> | { item: number }>;
		expect((pairs[0] as Array<{ item: number }>).length).toBe(100_000);
		expect(pairs[1]).toEqual({ item: 100_000 });

		const first = sim.run(runs[0].run_uid as string)!;
		const second = sim.run(runs[1].run_uid as string)!;
		expect(first.inputs).toHaveLength(100_000);
		const firstTag = first.inputs[0].customData!.n8n_request;
		expect(first.inputs[99_999].customData).toEqual({ n8n_item: 99_999, n8n_request: firstTag });
		expect(second.inputs).toHaveLength(1);
		expect(second.inputs[0].data).toEqual({
			linkedin_profile_url: 'https://www.linkedin.com/in/p100000/',
		});
		// Each run has its own tag: a lost creation answer must point at one run, not two.
		expect(second.inputs[0].customData).toEqual({
			n8n_item: 100_000,
			n8n_request: expect.stringMatching(/^[0-9a-f]{12}$/),
		});
		expect(second.inputs[0].customData!.n8n_request).not.toBe(firstTag);
	} finally {
		await sim.stop();
	}
}, 60_000);
