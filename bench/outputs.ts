/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- benchmark-only code: it never ships in the package; it prints a table */
/**
 * Benchmark of the Edges Run Outputs node (issue 5): a run of 100,000 outputs of about 1 KB each, served by
 * the Edges simulator over loopback.
 *
 *   npx tsx bench/outputs.ts            (BENCH_OUTPUTS, BENCH_ITERATIONS, BENCH_RATE to change the sizes)
 *
 * It measures, in one run, side by side:
 *   (a) requests the node makes vs the bound ceil(N / page size) + 2, for cursor paging (500 a page) and for
 *       the older limit/offset paging (100 a page);
 *   (b) wall time under a plan limit of R requests/s (token bucket) vs the floor requests / R, once with a
 *       full-second burst and fractional Retry-After, once with a small burst and Retry-After rounded up to
 *       whole seconds;
 *   (c) wall time of the node run inside n8n's engine (n8n-core WorkflowExecute) vs a bare loop that GETs and
 *       JSON-parses the same pages in the same process (median of several iterations);
 *   (d) peak heap growth during the node run vs the raw JSON bytes of the outputs;
 *   and, as a figure without a target, how long the simulator takes to seed the run. The bare loop of (c) is
 *   also the time to page through all the outputs of the simulator, which unit tests no longer bound.
 * The simulator runs in a child process, so its work and its memory stay out of the measurements.
 */
// First: points n8n-core at a temporary user folder before it loads.
import '../test/setup-env';

import axios from 'axios';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

import { runNode } from '../test/helpers/n8nRunner';
import { DEFAULT_API_KEY } from '../test/simulator';
import { SimProcess, type LoggedRequest } from './simClient';

// `EdgesRunOutputs.node` would resolve to the codex file EdgesRunOutputs.node.json under tsx (.json comes
// before .ts in Node's extension order), so the node module is loaded by its full file name.
const { EdgesRunOutputs } = createRequire(__filename)(
	'../nodes/EdgesRunOutputs/EdgesRunOutputs.node.ts',
) as typeof import('../nodes/EdgesRunOutputs/EdgesRunOutputs.node');

const OUTPUTS = Number(process.env.BENCH_OUTPUTS ?? 100_000);
const OUTPUT_BYTES = 1024;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
/** Requests per second of the simulated plan; ~200 requests / 8 per s = ~25 s a run. */
const RATE = Number(process.env.BENCH_RATE ?? 8);
/** Which parts to run, e.g. BENCH_PARTS=b; all by default. */
const PARTS = process.env.BENCH_PARTS ?? 'abcd';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

// ---- what is measured -------------------------------------------------------------------------------

async function runTheNode(baseUrl: string, key: string, runUid: string) {
	const result = await runNode({
		nodeType: new EdgesRunOutputs(),
		parameters: { runUid: '={{ $json.run_uid }}', returnAll: true, output: 'perResult' },
		input: [{ run_uid: runUid }],
		credentials: { apiKey: key, baseUrl },
	});
	if (result.error) throw result.error;
	return result.outputs[0]?.length ?? 0;
}

/** The floor: GET and JSON.parse the same pages, following X-Pagination-Next, keeping the results. */
async function bareLoop(baseUrl: string, key: string, runUid: string) {
	const agent = new http.Agent({ keepAlive: true });
	const pages: unknown[][] = [];
	let url: string | undefined = `${baseUrl}/runs/${runUid}/outputs?limit=500`;
	let count = 0;
	let bytes = 0;
	while (url) {
		const response: { data: string; headers: Record<string, unknown> } = await axios.get(url, {
			headers: { 'X-API-Key': key, Accept: 'application/json' },
			responseType: 'text',
			transformResponse: [(data: string) => data],
			httpAgent: agent,
			maxContentLength: Infinity,
		});
		bytes += Buffer.byteLength(response.data);
		const page = JSON.parse(response.data) as unknown[];
		pages.push(page);
		count += page.length;
		const next = response.headers['x-pagination-next'];
		url = typeof next === 'string' && next ? new URL(next, `${baseUrl}/`).toString() : undefined;
	}
	agent.destroy();
	return { count, bytes, pages };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
	const start = performance.now();
	const value = await fn();
	return { ms: performance.now() - start, value };
}

