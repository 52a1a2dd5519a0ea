/**
 * Benchmark 2 of issue 7, inside a real n8n: how many callbacks per second are accepted and turned into
 * executions, Edges Trigger (derived-secret authentication, dedupe by X-Callback-Ref, run confirmed with
 * GET /runs/{uid}) -> NoOp vs n8n's bare Webhook node -> NoOp, sequentially and with 8 concurrent senders.
 *
 *   npx tsx bench/n8n-trigger.ts
 *
 * All workflows live in the same n8n and the rounds rotate between them. Every callback is a distinct
 * final callback of a distinct finished run (seeded in the simulator), with the headers Edges sends; the
 * bare Webhook gets the very same requests. Rate = callbacks / (n8n's stoppedAt of the last execution -
 * the moment the first callback was sent).
 *
 * A third workflow is context for the target: Webhook -> HTTP Request (GET /runs/{uid} with the API key)
 * -> NoOp, i.e. what a user must build around the bare Webhook to confirm each run with Edges as the
 * trigger does (still without checking the secret or deduping).
 *
 * Environment: BENCH_SEQ (150 callbacks a sequential round), BENCH_CONC (300 a concurrent round),
 * BENCH_CONCURRENCY (8), BENCH_ROUNDS (3), BENCH_EXPRESSION_ENGINE (unset: n8n's default, "vm" in 2.41;
 * "legacy" runs n8n without expression isolates, which its own Webhook node skips and community triggers
 * cannot), BENCH_DIY (1: include the third workflow).
 */
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../nodes/shared/callbackSecret';
import {
	DEFAULT_API_KEY,
	NODE_TYPES,
	SimProcess,
	Table,
	activeWorkflow,
	apiKeyHeaderCredential,
	chain,
	envNumber,
	envString,
	log,
	median,
	node,
	postWebhook,
	runBench,
	sleep,
	startBenchN8n,
	webhookNode,
	type BenchN8n,
	type Execution,
} from './n8nShared';

const SEQ = envNumber('BENCH_SEQ', 150);
const CONC = envNumber('BENCH_CONC', 300);
const CONCURRENCY = envNumber('BENCH_CONCURRENCY', 8);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const DIY = envNumber('BENCH_DIY', 1) === 1;
const ENGINE = envString('BENCH_EXPRESSION_ENGINE', '');

let sim: SimProcess | undefined;

interface Target {
	label: string;
	workflowId: string;
	url: string;
}

/** Executions of a workflow newer than `afterId`, without data (pages newest first until it reaches it). */
async function executionsAfter(n8n: BenchN8n, workflowId: string, afterId: number) {
	const out: Execution[] = [];
	let cursor: string | undefined;
	for (;;) {
		const query = new URLSearchParams({ workflowId, includeData: 'false', limit: '250' });
		if (cursor) query.set('cursor', cursor);
		const page = await n8n.api.call<{ data: Execution[]; nextCursor?: string | null }>(
			'GET',
			`/executions?${query.toString()}`,
		);
		const newer = page.data.filter((e) => Number(e.id) > afterId);
		out.push(...newer);
		cursor = page.nextCursor ?? undefined;
		if (!cursor || newer.length < page.data.length) return out;
	}
}

async function lastExecutionId(n8n: BenchN8n, workflowId: string): Promise<number> {
	const [newest] = await n8n.api.listExecutions(workflowId, { includeData: false, limit: 1 });
	return newest ? Number(newest.id) : 0;
}

