/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
// Why this file exists: callback tests need the other end of the wire, a small HTTP server that records
// every POST the simulator delivers and answers what the test chooses (200, 500, a slow answer...).

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
	method: string;
	path: string;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: unknown;
	raw: string;
	/** Position of this request among everything received (0-based). */
	index: number;
}

export interface ReceiverAnswer {
	status: number;
	body?: unknown;
	/** Wait this long before answering. */
	delayMs?: number;
}

/** Chooses the answer to each received request; the default answers 200 `{"ok":true}`. */
export type Responder = (received: ReceivedCallback) => ReceiverAnswer | number;

export class CallbackReceiver {
	readonly received: ReceivedCallback[] = [];
	private responder: Responder = () => 200;
	private readonly waiters = new Set<() => void>();
	private readonly timers = new Set<NodeJS.Timeout>();

	private constructor(
		private readonly server: http.Server,
		readonly url: string,
	) {}

	/** Starts on 127.0.0.1 on a free port; `url` ends with `/callback`. */
	static async start(): Promise<CallbackReceiver> {
		const holder: { receiver?: CallbackReceiver } = {};
		const server = http.createServer((req, res) => holder.receiver?.handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		holder.receiver = new CallbackReceiver(server, `http://127.0.0.1:${port}/callback`);
		return holder.receiver;
	}

	/** Sets how the next requests are answered (e.g. `() => 500`, or by index). */
	respondWith(responder: Responder): void {
		this.responder = responder;
	}

	/** Bodies received so far, parsed. */
	bodies<T = Record<string, unknown>>(): T[] {
		return this.received.map((r) => r.body as T);
	}

	/** Resolves when the predicate holds on everything received; rejects after timeoutMs. */
	waitFor(
		predicate: (received: ReceivedCallback[]) => boolean,
		timeoutMs = 5000,
	): Promise<ReceivedCallback[]> {
		return new Promise((resolve, reject) => {
			const check = () => {
				if (!predicate(this.received)) return;
				this.waiters.delete(check);
				clearTimeout(timer);
				resolve(this.received);
			};
			const timer = setTimeout(() => {
				this.waiters.delete(check);
				reject(
					new Error(
						`CallbackReceiver.waitFor timed out after ${timeoutMs} ms with ${this.received.length} received`,
					),
				);
			}, timeoutMs);
			this.waiters.add(check);
			check();
		});
	}

	async stop(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown = raw;
			try {
				body = JSON.parse(raw);
			} catch {
				// Not JSON: the raw text is kept as the body, which a test can assert on.
			}
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(req.headers)) {
				if (value !== undefined)
					headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
			}
			const received: ReceivedCallback = {
				method: req.method ?? '',
				path: req.url ?? '',
				headers,
				body,
				raw,
				index: this.received.length,
			};
			this.received.push(received);
			const choice = this.responder(received);
			const answer: ReceiverAnswer = typeof choice === 'number' ? { status: choice } : choice;
			const reply = () => {
				const text = JSON.stringify(
					answer.body ?? (answer.status < 300 ? { ok: true } : { error: 'refused' }),
				);
				res.writeHead(answer.status, { 'Content-Type': 'application/json' });
				res.end(text);
				for (const waiter of [...this.waiters]) waiter();
			};
			if (answer.delayMs) {
				const timer = setTimeout(() => {
					this.timers.delete(timer);
					reply();
				}, answer.delayMs);
				this.timers.add(timer);
			} else {
				reply();
			}
		});
	}
}