/** Peak of heapUsed above a gc'd baseline while `fn` runs, sampled every few milliseconds. */
async function peakHeapGrowth<T>(fn: () => Promise<T>) {
	gc();
	gc();
	const baseline = process.memoryUsage().heapUsed;
	let peak = baseline;
	const sampler = setInterval(() => {
		const used = process.memoryUsage().heapUsed;
		if (used > peak) peak = used;
	}, 2);
	let value: T;
	try {
		value = await fn();
	} finally {
		clearInterval(sampler);
	}
	peak = Math.max(peak, process.memoryUsage().heapUsed);
	gc();
	const retained = process.memoryUsage().heapUsed - baseline;
	return { value, peakGrowth: peak - baseline, retained };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function outputRequests(log: LoggedRequest[], runUid: string) {
	return log.filter((r) => r.path.includes(runUid));
}

/** (c) node vs bare loop and (d) heap, on the same run without a rate limit. */
async function speedAndHeap(
	sim: SimProcess,
	key: string,
	runUid: string,
	row: (what: string, measured: string, target: string, ratio: string, ok: boolean) => void,
) {
	// (c) node vs bare loop, (d) heap --------------------------------------------------------
	const nodeTimes: number[] = [];
	const bareTimes: number[] = [];
	const peaks: number[] = [];
	const retained: number[] = [];
	let rawBytes = 0;
	await runTheNode(sim.baseUrl, key, runUid); // warm-up: JIT, n8n's lazy modules, sockets
	await bareLoop(sim.baseUrl, key, runUid);
	for (let i = 0; i < ITERATIONS; i++) {
		gc();
		const bare = await timed(() => bareLoop(sim.baseUrl, key, runUid));
		bareTimes.push(bare.ms);
		rawBytes = bare.value.bytes;
		bare.value.pages.length = 0;
		gc();
		const node = await timed(() => peakHeapGrowth(() => runTheNode(sim.baseUrl, key, runUid)));
		nodeTimes.push(node.ms);
		peaks.push(node.value.peakGrowth);
		retained.push(node.value.retained);
	}
	const nodeMs = median(nodeTimes);
	const bareMs = median(bareTimes);
	row(
		'(c) no limit: node in n8n vs bare GET+parse loop',
		`${s(nodeMs)} vs ${s(bareMs)}`,
		'<= 1.5x',
		(nodeMs / bareMs).toFixed(3),
		nodeMs <= bareMs * 1.5,
	);
	const peak = median(peaks);
	row(
		'(d) peak heap growth during the node run',
		`${mb(peak)} (kept after gc: ${mb(median(retained))})`,
		`<= 3x raw JSON ${mb(rawBytes)}`,
		(peak / rawBytes).toFixed(3),
		peak <= rawBytes * 3,
	);
	console.log(
		`\nnode runs: ${nodeTimes.map(s).join(', ')}\nbare loops: ${bareTimes.map(s).join(', ')}\npeaks: ${peaks.map(mb).join(', ')}`,
	);
}

async function main() {
	const key = DEFAULT_API_KEY;
	const rows: string[][] = [];
	const verdicts: boolean[] = [];
	const row = (what: string, measured: string, target: string, ratio: string, ok: boolean) => {
		rows.push([what, measured, target, ratio, ok ? 'ok' : 'FAIL']);
		verdicts.push(ok);
	};

	// (a) requests, both paging styles ------------------------------------------------------------
	for (const paging of PARTS.includes('a') ? (['cursor', 'legacy'] as const) : []) {
		const sim = await SimProcess.start({ seed: 5, outputsPaging: paging });
		try {
			const runUid = await sim.seedRun({ outputs: OUTPUTS, outputBytes: OUTPUT_BYTES });
			await sim.clearRequests();
			const count = await runTheNode(sim.baseUrl, key, runUid);
			const made = outputRequests(await sim.requests(), runUid).length;
			const pageSize = paging === 'cursor' ? 500 : 100;
			const bound = Math.ceil(OUTPUTS / pageSize) + 2;
			row(
				`(a) requests, ${paging} paging (${pageSize}/page)`,
				`${made} (${count} items)`,
				`<= ${bound}`,
				(made / bound).toFixed(3),
				made <= bound && count === OUTPUTS,
			);
		} finally {
			await sim.stop();
		}
	}

	const sim = await SimProcess.start({ seed: 5, outputsPaging: 'cursor' });
	let seedMs = 0;
	try {
		const seeded = await timed(() => sim.seedRun({ outputs: OUTPUTS, outputBytes: OUTPUT_BYTES }));
		seedMs = seeded.ms;
		const runUid = seeded.value;

		// (b) under a rate limit ------------------------------------------------------------------
		const limits = [
			{ label: `burst ${RATE}, fractional Retry-After`, limit: { perSecond: RATE } },
			{
				label: 'burst 2, whole-second Retry-After',
				limit: { perSecond: RATE, burst: 2, retryAfter: 'integer' },
			},
		];
		for (const { label, limit } of PARTS.includes('b') ? limits : []) {
			await sim.setRateLimit(limit);
			await sim.clearRequests();
			const { ms, value: count } = await timed(() => runTheNode(sim.baseUrl, key, runUid));
			const log = outputRequests(await sim.requests(), runUid);
			const refused = log.filter((r) => r.status === 429).length;
			const accepted = log.length - refused;
			const floor = (accepted / RATE) * 1000;
			row(
				`(b) R=${RATE}/s, ${label}`,
				`${s(ms)}, ${accepted} req, ${refused} x 429`,
				`floor ${s(floor)} (+15%)`,
				(ms / floor).toFixed(3),
				ms <= floor * 1.15 && count === OUTPUTS,
			);
		}
		await sim.setRateLimit(null);

		if (PARTS.includes('c') || PARTS.includes('d')) await speedAndHeap(sim, key, runUid, row);
	} finally {
		await sim.stop();
	}

	const header = ['measure', 'measured', 'target', 'ratio', ''];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
	console.log(
		`\nEdges Run Outputs benchmark: ${OUTPUTS.toLocaleString('en-US')} outputs of ~${OUTPUT_BYTES} B, ` +
			`Node ${process.version}, ${os.cpus().length} CPUs, ${ITERATIONS} iterations (median) for (c)/(d)\n`,
	);
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	for (const r of rows) console.log(line(r));
	// The unit tests only check that seeding is lazy and that every output reads back; the speed is here.
	console.log(
		`\nseeding a run of ${OUTPUTS.toLocaleString('en-US')} outputs in the simulator: ${seedMs.toFixed(1)} ms (round trip to its process included)`,
	);
	process.exitCode = verdicts.every(Boolean) ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
