/**
 * Benchmark 2 of issue 7, inside a real n8n: how many callbacks per second are accepted and turned into
 * executions, Edges Trigger (derived-secret authentication, dedupe by X-Callback-Ref, run confirmed with
 * GET /runs/{uid}) -> NoOp vs n8n's bare Webhook node -> NoOp, sequentially and with 8 concurrent senders.
 *
 *   npx tsx bench/n8n-trigger.ts
 *
 * Both workflows live in the same n8n and the rounds alternate between them. Every callback is a distinct
 * final callback of a distinct finished run (seeded in the simulator), with the headers Edges sends; the
 * bare Webhook gets the very same requests. Rate = callbacks / (n8n's stoppedAt of the last execution -
 * the moment the first callback was sent).
 *
 * Environment: BENCH_SEQ (150 callbacks a sequential round), BENCH_CONC (300 a concurrent round),
 * BENCH_CONCURRENCY (8), BENCH_ROUNDS (3).
 */
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../nodes/shared/callbackSecret';
import {
	DEFAULT_API_KEY,
	NODE_TYPES,
	SimProcess,
	Table,
	activeWorkflow,
	chain,
	envNumber,
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
	const n8n = await startBenchN8n(sim);

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

	// n8n registers production webhooks a moment after activation: wait until both answer (not 404).
	for (const target of [ours, bare]) await postWebhook(target.url, {});
	log('warm-up');
	const warm = await sim.seedRuns(20, { outputs: 1 });
	for (const target of [ours, bare]) {
		const w = await round(n8n, target, warm, 4);
		if (w.refused || w.failed) throw new Error(`warm-up of ${target.label}: ${JSON.stringify(w)}`);
	}

	const results = {
		seq: { ours: [] as number[], bare: [] as number[] },
		conc: { ours: [] as number[], bare: [] as number[] },
	};
	let problems = 0;
	let used = 0;
	for (let r = 0; r < ROUNDS; r++) {
		for (const mode of ['seq', 'conc'] as const) {
			const size = mode === 'seq' ? SEQ : CONC;
			const order = r % 2 === 0 ? [ours, bare] : [bare, ours];
			const uids = runs.slice(used, used + size);
			used += size;
			for (const target of order) {
				const m = await round(n8n, target, uids, mode === 'seq' ? 1 : CONCURRENCY);
				problems += m.refused + m.failed;
				results[mode][target === ours ? 'ours' : 'bare'].push(m.perSecond);
				log(
					`round ${r + 1}/${ROUNDS} ${mode} ${target.label}: ${m.perSecond.toFixed(1)}/s (${m.refused} refused, ${m.failed} failed)`,
				);
			}
		}
	}
	const confirmations = (await sim.requests()).filter(
		(q) => q.method === 'GET' && /^\/v1\/runs\/[^/]+$/.test(q.path),
	).length;

	const table = new Table(['measure', 'bare Webhook', 'Edges Trigger', 'ratio']);
	for (const mode of ['seq', 'conc'] as const) {
		const b = median(results[mode].bare);
		const o = median(results[mode].ours);
		table.add(
			[
				mode === 'seq'
					? `callbacks/s -> executions, sequential (${SEQ} a round)`
					: `callbacks/s -> executions, ${CONCURRENCY} concurrent (${CONC} a round)`,
				`${b.toFixed(1)}/s`,
				`${o.toFixed(1)}/s`,
				`${(o / b).toFixed(2)}x (target >= 0.8x)`,
			],
			o / b >= 0.8,
		);
	}
	table.add([
		'refused or failed callbacks (both)',
		'',
		String(problems),
		`GET /runs/{uid} confirmations: ${confirmations}`,
	]);
	table.print(
		`Benchmark 2, trigger: medians of ${ROUNDS} rounds; the Edges Trigger authenticates, dedupes and confirms every run with Edges`,
	);
	return table.allMet && problems === 0;
}

runBench(main, async () => {
	await sim?.stop();
});
