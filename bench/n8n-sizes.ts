/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark-only code: it never ships in the package; it removes the folders of the n8n it stops */
/**
 * Runs of any size (issue 15), inside a real n8n: Edges Run Outputs with Output "Files (Any Size)" on
 * 1,000,000 outputs of ~1 KB, against the same mode at 100,000 (flat in N?) and against a bare loop that
 * fetches the same pages and writes the same files, side by side in one run.
 *
 *   npx tsx bench/n8n-sizes.ts
 *
 * Memory: a fresh n8n per measured run (an n8n's RSS depends on all it ran before), one warm-up run of 1,000
 * outputs, then the measured run; the figure is the peak RSS growth during the run. Stored bytes: what the
 * execution left in n8n's binary data folder, and the size of the execution's data as the API returns it.
 *
 * Environment: BENCH_BIG (1000000), BENCH_MID (100000), BENCH_PER_FILE (10000), BENCH_RATE (10 req/s:
 * Silver's 2.5 req/s on /runs/* scaled x4), BENCH_RL_OUTPUTS (100000), BENCH_SURVIVAL (sizes for the
 * item-mode and recipe survival leg, e.g. "200000,400000"; empty skips it), BENCH_HEAP_MB (2048: the heap
 * the survival leg gives n8n).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	NODE_TYPES,
	DEFAULT_API_KEY,
	SimProcess,
	Table,
	activeWorkflow,
	apiKeyHeaderCredential,
	chain,
	envNumber,
	envString,
	executionErrorOf,
	itemCount,
	log,
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

const BIG = envNumber('BENCH_BIG', 1_000_000);
const MID = envNumber('BENCH_MID', 100_000);
const PER_FILE = envNumber('BENCH_PER_FILE', 10_000);
const RATE = envNumber('BENCH_RATE', 10);
const RL_OUTPUTS = envNumber('BENCH_RL_OUTPUTS', 100_000);
const SURVIVAL = envString('BENCH_SURVIVAL', '')
	.split(',')
	.map((s) => Number(s.trim()))
	.filter((n) => n > 0);
const HEAP_MB = envNumber('BENCH_HEAP_MB', 2048);
const PAGE = 500;
/** The simulator's own key, for the bare loop's GETs. */
const simHeaders = { ['X-API-Key']: DEFAULT_API_KEY };

let sim: SimProcess | undefined;

const callbackFor = (runUid: string) => ({
	callback_ref_uid: crypto.randomUUID(),
	run: { run_uid: runUid, batch_uid: crypto.randomUUID(), status: 'SUCCEEDED' },
	input: null,
	custom_data: null,
	error: null,
	results: null,
});

type Reader = 'files' | 'items' | 'recipe';

async function deploy(n8n: BenchN8n, reader: Reader): Promise<{ id: string; path: string }> {
	const webhookPath = `bench-sizes-${reader}`;
	const readerNode =
		reader === 'recipe'
			? node(
					'Read',
					'n8n-nodes-base.httpRequest',
					{
						method: 'GET',
						url: `=${sim!.baseUrl}/runs/{{ $json.body.run.run_uid }}/outputs`,
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
								},
							},
						},
					},
					{ typeVersion: 4.2, credentials: { httpHeaderAuth: await apiKeyHeaderCredential(n8n) } },
				)
			: node(
					'Read',
					NODE_TYPES.edgesRunOutputs,
					{
						runUid: '={{ $json.body.run.run_uid }}',
						returnAll: true,
						...(reader === 'files'
							? { output: 'files', resultsPerFile: PER_FILE }
							: { output: 'perResult', options: { maxResultsInMemory: 0 } }),
					},
					{ credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } } },
				);
	const id = await activeWorkflow(
		n8n,
		`Sizes: Webhook -> ${reader}`,
		[webhookNode('Webhook', webhookPath), readerNode],
		chain('Webhook', 'Read'),
	);
	return { id, path: webhookPath };
}

function folderBytes(dir: string): number {
	if (!fs.existsSync(dir)) return 0;
	let total = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
	}
	return total;
}

interface Measured {
	ok: boolean;
	how: string;
	wallMs: number;
	requests: number;
	refused: number;
	growthKb: number;
	binaryBytes: number;
	executionBytes: number;
	results: number;
}

