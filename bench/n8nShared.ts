/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console, @n8n/community-nodes/require-node-api-error -- benchmark-only code: it never ships in the package; it prints tables */
/**
 * What the bench/n8n-*.ts benchmarks share: a real n8n from the e2e harness (the pinned n8n 2.41.1 with
 * this package installed as a community package), the Edges simulator in a child process (simClient.ts),
 * peak-RSS sampling of the n8n process, execution timing from n8n's own records, medians and the table.
 */
import fs from 'node:fs';
import os from 'node:os';

import {
	NODE_TYPES,
	postWebhook,
	startTestN8n,
	stopAll,
	type Execution,
	type N8nApi,
	type N8nNode,
	type TestN8n,
} from '../e2e/harness';
import { DEFAULT_API_KEY } from '../test/simulator';
import { SimProcess } from './simClient';

export { NODE_TYPES, postWebhook, stopAll, DEFAULT_API_KEY, SimProcess };
export type { Execution, N8nApi, N8nNode, TestN8n };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function envNumber(name: string, fallback: number): number {
	const value = process.env[name];
	return value === undefined || value === '' ? fallback : Number(value);
}

export function envString(name: string, fallback: string): string {
	return process.env[name] || fallback;
}

export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** An n8n with the package installed and an Edges credential aimed at the simulator. */
export interface BenchN8n extends TestN8n {
	credentialId: string;
}

export async function startBenchN8n(
	sim: SimProcess,
	env: Record<string, string> = {},
): Promise<BenchN8n> {
	const t = await startTestN8n({ env });
	const errors = t.n8n.packageLoadErrors();
	if (errors.length) throw new Error(`n8n could not load the package: ${errors.join('; ')}`);
	const credential = await t.api.createEdgesCredential({
		apiKey: DEFAULT_API_KEY,
		baseUrl: sim.baseUrl,
	});
	return { ...t, credentialId: credential.id };
}

/**
 * The Header Auth credential (X-API-Key) that the HTTP Request recipes of Edges' n8n guide use, created in
 * one n8n; returns the reference a node's `credentials.httpHeaderAuth` takes.
 */
export async function apiKeyHeaderCredential(n8n: BenchN8n): Promise<{ id: string; name: string }> {
	const name = 'Edges API key header';
	const created = await n8n.api.createCredential({
		name,
		type: 'httpHeaderAuth',
		data: { name: 'X-API-Key', value: DEFAULT_API_KEY },
	});
	return { id: created.id, name };
}

/** Creates and activates a workflow; resolves once its first webhook answers (not 404). */
export async function activeWorkflow(
	n8n: BenchN8n,
	name: string,
	nodes: N8nNode[],
	connections: Record<string, unknown>,
): Promise<string> {
	const workflow = await n8n.api.createWorkflow({
		name,
		nodes,
		connections: connections as never,
	});
	await n8n.api.activateWorkflow(workflow.id);
	return workflow.id;
}

/** Connections of a straight chain of nodes. */
export function chain(...names: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		out[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return out;
}

let nodeCount = 0;
export function node(
	name: string,
	type: string,
	parameters: Record<string, unknown>,
	extra: Partial<N8nNode> = {},
): N8nNode {
	nodeCount++;
	return {
		name,
		type,
		typeVersion: 1,
		position: [nodeCount * 220, 0],
		parameters,
		...extra,
	} as N8nNode;
}

export function webhookNode(name: string, path: string): N8nNode {
	return node(
		name,
		NODE_TYPES.webhook,
		{ httpMethod: 'POST', path, responseMode: 'onReceived' },
		{ typeVersion: 2, webhookId: crypto.randomUUID() },
	);
}

/**
 * Retries a read of n8n's API while n8n answers 503: under a heavy load (10,000 requests from one HTTP
 * Request node) its database health check fails for a while and the API says "Database is not ready!".
 */
export async function patiently<T>(read: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await read();
		} catch (error) {
			if ((error as { status?: number }).status !== 503 || Date.now() > deadline) throw error;
			await sleep(500);
		}
	}
}

