/**
 * Benchmark 3 of issue 7, inside a real n8n: 10,000 input items into one async run. The Edges node (Run
 * Async: all items become one run) vs the HTTP Request recipe of Edges' n8n guide: the guide's request body
 * (`inputs` + `callback.on: "final"`) in an HTTP Request node after the items, which n8n runs once per item,
 * so one run per item. A careful user's variant (Aggregate the items first, then one HTTP Request) is
 * measured too, as context, and so is the Edges node with its inputs mapped automatically (the items carry
 * the action's field names, so n8n evaluates no expression per item).
 *
 *   npx tsx bench/n8n-start.ts
 *
 * The items come from a Webhook (a JSON list of profile URLs) and a Split Out node. All workflows live in
 * one n8n and the runs alternate between them. The simulator holds the runs it creates (they never end), so
 * no callback comes back during the measurement; requests are counted by the simulator.
 *
 * Environment: BENCH_ITEMS (10000), BENCH_ITERATIONS (3).
 */
import {
	NODE_TYPES,
	SimProcess,
	Table,
	activeWorkflow,
	apiKeyHeaderCredential,
	chain,
	envNumber,
	executionErrorOf,
	log,
	median,
	node,
	runBench,
	runViaWebhook,
	seconds,
	startBenchN8n,
	webhookNode,
	type BenchN8n,
} from './n8nShared';

const ITEMS = envNumber('BENCH_ITEMS', 10_000);
const ITERATIONS = envNumber('BENCH_ITERATIONS', 3);
const ACTION = 'linkedin-extract-people';

let sim: SimProcess | undefined;

function splitOut(destinationFieldName = 'url') {
	return node(
		'Split Out',
		'n8n-nodes-base.splitOut',
		{ fieldToSplitOut: 'body.urls', options: { destinationFieldName } },
		{ typeVersion: 1 },
	);
}

function recipeRequest(
	baseUrl: string,
	credential: { id: string; name: string },
	jsonBody: string,
) {
	return node(
		'Start Run',
		'n8n-nodes-base.httpRequest',
		{
			method: 'POST',
			url: `${baseUrl}/actions/${ACTION}/run/async`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody,
			options: {},
		},
		{ typeVersion: 4.2, credentials: { httpHeaderAuth: credential } },
	);
}