/** One run in a fresh n8n: warm-up of 1,000 outputs, then `runUid`. */
async function freshRun(
	reader: Reader,
	runUid: string,
	warmRun: string,
	env: Record<string, string> = {},
): Promise<Measured> {
	const n8n = await startBenchN8n(sim!, env);
	try {
		const workflow = await deploy(n8n, reader);
		await runViaWebhook(n8n, workflow.id, workflow.path, callbackFor(warmRun));
		// n8n 2.x keeps binary data under .n8n/storage (.n8n/binaryData where an older n8n left one)
		const binaryDirs = ['storage', 'binaryData'].map((d) => path.join(n8n.userFolder, '.n8n', d));
		const stored = () => binaryDirs.reduce((sum, dir) => sum + folderBytes(dir), 0);
		const binaryBefore = stored();
		await sim!.clearRequests();
		const sampler = sampleRss(n8n.n8n.pid);
		let execution;
		let wallMs = 0;
		try {
			({ execution, wallMs } = await runViaWebhook(
				n8n,
				workflow.id,
				workflow.path,
				callbackFor(runUid),
				1_800_000,
			));
		} catch (error) {
			const rss = sampler.stop();
			const alive = fs.existsSync(`/proc/${n8n.n8n.pid}`);
			return {
				ok: false,
				how: alive ? `no end: ${String(error)}` : `n8n died (log: ${lastLines(n8n)})`,
				wallMs: 0,
				requests: 0,
				refused: 0,
				growthKb: rss.peakKb - rss.startKb,
				binaryBytes: 0,
				executionBytes: 0,
				results: 0,
			};
		}
		const rss = sampler.stop();
		const requests = (await sim!.requests()).filter((r) => r.path.includes(`/runs/${runUid}`));
		const ok = execution.status === 'success';
		const full = ok ? await n8n.api.getExecution(execution.id, true) : undefined;
		const runData = full?.data?.resultData.runData.Read?.[0]?.data?.main?.[0] ?? [];
		const results =
			reader === 'files'
				? runData.reduce((sum, item) => sum + Number(item.json.count ?? 0), 0)
				: ok
					? await itemCount(n8n.api, execution.id, 'Read')
					: 0;
		return {
			ok,
			how: ok ? 'complete' : `execution failed: ${await executionErrorOf(n8n.api, execution.id)}`,
			wallMs,
			requests: requests.length,
			refused: requests.filter((r) => r.status === 429).length,
			growthKb: rss.peakKb - rss.startKb,
			binaryBytes: stored() - binaryBefore,
			executionBytes: full ? JSON.stringify(full.data).length : 0,
			results,
		};
	} finally {
		await n8n.n8n.stop();
		if (process.env.E2E_KEEP !== '1') fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
}

function lastLines(n8n: BenchN8n): string {
	return n8n.n8n.readLog(5).replace(/\s+/g, ' ').slice(-300);
}

/** What the node does, without n8n: GET the same pages (cursor, 500), write the same JSON Lines parts. */
async function bareLoop(
	runUid: string,
): Promise<{ wallMs: number; requests: number; results: number }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sizes-bare-'));
	const started = Date.now();
	let url: string | undefined = `${sim!.baseUrl}/runs/${runUid}/outputs?limit=${PAGE}`;
	let requests = 0;
	let results = 0;
	let lines: string[] = [];
	let part = 0;
	const flush = () => {
		part++;
		fs.writeFileSync(path.join(dir, `part-${part}.jsonl`), `${lines.join('\n')}\n`);
		lines = [];
	};
	await fetch(`${sim!.baseUrl}/runs/${runUid}`, { headers: simHeaders });
	requests++;
	while (url) {
		const response = await fetch(url, { headers: simHeaders });
		requests++;
		const page = (await response.json()) as unknown[];
		for (const result of page) {
			lines.push(JSON.stringify(result));
			if (lines.length >= PER_FILE) flush();
		}
		results += page.length;
		url = response.headers.get('x-pagination-next') ?? undefined;
	}
	if (lines.length) flush();
	const wallMs = Date.now() - started;
	fs.rmSync(dir, { recursive: true, force: true });
	return { wallMs, requests, results };
}

