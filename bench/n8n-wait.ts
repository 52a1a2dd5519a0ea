/**
 * Benchmark 4 of issue 7, inside a real n8n: while a run is in progress, the Edges node's Wait for Completion
 * holds no execution slot and makes no requests; then how long the execution takes to go on once Edges'
 * final callback arrives.
 *
 *   npx tsx bench/n8n-wait.ts
 *
 * n8n runs with N8N_CONCURRENCY_PRODUCTION_LIMIT=1: one production execution at a time. A workflow
 * (Webhook -> Split Out -> Edges Run Async with Wait for Completion -> NoOp) starts a run of 10 inputs that
 * the simulator holds RUNNING. During the wait, a probe workflow (Webhook -> NoOp) is run every 5 s: with
 * the single slot taken it would queue, so each probe finishing at once shows the waiting execution holds
 * none. The simulator counts every request it gets in the meantime. Then the run is finished; the resume
 * latency is from that moment (the final callback goes out to the resume URL) to n8n's stoppedAt of the
 * execution, which includes the node confirming the run and reading its outputs.
 *
 * Environment: BENCH_WAIT_SECONDS (60), BENCH_RESUMES (5: short waits for the latency median),
 * BENCH_INPUTS (10 inputs a run).
 */
import axios from 'axios';

import {
	DEFAULT_API_KEY,
	NODE_TYPES,
	SimProcess,
	Table,
	activeWorkflow,
	chain,
	envNumber,
	executionsOf,
	log,
	median,
	node,
	postWebhook,
	runBench,
	runViaWebhook,
	seconds,
	sleep,
	startBenchN8n,
	webhookNode,
	type BenchN8n,
	type Execution,
} from './n8nShared';

const WAIT_SECONDS = envNumber('BENCH_WAIT_SECONDS', 60);
const RESUMES = envNumber('BENCH_RESUMES', 5);
const INPUTS = envNumber('BENCH_INPUTS', 10);
const PROBE_EVERY_MS = 5_000;

let sim: SimProcess | undefined;

/** The newest run in the simulator, through the Edges API itself. */
async function newestRunUid(): Promise<string> {
	const { data } = await axios.get<Array<{ uid: string }>>(`${sim!.baseUrl}/runs`, {
		params: { limit: 1, sort: '-created_at' },
		headers: { 'X-API-Key': DEFAULT_API_KEY },
	});
	return data[0].uid;
}

async function waitForStatus(
	n8n: BenchN8n,
	workflowId: string,
	known: Set<string>,
	statuses: string[],
	timeoutMs = 60_000,
): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = (await executionsOf(n8n.api, workflowId)).find(
			(e) => !known.has(e.id) && statuses.includes(e.status),
		);
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`no execution reached ${statuses.join('|')}`);
		await sleep(100);
	}
}