async function main(): Promise<boolean> {
	sim = await SimProcess.start({ seed: 9 });
	await sim.holdRuns(true);
	log('starting n8n');
	const n8n: BenchN8n = await startBenchN8n(sim);
	const headerCred = await apiKeyHeaderCredential(n8n);
	// Where the runs would call back (they are held, so nothing is sent during the benchmark).
	const callbackUrl = n8n.n8n.webhookUrl('edges-callback');

	const workflows = {
		ours: {
			label: 'Edges node (Run Async)',
			path: 'bench-start-ours',
			node: 'Edges',
			id: await activeWorkflow(
				n8n,
				'Ours: Webhook -> Split Out -> Edges Run Async',
				[
					webhookNode('Webhook', 'bench-start-ours'),
					splitOut(),
					node(
						'Edges',
						NODE_TYPES.edges,
						{
							resource: 'action',
							operation: 'runAsync',
							action: { __rl: true, mode: 'slug', value: ACTION },
							inputSource: 'json',
							inputJson: '={{ JSON.stringify({ linkedin_profile_url: $json.url }) }}',
							options: { callbackUrl, callbackOn: 'final' },
						},
						{ credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } } },
					),
				],
				chain('Webhook', 'Split Out', 'Edges'),
			),
		},
		oursMapped: {
			label: 'Edges node, inputs mapped automatically',
			path: 'bench-start-ours-mapped',
			node: 'Edges',
			id: await activeWorkflow(
				n8n,
				'Ours: Webhook -> Split Out -> Edges Run Async (Map Automatically)',
				[
					webhookNode('Webhook', 'bench-start-ours-mapped'),
					// The items already carry the action's field name, so no expression is needed.
					splitOut('linkedin_profile_url'),
					node(
						'Edges',
						NODE_TYPES.edges,
						{
							resource: 'action',
							operation: 'runAsync',
							action: { __rl: true, mode: 'slug', value: ACTION },
							inputSource: 'fields',
							inputFields: { mappingMode: 'autoMapInputData', value: null },
							options: { callbackUrl, callbackOn: 'final' },
						},
						{ credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } } },
					),
				],
				chain('Webhook', 'Split Out', 'Edges'),
			),
		},
		perItem: {
			label: "recipe as in Edges' guide (HTTP Request per item)",
			path: 'bench-start-recipe',
			node: 'Start Run',
			id: await activeWorkflow(
				n8n,
				'Recipe: Webhook -> Split Out -> HTTP Request',
				[
					webhookNode('Webhook', 'bench-start-recipe'),
					splitOut(),
					recipeRequest(
						sim.baseUrl,
						headerCred,
						`={{ JSON.stringify({ inputs: [{ linkedin_profile_url: $json.url }], callback: { url: ${JSON.stringify(callbackUrl)}, on: "final" } }) }}`,
					),
				],
				chain('Webhook', 'Split Out', 'Start Run'),
			),
		},
		aggregated: {
			label: 'recipe with Aggregate first (careful user)',
			path: 'bench-start-aggregated',
			node: 'Start Run',
			id: await activeWorkflow(
				n8n,
				'Recipe: Webhook -> Split Out -> Aggregate -> HTTP Request',
				[
					webhookNode('Webhook', 'bench-start-aggregated'),
					splitOut(),
					node(
						'Aggregate',
						'n8n-nodes-base.aggregate',
						{
							aggregate: 'aggregateIndividualFields',
							fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'url' }] },
							options: {},
						},
						{ typeVersion: 1 },
					),
					recipeRequest(
						sim.baseUrl,
						headerCred,
						`={{ JSON.stringify({ inputs: $json.url.map((u) => ({ linkedin_profile_url: u })), callback: { url: ${JSON.stringify(callbackUrl)}, on: "final" } }) }}`,
					),
				],
				chain('Webhook', 'Split Out', 'Aggregate', 'Start Run'),
			),
		},
	};
	type Key = keyof typeof workflows;

	const urls = (n: number, tag: string) =>
		Array.from({ length: n }, (_, i) => `https://www.linkedin.com/in/bench-${tag}-${i}`);
	const measure = async (key: Key, n: number, tag: string) => {
		const w = workflows[key];
		await sim!.clearRequests();
		const { execution, wallMs } = await runViaWebhook(n8n, w.id, w.path, { urls: urls(n, tag) });
		const log = await sim!.requests();
		const starts = log.filter((r) => r.method === 'POST' && r.path.includes('/run/async'));
		return {
			wallMs,
			requests: starts.length,
			refused: starts.filter((r) => r.status !== 200).length,
			ok: execution.status === 'success',
			error:
				execution.status === 'success' ? undefined : await executionErrorOf(n8n.api, execution.id),
		};
	};

	log('warm-up');
	for (const key of Object.keys(workflows) as Key[]) {
		const m = await measure(key, 20, 'warm');
		if (!m.ok) throw new Error(`warm-up of ${key}: ${m.error}`);
	}

	const results: Record<Key, Awaited<ReturnType<typeof measure>>[]> = {
		ours: [],
		oursMapped: [],
		perItem: [],
		aggregated: [],
	};
	const keys = Object.keys(workflows) as Key[];
	for (let i = 0; i < ITERATIONS; i++) {
		const order = i % 2 === 0 ? keys : [...keys].reverse();
		for (const key of order) {
			const m = await measure(key, ITEMS, `${i}`);
			results[key].push(m);
			log(
				`${i + 1}/${ITERATIONS} ${key}: ${m.ok ? 'ok' : `FAILED (${m.error})`}, ${seconds(m.wallMs)}, ${m.requests} requests (${m.refused} refused)`,
			);
		}
	}

	const med = (key: Key, f: (m: (typeof results)[Key][number]) => number) =>
		median(results[key].map(f));
	const table = new Table(['variant', 'requests to Edges', 'runs created', 'wall time', 'vs ours']);
	const oursWall = med('ours', (m) => m.wallMs);
	const oursReq = med('ours', (m) => m.requests);
	for (const key of keys) {
		const req = med(key, (m) => m.requests);
		const wall = med(key, (m) => m.wallMs);
		const failed = results[key].filter((m) => !m.ok).length;
		table.add(
			[
				workflows[key].label,
				String(req),
				String(req - med(key, (m) => m.refused)),
				`${seconds(wall)}${failed ? ` (${failed} failed)` : ''}`,
				key === 'ours'
					? ''
					: `${(req / oursReq).toFixed(0)}x the requests, ${(wall / oursWall).toFixed(2)}x the time`,
			],
			key === 'ours' || key === 'oursMapped'
				? failed === 0 && req === Math.ceil(ITEMS / 100_000)
				: undefined,
		);
	}
	table.print(
		`Benchmark 3, start: ${ITEMS.toLocaleString('en-US')} input items into one async run (${ACTION}), medians of ${ITERATIONS} runs`,
	);
	return table.allMet;
}

runBench(main, async () => {
	await sim?.stop();
});
