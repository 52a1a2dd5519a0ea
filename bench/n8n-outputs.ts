/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark-only code: it never ships in the package; it removes the folders of the n8n it stops */
/**
 * Benchmark 1 of issue 7, inside a real n8n: reading a finished run's outputs with the Edges Run Outputs node
 * vs the HTTP Request recipe of Edges' n8n guide (GET /runs/{uid}/outputs?limit=100, pagination "Response
 * Contains Next URL" on X-Pagination-Next).
 *
 *   npx tsx bench/n8n-outputs.ts
 *
 * Two n8n instances side by side, one per variant, for requests and wall time; the runs alternate between
 * them. Memory is measured apart, on a fresh n8n per variant and per round: an n8n's RSS before a run
 * depends on everything it ran before (V8 keeps the heap it grew), so only processes with the same history
 * (started, one warm-up run of 1,000 outputs, then the measured run) can be compared. Each workflow starts
 * with a Webhook that gets a final-callback body (as Edges would send it), then reads the run. Requests are
 * counted by the simulator (child process).
 *
 * Environment: BENCH_OUTPUTS (100000), BENCH_ITERATIONS (3), BENCH_RATE (10 req/s: Silver's 2.5 req/s on
 * /runs/* scaled x4 in time; 2.5 for the real plan), BENCH_RL_OUTPUTS (20000: outputs for the rate-limited
 * leg), BENCH_RL_ITERATIONS (3), BENCH_RETRY_LEG (1: also run the recipe with Retry On Fail only),
 * BENCH_MEMORY_ROUNDS (3: fresh-n8n memory rounds; 0 skips the leg).
 */
import fs from 'node:fs';

import {
	NODE_TYPES,
	SimProcess,
	Table,
	activeWorkflow,
	apiKeyHeaderCredential,
	chain,
	envNumber,
	executionErrorOf,
	highWaterMarkKb,
	itemCount,
	log,
	median,
	megabytes,
	node,
	runBench,
	runViaWebhook,
	sampleRss,
	seconds,
	startBenchN8n,
	webhookNode,
	type BenchN8n,
} from './n8nShared';

const OUTPUTS = envNumber('BENCH_OUTPUTS', 100_000);
const ITERATIONS = envNumber('BENCH_ITERATIONS', 3);
const RATE = envNumber('BENCH_RATE', 10);
const RL_OUTPUTS = envNumber('BENCH_RL_OUTPUTS', 20_000);
const RL_ITERATIONS = envNumber('BENCH_RL_ITERATIONS', 3);
const RETRY_LEG = envNumber('BENCH_RETRY_LEG', 1) === 1;
const MEMORY_ROUNDS = envNumber('BENCH_MEMORY_ROUNDS', 3);
/** What a careful user sets as the recipe's Request Interval: one request per 1/rate s. */
const INTERVAL_MS = Math.ceil(1000 / RATE);

let sim: SimProcess | undefined;

function finalCallback(runUid: string) {
	return {
		callback_ref_uid: crypto.randomUUID(),
		run: { run_uid: runUid, batch_uid: crypto.randomUUID(), status: 'SUCCEEDED' },
		input: null,
		custom_data: null,
		error: null,
		results: null,
	};
}

/** The recipe's reader: HTTP Request v4.2 as Edges' guide has it, with the options a careful user adds. */
function recipeReader(
	baseUrl: string,
	credential: { id: string; name: string },
	settings: { requestIntervalMs?: number; retryOnFail?: boolean },
) {
	return node(
		'Get Outputs',
		'n8n-nodes-base.httpRequest',
		{
			method: 'GET',
			url: `=${baseUrl}/runs/{{ $json.body.run.run_uid }}/outputs`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'limit', value: '100' }] },
			options: {
				pagination: {
					pagination: {
						paginationMode: 'responseContainsNextURL',
						nextURL: '={{ $response.headers["x-pagination-next"] }}',
						paginationCompleteWhen: 'other',
						completeExpression: '={{ !$response.headers["x-pagination-next"] }}',
						...(settings.requestIntervalMs ? { requestInterval: settings.requestIntervalMs } : {}),
					},
				},
			},
		},
		{
			typeVersion: 4.2,
			credentials: { httpHeaderAuth: credential },
			...(settings.retryOnFail ? { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 } : {}),
		},
	);
}

interface Measured {
	wallMs: number;
	requests: number;
	refused: number;
	peakKb: number;
	startKb: number;
	ok: boolean;
	error?: string;
}