/** Every execution of a workflow, without data, newest first. */
export async function executionsOf(api: N8nApi, workflowId: string): Promise<Execution[]> {
	const all: Execution[] = [];
	let cursor: string | undefined;
	do {
		const query = new URLSearchParams({ workflowId, includeData: 'false', limit: '250' });
		if (cursor) query.set('cursor', cursor);
		const page = await patiently(() =>
			api.call<{ data: Execution[]; nextCursor?: string | null }>(
				'GET',
				`/executions?${query.toString()}`,
			),
		);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all;
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Polls until the workflow has `count` executions in `statuses` (final ones by default). */
export async function waitForCount(
	api: N8nApi,
	workflowId: string,
	count: number,
	options: { timeoutMs?: number; statuses?: string[]; intervalMs?: number } = {},
): Promise<Execution[]> {
	const statuses = options.statuses ? new Set(options.statuses) : FINAL;
	const deadline = Date.now() + (options.timeoutMs ?? 600_000);
	for (;;) {
		const matching = (await executionsOf(api, workflowId)).filter((e) => statuses.has(e.status));
		if (matching.length >= count) return matching;
		if (Date.now() > deadline) {
			throw new Error(`workflow ${workflowId}: ${matching.length}/${count} executions in time`);
		}
		await sleep(options.intervalMs ?? 200);
	}
}

/** n8n's own duration of an execution: stoppedAt - startedAt. */
export function executionMs(execution: Execution): number {
	return Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt);
}

/**
 * POSTs to a workflow's webhook and waits for the execution it starts to end. Resolves with that
 * execution (without data) and the wall time from the POST to n8n's `stoppedAt`.
 */
export async function runViaWebhook(
	n8n: BenchN8n,
	workflowId: string,
	path: string,
	body: unknown,
	timeoutMs = 900_000,
): Promise<{ execution: Execution; wallMs: number }> {
	const before = new Set((await executionsOf(n8n.api, workflowId)).map((e) => e.id));
	const sentAt = Date.now();
	const answer = await postWebhook(n8n.n8n.webhookUrl(path), body);
	if (answer.status !== 200) {
		throw new Error(`webhook ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
	}
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const done = (await executionsOf(n8n.api, workflowId)).find(
			(e) => !before.has(e.id) && FINAL.has(e.status),
		);
		if (done) return { execution: done, wallMs: Date.parse(done.stoppedAt ?? '') - sentAt };
		if (Date.now() > deadline) throw new Error(`no execution of ${workflowId} ended in time`);
		await sleep(100);
	}
}

/** The error message of a failed execution (data loaded), or undefined. */
export async function executionErrorOf(api: N8nApi, id: string): Promise<string | undefined> {
	const full = await api.getExecution(id, true);
	const result = full.data?.resultData;
	if (!result) return undefined;
	const messages: string[] = [];
	if (result.error?.message) messages.push(String(result.error.message));
	for (const [name, runs] of Object.entries(result.runData ?? {})) {
		for (const run of runs) if (run.error) messages.push(`${name}: ${run.error.message ?? ''}`);
	}
	return messages.length ? [...new Set(messages)].join('; ') : undefined;
}

/** How many items a node emitted in an execution (loads the execution's data). */
export async function itemCount(api: N8nApi, id: string, nodeName: string): Promise<number> {
	const full = await api.getExecution(id, true);
	const runs = full.data?.resultData.runData[nodeName] ?? [];
	return runs.reduce((sum, run) => sum + (run.data?.main?.[0]?.length ?? 0), 0);
}

// ---- memory ---------------------------------------------------------------------------------------

function statusField(pid: number, field: string): number {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
		return match ? Number(match[1]) : 0;
	} catch {
		return 0;
	}
}

/** VmHWM: the peak RSS of a process over its whole life, in kB. */
export function highWaterMarkKb(pid: number): number {
	return statusField(pid, 'VmHWM');
}

/** PIDs of a process's descendants (n8n's task runner, when one is running). */
function descendants(pid: number): number[] {
	const out: number[] = [];
	const visit = (p: number) => {
		let children: number[] = [];
		try {
			for (const task of fs.readdirSync(`/proc/${p}/task`)) {
				const text = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
				if (text) children = children.concat(text.split(/\s+/).map(Number));
			}
		} catch {
			return;
		}
		for (const child of children) {
			out.push(child);
			visit(child);
		}
	};
	visit(pid);
	return out;
}

/**
 * Samples the RSS of a process (and, separately, of its descendants) every `everyMs`. `stop()` gives the
 * peak seen, the kernel's own high-water mark (VmHWM, the peak over the process's whole life) and the RSS
 * when sampling started, all in kB.
 */
export function sampleRss(pid: number, everyMs = 50) {
	const start = statusField(pid, 'VmRSS');
	let peak = start;
	let peakChildren = 0;
	const tick = () => {
		peak = Math.max(peak, statusField(pid, 'VmRSS'));
		const children = descendants(pid).reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0);
		peakChildren = Math.max(peakChildren, children);
	};
	const timer = setInterval(tick, everyMs);
	return {
		stop() {
			clearInterval(timer);
			tick();
			return { startKb: start, peakKb: peak, hwmKb: statusField(pid, 'VmHWM'), peakChildren };
		},
	};
}

// ---- output ---------------------------------------------------------------------------------------

export class Table {
	private readonly rows: string[][] = [];
	private readonly verdicts: boolean[] = [];

	constructor(private readonly header: string[]) {}

	add(cells: string[], ok?: boolean) {
		this.rows.push([...cells, ok === undefined ? '' : ok ? 'met' : 'MISSED']);
		if (ok !== undefined) this.verdicts.push(ok);
	}

	get allMet(): boolean {
		return this.verdicts.every(Boolean);
	}

	print(title: string) {
		const header = [...this.header, 'target'];
		const widths = header.map((h, i) => Math.max(h.length, ...this.rows.map((r) => r[i].length)));
		const line = (cells: string[]) =>
			cells
				.map((c, i) => c.padEnd(widths[i]))
				.join(' | ')
				.trimEnd();
		console.log(
			`\n${title}\nn8n 2.41.1 (e2e harness), Node ${process.version} for the bench, ${os.cpus().length} CPUs\n`,
		);
		console.log(line(header));
		console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
		for (const r of this.rows) console.log(line(r));
	}
}

export function log(message: string) {
	process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs a benchmark's main, always stops n8n and the simulator, and sets the exit code. */
export function runBench(main: () => Promise<boolean>, cleanup: () => Promise<void>) {
	main()
		.then(
			(ok) => {
				process.exitCode = ok ? 0 : 1;
			},
			(error: unknown) => {
				console.error(error);
				process.exitCode = 2;
			},
		)
		.finally(async () => {
			await cleanup().catch(() => undefined);
			await stopAll();
			// Open handles of the harness (its watchdogs) must not keep the bench alive.
			setTimeout(() => process.exit(), 500).unref();
		});
}