async function main(): Promise<boolean> {
	log(`simulator: runs of ${BIG}, ${MID}, ${RL_OUTPUTS} outputs of ~1 KB (cursor paging)`);
	sim = await SimProcess.start({ seed: 15, outputsPaging: 'cursor' });
	const bigRun = await sim.seedRun({ outputs: BIG, outputBytes: 1024 });
	const midRun = await sim.seedRun({ outputs: MID, outputBytes: 1024 });
	const rlRun = await sim.seedRun({ outputs: RL_OUTPUTS, outputBytes: 1024 });
	const warmRun = await sim.seedRun({ outputs: 1000, outputBytes: 1024 });

	log('bare fetch + write loop, before the node');
	const bareBefore = await bareLoop(bigRun);
	log(`  ${seconds(bareBefore.wallMs)}, ${bareBefore.requests} req`);
	log(`files mode, ${MID} outputs, fresh n8n`);
	const mid = await freshRun('files', midRun, warmRun);
	log(`  ${mid.how}, ${seconds(mid.wallMs)}, +${megabytes(mid.growthKb)}`);
	log(`files mode, ${BIG} outputs, fresh n8n`);
	const big = await freshRun('files', bigRun, warmRun);
	log(`  ${big.how}, ${seconds(big.wallMs)}, +${megabytes(big.growthKb)}`);
	log('bare fetch + write loop, after the node');
	const bareAfter = await bareLoop(bigRun);
	log(`  ${seconds(bareAfter.wallMs)}, ${bareAfter.requests} req`);

	log(`files mode, ${RL_OUTPUTS} outputs at ${RATE} req/s`);
	await sim.setRateLimit({ perSecond: RATE });
	const limited = await freshRun('files', rlRun, warmRun);
	await sim.setRateLimit(null);
	log(`  ${limited.how}, ${seconds(limited.wallMs)}, ${limited.refused} x 429`);

	const survival: Array<{ reader: Reader; size: number; m: Measured }> = [];
	for (const size of SURVIVAL) {
		const runUid = await sim.seedRun({ outputs: size, outputBytes: 1024 });
		for (const reader of ['items', 'recipe'] as const) {
			log(`survival: ${reader}, ${size} outputs, heap ${HEAP_MB} MB`);
			const m = await freshRun(reader, runUid, warmRun, {
				NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
			});
			survival.push({ reader, size, m });
			log(`  ${m.how}, ${seconds(m.wallMs)}, +${megabytes(m.growthKb)}`);
		}
	}

	const table = new Table(['measure', 'value', 'target']);
	const fmt = (n: number) => n.toLocaleString('en-US');
	table.add(
		[
			`results in the files, ${fmt(BIG)} outputs`,
			`${fmt(big.results)} (${big.how})`,
			'all of them',
		],
		big.ok && big.results === BIG,
	);
	const maxRequests = Math.ceil(BIG / PAGE) + 2;
	table.add(
		[`requests, ${fmt(BIG)} outputs`, String(big.requests), `<= ${maxRequests}`],
		big.requests <= maxRequests,
	);
	table.add(
		[`peak RSS growth of n8n, ${fmt(BIG)} outputs`, `+${megabytes(big.growthKb)}`, '<= 300 MB'],
		big.growthKb <= 300 * 1024,
	);
	table.add(
		[
			`  same at ${fmt(MID)} outputs (flat in N?)`,
			`+${megabytes(mid.growthKb)} (${(big.growthKb / mid.growthKb).toFixed(2)}x)`,
			'<= 1.10x',
		],
		big.growthKb <= mid.growthKb * 1.1,
	);
	const bareMs = (bareBefore.wallMs + bareAfter.wallMs) / 2;
	table.add(
		[
			`wall time unthrottled, ${fmt(BIG)} outputs, vs a bare fetch+write loop`,
			`${seconds(big.wallMs)} vs ${seconds(bareMs)} (${(big.wallMs / bareMs).toFixed(2)}x)`,
			'<= 1.3x',
		],
		big.wallMs <= bareMs * 1.3,
	);
	const floorMs = (Math.max(0, limited.requests - limited.refused - RATE) / RATE) * 1000;
	table.add(
		[
			`wall time at ${RATE} req/s, ${fmt(RL_OUTPUTS)} outputs (floor ${seconds(floorMs)})`,
			`${seconds(limited.wallMs)} (${(limited.wallMs / floorMs).toFixed(2)}x floor), ${limited.refused} x 429, ${limited.how}`,
			'complete, no 429 surfaced',
		],
		limited.ok,
	);
	table.add([
		`bytes stored per execution, ${fmt(BIG)} outputs`,
		`binary data ${megabytes(big.binaryBytes / 1024)}, execution data ${fmt(big.executionBytes)} B`,
		'',
	]);
	table.add([
		`bytes stored per execution, ${fmt(MID)} outputs`,
		`binary data ${megabytes(mid.binaryBytes / 1024)}, execution data ${fmt(mid.executionBytes)} B`,
		'',
	]);
	for (const { reader, size, m } of survival) {
		table.add([
			`survival, ${reader === 'items' ? 'item mode' : 'HTTP Request recipe'}, ${fmt(size)} outputs, ${HEAP_MB} MB heap`,
			`${m.how}${m.ok ? `, ${seconds(m.wallMs)}` : ''}, +${megabytes(m.growthKb)}`,
			'',
		]);
	}
	table.print(
		`Runs of any size: Files (Any Size), ${fmt(PER_FILE)} results per file, outputs of ~1 KB`,
	);
	return table.allMet;
}

runBench(main, async () => {
	await sim?.stop();
});
