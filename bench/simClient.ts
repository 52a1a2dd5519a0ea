/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmark-only code: it never ships in the package; it forks the simulator */
/** Drives the Edges simulator that runs in a child process (simProcess.ts) over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	status: number;
	/** Milliseconds since the simulator started. */
	at: number;
}

export interface LoggedDelivery {
	runUid: string;
	status?: number;
	at: number;
	attempt: number;
}

export class SimProcess {
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();
	baseUrl = '';

	private constructor(private readonly child: ChildProcess) {
		child.on(
			'message',
			(message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
				const waiter = this.pending.get(message.id);
				if (!waiter) return;
				this.pending.delete(message.id);
				if (message.ok) waiter.resolve(message.result);
				else waiter.reject(new Error(message.error));
			},
		);
	}

	static async start(options: Record<string, unknown>): Promise<SimProcess> {
		const child = fork(path.join(__dirname, 'simProcess.ts'), [], {
			execArgv: process.execArgv,
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const sim = new SimProcess(child);
		const { baseUrl } = (await sim.call('start', { options })) as { baseUrl: string };
		sim.baseUrl = baseUrl;
		return sim;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	call(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ id, cmd, ...args });
		});
	}

	seedRun(options: Record<string, unknown>) {
		return this.call('seedRun', { options }) as Promise<string>;
	}
	seedRuns(count: number, options: Record<string, unknown>) {
		return this.call('seedRuns', { count, options }) as Promise<string[]>;
	}
	setRateLimit(limit: Record<string, unknown> | null, scope: 'runs' | 'live' | 'all' = 'runs') {
		return this.call('setRateLimit', { scope, limit });
	}
	holdRuns(hold: boolean) {
		return this.call('holdRuns', { hold });
	}
	/** Ends a (held) run now; resolves once its callbacks are delivered. */
	finishRun(uid: string) {
		return this.call('finishRun', { uid });
	}
	run(uid: string) {
		return this.call('run', { uid }) as Promise<{
			uid: string;
			status: string;
			outputCount: number;
			inputs: number;
		} | null>;
	}
	clearRequests() {
		return this.call('clearRequests');
	}
	requests() {
		return this.call('requests') as Promise<LoggedRequest[]>;
	}
	requestCount() {
		return this.call('requestCount') as Promise<number>;
	}
	deliveries() {
		return this.call('deliveries') as Promise<LoggedDelivery[]>;
	}
	async stop() {
		await this.call('stop');
		this.child.disconnect();
	}
}