async function measure(
	n8n: BenchN8n,
	workflowId: string,
	path: string,
	runUid: string,
): Promise<Measured> {
	await sim!.clearRequests();
	const sampler = sampleRss(n8n.n8n.pid);
	const { execution, wallMs } = await runViaWebhook(n8n, workflowId, path, finalCallback(runUid));
	const rss = sampler.stop();
	const log = (await sim!.requests()).filter((r) => r.path.includes(`/runs/${runUid}`));
	const ok = execution.status === 'success';
	return {
		wallMs,
		requests: log.length,
		refused: log.filter((r) => r.status === 429).length,
		peakKb: rss.peakKb,
		startKb: rss.startKb,
		ok,
		error: ok ? undefined : await executionErrorOf(n8n.api, execution.id),
	};
}

interface Deployed {
	n8n: BenchN8n;
	id: string;
	path: string;
}

async function deployRecipe(
	n8n: BenchN8n,
	credential: { id: string; name: string },
	name: string,
	settings: Parameters<typeof recipeReader>[2],
): Promise<Deployed> {
	const path = `bench-recipe-${name}`;
	const id = await activeWorkflow(
		n8n,
		`Recipe (${name}): Webhook -> HTTP Request with pagination`,
		[webhookNode('Webhook', path), recipeReader(sim!.baseUrl, credential, settings)],
		chain('Webhook', 'Get Outputs'),
	);
	return { n8n, id, path };
}

async function deployOurs(n8n: BenchN8n): Promise<Deployed> {
	const path = 'bench-ours';
	const id = await activeWorkflow(
		n8n,
		'Ours: Webhook -> Edges Run Outputs',
		[
			webhookNode('Webhook', path),
			node(
				'Edges Run Outputs',
				NODE_TYPES.edgesRunOutputs,
				{ runUid: '={{ $json.body.run.run_uid }}', returnAll: true, output: 'perResult' },
				{ credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } } },
			),
		],
		chain('Webhook', 'Edges Run Outputs'),
	);
	return { n8n, id, path };
}

const run = (w: Deployed, runUid: string) => measure(w.n8n, w.id, w.path, runUid);

/**
 * One memory sample: a fresh n8n with one variant, one warm-up run (code loaded, caches filled), then the
 * measured run. The n8n is stopped and its folder removed afterwards (100,000 items of execution data).
 */