async function round(
	n8n: BenchN8n,
	target: Target,
	runUids: string[],
	concurrency: number,
): Promise<{ perSecond: number; refused: number; failed: number }> {
	const secret = deriveCallbackSecret(DEFAULT_API_KEY);
	const afterId = await lastExecutionId(n8n, target.workflowId);
	let next = 0;
	let refused = 0;
	const sentAt = Date.now();
	const worker = async () => {
		while (next < runUids.length) {
			const runUid = runUids[next++];
			const ref = crypto.randomUUID();
			const answer = await postWebhook(
				target.url,
				{
					callback_ref_uid: ref,
					run: { run_uid: runUid, batch_uid: crypto.randomUUID(), status: 'SUCCEEDED' },
					input: null,
					custom_data: null,
					error: null,
					results: null,
				},
				{
					headers: {
						'x-callback-ref': ref,
						'x-run-callback': crypto.randomUUID(),
						[CALLBACK_SECRET_HEADER]: secret,
					},
					timeoutMs: 0,
				},
			);
			if (answer.status !== 200) {
				refused++;
				log(`${target.label} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const expected = runUids.length - refused;
	const deadline = Date.now() + 120_000;
	let done: Execution[] = [];
	for (;;) {
		const all = await executionsAfter(n8n, target.workflowId, afterId);
		done = all.filter((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (done.length >= expected || Date.now() > deadline) break;
		await sleep(200);
	}
	const lastStop = Math.max(...done.map((e) => Date.parse(e.stoppedAt ?? '')));
	return {
		perSecond: done.length / ((lastStop - sentAt) / 1000),
		refused,
		failed: done.filter((e) => e.status !== 'success').length + (expected - done.length),
	};
}

async function main(): Promise<boolean> {
	sim = await SimProcess.start({ seed: 8 });
	const needed = ROUNDS * (SEQ + CONC);
	const runs = await sim.seedRuns(needed, { outputs: 1 });
	log(`simulator: ${needed} finished runs; starting n8n`);
	const n8n = await startBenchN8n(sim, ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {});

	const webhookId = crypto.randomUUID();
	const ours: Target = {
		label: 'Edges Trigger',
		url: n8n.n8n.webhookUrl(`${webhookId}/edges`),
		workflowId: await activeWorkflow(
			n8n,
			'Edges Trigger -> NoOp',
			[
				node(
					'Edges Trigger',
					NODE_TYPES.edgesTrigger,
					{ authentication: 'derived' },
					{
						webhookId,
						credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } },
					},
				),
				node('NoOp', NODE_TYPES.noOp, {}),
			],
			chain('Edges Trigger', 'NoOp'),
		),
	};
	const bare: Target = {
		label: 'Webhook',
		url: n8n.n8n.webhookUrl('bench-bare'),
		workflowId: await activeWorkflow(
			n8n,
			'Webhook -> NoOp',
			[webhookNode('Webhook', 'bench-bare'), node('NoOp', NODE_TYPES.noOp, {})],
			chain('Webhook', 'NoOp'),
		),
	};
	const targets = [ours, bare];
	let diy: Target | undefined;
	if (DIY) {
		const header = await apiKeyHeaderCredential(n8n);
		diy = {
			label: 'Webhook + HTTP Request',
			url: n8n.n8n.webhookUrl('bench-diy'),
			workflowId: await activeWorkflow(
				n8n,
				'Webhook -> HTTP Request (confirm the run) -> NoOp',
				[
					webhookNode('Webhook', 'bench-diy'),
					node(
						'Confirm Run',
						'n8n-nodes-base.httpRequest',
						{
							method: 'GET',
							url: `=${sim.baseUrl}/runs/{{ $json.body.run.run_uid }}`,
							authentication: 'genericCredentialType',
							genericAuthType: 'httpHeaderAuth',
							options: {},
						},
						{
							typeVersion: 4.2,
							credentials: { httpHeaderAuth: header },
						},
					),
					node('NoOp', NODE_TYPES.noOp, {}),
				],
				chain('Webhook', 'Confirm Run', 'NoOp'),
			),
		};
		targets.push(diy);
	}

	// n8n registers production webhooks a moment after activation: wait until they answer (not 404).
	for (const target of targets) await postWebhook(target.url, {});
	log('warm-up');
	for (const target of targets) {
		const warm = await sim.seedRuns(20, { outputs: 1 });
		const w = await round(n8n, target, warm, 4);
		if (w.refused || w.failed) throw new Error(`warm-up of ${target.label}: ${JSON.stringify(w)}`);
	}

	const results = {
		seq: new Map<Target, number[]>(targets.map((t) => [t, []])),
		conc: new Map<Target, number[]>(targets.map((t) => [t, []])),
	};
	let problems = 0;
	let used = 0;
	for (let r = 0; r < ROUNDS; r++) {
		for (const mode of ['seq', 'conc'] as const) {
			const size = mode === 'seq' ? SEQ : CONC;
			// Rotate the order so no workflow always runs first (or right after another's backlog).
			const order = targets.map((_, i) => targets[(i + r) % targets.length]);
			const uids = runs.slice(used, used + size);
			used += size;
			for (const target of order) {
				const m = await round(n8n, target, uids, mode === 'seq' ? 1 : CONCURRENCY);
				problems += m.refused + m.failed;
				results[mode].get(target)!.push(m.perSecond);
				log(
					`round ${r + 1}/${ROUNDS} ${mode} ${target.label}: ${m.perSecond.toFixed(1)}/s (${m.refused} refused, ${m.failed} failed)`,
				);
			}
		}
	}
	const confirmations = (await sim.requests()).filter(
		(q) => q.method === 'GET' && /^\/v1\/runs\/[^/]+$/.test(q.path),
	).length;

	const columns = ['measure', 'bare Webhook', 'Edges Trigger', 'ratio'];
	if (diy) columns.push('Webhook + HTTP Request (context)');
	const table = new Table(columns);
	for (const mode of ['seq', 'conc'] as const) {
		const b = median(results[mode].get(bare)!);
		const o = median(results[mode].get(ours)!);
		const cells = [
			mode === 'seq'
				? `callbacks/s -> executions, sequential (${SEQ} a round)`
				: `callbacks/s -> executions, ${CONCURRENCY} concurrent (${CONC} a round)`,
			`${b.toFixed(1)}/s`,
			`${o.toFixed(1)}/s`,
			`${(o / b).toFixed(2)}x (target >= 0.8x)`,
		];
		if (diy) {
			const d = median(results[mode].get(diy)!);
			cells.push(`${d.toFixed(1)}/s (trigger at ${(o / d).toFixed(2)}x it)`);
		}
		table.add(cells, o / b >= 0.8);
	}
	const summary = [
		'refused or failed callbacks (all)',
		'',
		String(problems),
		`GET /runs/{uid} confirmations: ${confirmations}`,
	];
	if (diy) summary.push('');
	table.add(summary);
	table.print(
		`Benchmark 2, trigger: medians of ${ROUNDS} rounds; the Edges Trigger authenticates, dedupes and confirms every run with Edges; expression engine: ${ENGINE || "n8n's default"}`,
	);
	return table.allMet && problems === 0;
}

runBench(main, async () => {
	await sim?.stop();
});