async function main(): Promise<boolean> {
	sim = await SimProcess.start({ seed: 10 });
	await sim.holdRuns(true);
	log('starting n8n with N8N_CONCURRENCY_PRODUCTION_LIMIT=1');
	const n8n = await startBenchN8n(sim, { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' });

	const waitPath = 'bench-wait';
	const waitWorkflow = await activeWorkflow(
		n8n,
		'Wait: Webhook -> Split Out -> Edges (Wait for Completion) -> NoOp',
		[
			webhookNode('Webhook', waitPath),
			node(
				'Split Out',
				'n8n-nodes-base.splitOut',
				{ fieldToSplitOut: 'body.urls', options: { destinationFieldName: 'url' } },
				{ typeVersion: 1 },
			),
			node(
				'Edges',
				NODE_TYPES.edges,
				{
					resource: 'action',
					operation: 'runAsync',
					action: { __rl: true, mode: 'slug', value: 'linkedin-extract-people' },
					inputSource: 'json',
					inputJson: '={{ JSON.stringify({ linkedin_profile_url: $json.url }) }}',
					waitForCompletion: true,
					waitOutput: 'outputs',
					maxWait: 1,
					maxWaitUnit: 'hours',
					options: {},
				},
				{ credentials: { edgesApi: { id: n8n.credentialId, name: 'Edges account' } } },
			),
			node('NoOp', NODE_TYPES.noOp, {}),
		],
		chain('Webhook', 'Split Out', 'Edges', 'NoOp'),
	);
	const probeWorkflow = await activeWorkflow(
		n8n,
		'Probe: Webhook -> NoOp',
		[webhookNode('Webhook', 'bench-probe'), node('NoOp', NODE_TYPES.noOp, {})],
		chain('Webhook', 'NoOp'),
	);
	await runViaWebhook(n8n, probeWorkflow, 'bench-probe', {}); // warm-up, and the webhook is live

	/** Starts a waiting execution; resolves once n8n has parked it, with the run it waits for. */
	let round = 0;
	const startWaiting = async () => {
		const known = new Set((await executionsOf(n8n.api, waitWorkflow)).map((e) => e.id));
		const urls = Array.from(
			{ length: INPUTS },
			(_, i) => `https://www.linkedin.com/in/bench-wait-${round}-${i}`,
		);
		round++;
		const answer = await postWebhook(n8n.n8n.webhookUrl(waitPath), { urls });
		if (answer.status !== 200) throw new Error(`wait webhook answered ${answer.status}`);
		const execution = await waitForStatus(n8n, waitWorkflow, known, ['waiting', 'error']);
		if (execution.status !== 'waiting') throw new Error(`execution ${execution.id} did not wait`);
		return { execution, runUid: await newestRunUid(), known };
	};
	/** Finishes the run; resolves with the time from then to the execution's stoppedAt. */
	const finishAndResume = async (waiting: Awaited<ReturnType<typeof startWaiting>>) => {
		await sim!.clearRequests();
		const finishedAt = Date.now();
		await sim!.finishRun(waiting.runUid);
		const deadline = Date.now() + 60_000;
		let done: Execution | undefined;
		while (!done) {
			done = (await executionsOf(n8n.api, waitWorkflow)).find(
				(e) => e.id === waiting.execution.id && ['success', 'error', 'crashed'].includes(e.status),
			);
			if (!done && Date.now() > deadline) throw new Error('the execution did not resume');
			if (!done) await sleep(50);
		}
		const requests = (await sim!.requests()).length;
		return {
			ok: done.status === 'success',
			latencyMs: Date.parse(done.stoppedAt ?? '') - finishedAt,
			requests,
		};
	};

	// ---- the long wait -----------------------------------------------------------------------------
	log(`one run held for ${WAIT_SECONDS} s`);
	const long = await startWaiting();
	await sim.clearRequests();
	const probes: number[] = [];
	let stillWaiting = true;
	const until = Date.now() + WAIT_SECONDS * 1000;
	while (Date.now() < until) {
		const probe = await runViaWebhook(n8n, probeWorkflow, 'bench-probe', {});
		probes.push(probe.wallMs);
		const current = await n8n.api.getExecution(long.execution.id, false);
		stillWaiting &&= current.status === 'waiting';
		await sleep(Math.min(PROBE_EVERY_MS, Math.max(0, until - Date.now())));
	}
	const duringWait = await sim.requestCount();
	const running = (await n8n.api.listExecutions(waitWorkflow, { includeData: false })).filter(
		(e) => e.status === 'running',
	).length;
	const first = await finishAndResume(long);
	log(
		`long wait: ${duringWait} requests, probes ${probes.map((p) => seconds(p)).join(', ')}; resumed in ${seconds(first.latencyMs)} (${first.ok ? 'ok' : 'FAILED'})`,
	);

	// ---- resume latency -------------------------------------------------------------------------------
	const latencies = [first.latencyMs];
	const resumeRequests = [first.requests];
	let failures = first.ok ? 0 : 1;
	for (let i = 1; i < RESUMES; i++) {
		const waiting = await startWaiting();
		await sleep(1000);
		const resumed = await finishAndResume(waiting);
		latencies.push(resumed.latencyMs);
		resumeRequests.push(resumed.requests);
		if (!resumed.ok) failures++;
		log(`resume ${i + 1}/${RESUMES}: ${seconds(resumed.latencyMs)}, ${resumed.requests} requests`);
	}

	const table = new Table(['measure', 'Edges node, Wait for Completion']);
	table.add(
		[`requests to Edges during a ${WAIT_SECONDS} s run`, String(duringWait)],
		duringWait === 0,
	);
	table.add(
		[
			'execution slot: status while waiting / probes run meanwhile (limit 1)',
			`${stillWaiting ? 'waiting' : 'NOT waiting'}, ${running} running / ${probes.length} probes, median ${seconds(median(probes))}`,
		],
		stillWaiting && running === 0 && probes.length > 0 && median(probes) < 5_000,
	);
	table.add(
		[
			`resume latency after the final callback (median of ${latencies.length})`,
			`${seconds(median(latencies))} (min ${seconds(Math.min(...latencies))}, max ${seconds(Math.max(...latencies))})`,
		],
		failures === 0,
	);
	table.add([
		'  requests the resume makes (confirm run, read outputs)',
		String(median(resumeRequests)),
	]);
	table.print(
		`Benchmark 4, waiting: a run of ${INPUTS} inputs held RUNNING by the simulator, n8n with one production execution slot`,
	);
	return table.allMet;
}

runBench(main, async () => {
	await sim?.stop();
});