async function freshMemoryRun(
	which: 'recipe' | 'ours',
	fullRun: string,
	warmRun: string,
): Promise<Measured & { hwmKb: number }> {
	const n8n = await startBenchN8n(sim!);
	try {
		const w =
			which === 'recipe'
				? await deployRecipe(n8n, await apiKeyHeaderCredential(n8n), 'plain', {})
				: await deployOurs(n8n);
		const warm = await run(w, warmRun);
		if (!warm.ok) throw new Error(`memory warm-up (${which}) failed: ${warm.error}`);
		const m = await run(w, fullRun);
		if (!m.ok) throw new Error(`memory run (${which}) failed: ${m.error}`);
		return { ...m, hwmKb: highWaterMarkKb(n8n.n8n.pid) };
	} finally {
		await n8n.n8n.stop();
		if (process.env.E2E_KEEP !== '1') fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
}

async function main(): Promise<boolean> {
	log(`simulator: ${OUTPUTS} + ${RL_OUTPUTS} outputs of ~1 KB (cursor paging)`);
	sim = await SimProcess.start({ seed: 7, outputsPaging: 'cursor' });
	const fullRun = await sim.seedRun({ outputs: OUTPUTS, outputBytes: 1024 });
	const rlRun = await sim.seedRun({ outputs: RL_OUTPUTS, outputBytes: 1024 });
	const warmRun = await sim.seedRun({ outputs: 1000, outputBytes: 1024 });

	// ---- memory: a fresh n8n per variant and per round -------------------------------------------------
	const memory = {
		recipe: [] as (Measured & { hwmKb: number })[],
		ours: [] as (Measured & { hwmKb: number })[],
	};
	for (let i = 0; i < MEMORY_ROUNDS; i++) {
		const order = i % 2 === 0 ? (['recipe', 'ours'] as const) : (['ours', 'recipe'] as const);
		for (const which of order) {
			const m = await freshMemoryRun(which, fullRun, warmRun);
			memory[which].push(m);
			log(
				`memory ${i + 1}/${MEMORY_ROUNDS} ${which} (fresh n8n): peak RSS ${megabytes(m.peakKb)} (from ${megabytes(m.startKb)}), VmHWM ${megabytes(m.hwmKb)}, ${seconds(m.wallMs)}`,
			);
		}
	}

	log('starting two n8n instances (recipe, Edges node)');
	const recipeN8n = await startBenchN8n(sim);
	const oursN8n = await startBenchN8n(sim);
	const headerCred = await apiKeyHeaderCredential(recipeN8n);
	const plain = await deployRecipe(recipeN8n, headerCred, 'plain', {});
	const careful = await deployRecipe(recipeN8n, headerCred, 'careful', {
		requestIntervalMs: INTERVAL_MS,
		retryOnFail: true,
	});
	const retryOnly = await deployRecipe(recipeN8n, headerCred, 'retry', { retryOnFail: true });
	const ours = await deployOurs(oursN8n);
	const variants = {
		recipe: (w: Deployed, runUid: string) => run(w, runUid),
		ours: (runUid: string) => run(ours, runUid),
	};

	log('warm-up');
	for (const m of [await variants.recipe(plain, warmRun), await variants.ours(warmRun)]) {
		if (!m.ok) throw new Error(`warm-up failed: ${m.error}`);
	}

	// ---- no rate limit, full size ------------------------------------------------------------------
	const free = { recipe: [] as Measured[], ours: [] as Measured[] };
	for (let i = 0; i < ITERATIONS; i++) {
		const order = i % 2 === 0 ? (['recipe', 'ours'] as const) : (['ours', 'recipe'] as const);
		for (const which of order) {
			const m =
				which === 'recipe' ? await variants.recipe(plain, fullRun) : await variants.ours(fullRun);
			if (!m.ok) throw new Error(`${which}, no limit: ${m.error}`);
			free[which].push(m);
			log(`no limit ${i + 1}/${ITERATIONS} ${which}: ${seconds(m.wallMs)}, ${m.requests} req`);
		}
	}

	// ---- under the plan's rate limit ------------------------------------------------------------------
	const limited = { recipe: [] as Measured[], ours: [] as Measured[] };
	for (let i = 0; i < RL_ITERATIONS; i++) {
		const order = i % 2 === 0 ? (['recipe', 'ours'] as const) : (['ours', 'recipe'] as const);
		for (const which of order) {
			await sim.setRateLimit({ perSecond: RATE }); // a full bucket for each run
			const m =
				which === 'recipe' ? await variants.recipe(careful, rlRun) : await variants.ours(rlRun);
			limited[which].push(m);
			log(
				`limit ${RATE}/s ${i + 1}/${RL_ITERATIONS} ${which}: ${m.ok ? 'ok' : `FAILED (${m.error})`}, ${seconds(m.wallMs)}, ${m.requests} req, ${m.refused} x 429`,
			);
		}
	}
	let retried: Measured | undefined;
	if (RETRY_LEG) {
		await sim.setRateLimit({ perSecond: RATE });
		retried = await variants.recipe(retryOnly, rlRun);
		log(
			`limit ${RATE}/s recipe with Retry On Fail only: ${retried.ok ? 'ok' : `FAILED (${retried.error})`}, ${seconds(retried.wallMs)}, ${retried.requests} req, ${retried.refused} x 429`,
		);
	}
	await sim.setRateLimit(null);

	// ---- the items are all there (the rate-limited executions: lighter to load) -----------------------
	const lastOk = async (n8n: BenchN8n, workflowId: string, nodeName: string) => {
		const executions = (await n8n.api.listExecutions(workflowId, { includeData: false })).filter(
			(e) => e.status === 'success',
		);
		return executions.length ? await itemCount(n8n.api, executions[0].id, nodeName) : 0;
	};
	const counts = {
		recipe: await lastOk(recipeN8n, careful.id, 'Get Outputs'),
		ours: await lastOk(oursN8n, ours.id, 'Edges Run Outputs'),
	};

	// ---- table -----------------------------------------------------------------------------------------
	const med = <T>(list: T[], f: (m: T) => number) => median(list.map(f));
	const table = new Table(['measure', 'HTTP Request recipe', 'Edges Run Outputs', 'ratio']);
	const reqR = med(free.recipe, (m) => m.requests);
	const reqO = med(free.ours, (m) => m.requests);
	table.add(
		[
			`requests, ${OUTPUTS.toLocaleString('en-US')} outputs`,
			String(reqR),
			String(reqO),
			`${(reqR / reqO).toFixed(2)}x fewer (target >= 4x)`,
		],
		reqR / reqO >= 4,
	);
	const wallR = med(free.recipe, (m) => m.wallMs);
	const wallO = med(free.ours, (m) => m.wallMs);
	table.add([
		'wall time, no rate limit (context)',
		seconds(wallR),
		seconds(wallO),
		`${(wallR / wallO).toFixed(2)}x faster`,
	]);
	const okR = limited.recipe.filter((m) => m.ok);
	const okO = limited.ours.filter((m) => m.ok);
	const rlR = med(okR, (m) => m.wallMs);
	const rlO = med(okO, (m) => m.wallMs);
	table.add(
		[
			`wall time, ${RL_OUTPUTS.toLocaleString('en-US')} outputs at ${RATE} req/s (recipe: interval ${INTERVAL_MS} ms + retry)`,
			`${seconds(rlR)} (${okR.length}/${limited.recipe.length} ok)`,
			`${seconds(rlO)} (${okO.length}/${limited.ours.length} ok)`,
			`${(rlR / rlO).toFixed(2)}x faster (target >= 3x)`,
		],
		okO.length === limited.ours.length && rlR / rlO >= 3,
	);
	// The bucket starts full (RATE tokens): the first RATE requests pass at once.
	const floorO = Math.max(0, med(limited.ours, (m) => m.requests - m.refused) - RATE) / RATE;
	table.add([
		'  floor for the node: (accepted requests - burst) / rate',
		'',
		`${seconds(floorO * 1000)} (node at ${(rlO / (floorO * 1000)).toFixed(2)}x)`,
		'',
	]);
	const surfacedO = limited.ours.filter((m) => !m.ok).length;
	table.add(
		[
			'  429s answered / 429 surfaced as an error',
			`${med(limited.recipe, (m) => m.refused)} / ${limited.recipe.length - okR.length} of ${limited.recipe.length} runs`,
			`${med(limited.ours, (m) => m.refused)} / ${surfacedO} of ${limited.ours.length} runs`,
			'(target: none surfaced)',
		],
		surfacedO === 0,
	);
	if (retried) {
		table.add([
			'  recipe with Retry On Fail only (5 tries, 5 s apart)',
			retried.ok
				? `ok in ${seconds(retried.wallMs)}`
				: `429 surfaced after ${seconds(retried.wallMs)}, ${retried.requests} req`,
			'',
			'',
		]);
	}
	// Memory from fresh processes only (see the header): the verdict is on the growth during the run
	// (peak - RSS just before it), the absolute peak and the kernel's high-water mark are context.
	if (MEMORY_ROUNDS > 0) {
		const growR = med(memory.recipe, (m) => m.peakKb - m.startKb);
		const growO = med(memory.ours, (m) => m.peakKb - m.startKb);
		table.add(
			[
				`peak RSS growth of a fresh n8n during a run, ${OUTPUTS.toLocaleString('en-US')} outputs (${MEMORY_ROUNDS} rounds)`,
				`+${megabytes(growR)}`,
				`+${megabytes(growO)}`,
				`${(growO / growR).toFixed(2)}x (target <= 1x)`,
			],
			growO <= growR,
		);
		table.add([
			'  RSS before the run (after start and a 1,000-output warm-up)',
			megabytes(med(memory.recipe, (m) => m.startKb)),
			megabytes(med(memory.ours, (m) => m.startKb)),
			'',
		]);
		const peakR = med(memory.recipe, (m) => m.peakKb);
		const peakO = med(memory.ours, (m) => m.peakKb);
		table.add([
			'  peak RSS during the run (absolute)',
			megabytes(peakR),
			megabytes(peakO),
			`${(peakO / peakR).toFixed(2)}x`,
		]);
		table.add([
			'  VmHWM of the n8n process at the end',
			megabytes(med(memory.recipe, (m) => m.hwmKb)),
			megabytes(med(memory.ours, (m) => m.hwmKb)),
			'',
		]);
		table.add([
			'  growth in each round (recipe / node)',
			memory.recipe.map((m) => `+${megabytes(m.peakKb - m.startKb)}`).join(', '),
			memory.ours.map((m) => `+${megabytes(m.peakKb - m.startKb)}`).join(', '),
			'',
		]);
	}
	table.add([
		`items emitted (rate-limited run of ${RL_OUTPUTS})`,
		String(counts.recipe),
		String(counts.ours),
		'',
	]);
	table.print(
		`Benchmark 1, outputs: ${OUTPUTS.toLocaleString('en-US')} outputs of ~1 KB, medians of ${ITERATIONS} runs (no limit) and ${RL_ITERATIONS} runs (${RATE} req/s on /runs/*, burst ${RATE})`,
	);
	return table.allMet && counts.recipe === RL_OUTPUTS && counts.ours === RL_OUTPUTS;
}

runBench(main, async () => {
	await sim?.stop();
});
