/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
// Why this file exists: Edges delivers async results by POSTing callbacks to the caller's URL, retries
// failed deliveries with the same callback_ref_uid, keeps every callback as a record of its history and
// lets the caller replay one (docs/edges-api.md §2.3, §3; the callbacks guide). This is that delivery engine,
// over real HTTP, with the faults tests need (drops, duplicates, delays) applied on demand.

import http from 'node:http';
import https from 'node:https';

import { hashedUuid } from './prng';
import type {
	CallbackFaults,
	CallbackPayload,
	CallbackStatus,
	EdgesErrorBody,
	LoggedDelivery,
} from './types';

/** One record of the callback history, as the simulator keeps it. */
export interface CallbackRecordState {
	uid: string;
	parentUid: string | null;
	runUid: string;
	workspaceUid: string;
	batchUid: string;
	ref: string;
	url: string;
	callerHeaders: Record<string, string>;
	payload: CallbackPayload;
	payloadJson: string;
	status: CallbackStatus;
	httpStatus: number | null;
	httpResponse: unknown;
	error: EdgesErrorBody | null;
	/** Retries made after the first attempt (duplicates sent by a fault are not retries). */
	retryCount: number;
	/** Every POST sent for this record, duplicates included. */
	sends: number;
	createdAt: number;
	updatedAt: number;
	seq: number;
	drop: boolean;
	duplicate: boolean;
	concurrent: boolean;
	faultsDecided: boolean;
}

/** What the dispatcher needs from the simulator: clock, tracked timers, logging. */
export interface DispatcherHost {
	now(): number;
	elapsed(): number;
	/** Runs fn after ms unless the simulator stops first; returns a cancel function. */
	later(ms: number, fn: () => void): () => void;
	logDelivery(delivery: LoggedDelivery): void;
	changed(): void;
}

interface SendResult {
	status?: number;
	body?: string;
	error?: string;
}

export class CallbackDispatcher {
	readonly records: CallbackRecordState[] = [];
	readonly byUid = new Map<string, CallbackRecordState>();
	readonly faults: Required<CallbackFaults> = {
		duplicate: 0,
		reorder: false,
		delayMs: 0,
		drop: 0,
		concurrentDuplicate: 0,
	};
	private readonly chains = new Map<string, Promise<void>>();
	private readonly inflight = new Set<http.ClientRequest>();
	private pending = 0;
	private seq = 0;
	/** Counts sends and ends of attempts, for LoggedDelivery.sentSeq / endedSeq. */
	private events = 0;
	private stopped = false;

	constructor(
		private readonly host: DispatcherHost,
		private readonly retry: { attempts: number; delayMs: number },
		private readonly timeoutMs: number,
	) {}

	/** Records not yet SUCCESS or FAILED (queued, in flight, or waiting for a retry). */
	get pendingCount(): number {
		return this.pending;
	}

	pendingForRun(runUid: string): number {
		let n = 0;
		for (const record of this.records) {
			if (record.runUid === runUid && (record.status === 'PENDING' || record.status === 'RUNNING'))
				n++;
		}
		return n;
	}

	/** Creates a PENDING record (visible in the history at once) without sending it yet. */
	create(args: {
		uid: string;
		parentUid?: string | null;
		runUid: string;
		workspaceUid: string;
		url: string;
		callerHeaders: Record<string, string>;
		payload: CallbackPayload;
	}): CallbackRecordState {
		const now = this.host.now();
		const record: CallbackRecordState = {
			uid: args.uid,
			parentUid: args.parentUid ?? null,
			runUid: args.runUid,
			workspaceUid: args.workspaceUid,
			batchUid: args.payload.run.batch_uid,
			ref: args.payload.callback_ref_uid,
			url: args.url,
			callerHeaders: args.callerHeaders,
			payload: args.payload,
			payloadJson: JSON.stringify(args.payload),
			status: 'PENDING',
			httpStatus: null,
			httpResponse: null,
			error: null,
			retryCount: 0,
			sends: 0,
			createdAt: now,
			updatedAt: now,
			seq: this.seq++,
			drop: false,
			duplicate: false,
			concurrent: false,
			faultsDecided: false,
		};
		this.records.push(record);
		this.byUid.set(record.uid, record);
		this.pending++;
		this.host.changed();
		return record;
	}

	/**
	 * Queues a record for delivery on `chainKey` (a run uid): first attempts on one chain go out one after
	 * another, so a run's callbacks reach the receiver in the order they were produced (or in the shuffled
	 * order of the reorder fault). Retries wait `retry.delayMs` off the chain, so a retried callback can
	 * arrive after later ones, as with the real service.
	 */
	enqueue(record: CallbackRecordState, chainKey: string): void {
		const previous = this.chains.get(chainKey) ?? Promise.resolve();
		// A failure inside one delivery must never break the chain of the run's later callbacks.
		const next = previous.then(() => this.firstAttempt(record)).catch(() => undefined);
		this.chains.set(chainKey, next);
		void next.then(() => {
			if (this.chains.get(chainKey) === next) this.chains.delete(chainKey);
		});
	}

	stop(): void {
		this.stopped = true;
		for (const request of this.inflight) request.destroy(new Error('simulator stopped'));
		this.inflight.clear();
	}

	private async firstAttempt(record: CallbackRecordState): Promise<void> {
		if (this.stopped) return;
		if (!record.faultsDecided) {
			record.faultsDecided = true;
			if (this.faults.drop > 0) {
				this.faults.drop--;
				record.drop = true;
			}
			if (this.faults.duplicate > 0) {
				this.faults.duplicate--;
				record.duplicate = true;
			}
			if (this.faults.concurrentDuplicate > 0) {
				this.faults.concurrentDuplicate--;
				record.concurrent = true;
			}
		}
		let ok: boolean;
		if (record.concurrent) {
			const results = await Promise.all([this.attempt(record), this.attempt(record)]);
			ok = results.some(Boolean);
		} else {
			ok = await this.attempt(record);
		}
		if (this.stopped) return;
		if (ok) await this.succeeded(record);
		else this.retryOrFail(record, 1);
	}

	private retryOrFail(record: CallbackRecordState, attemptsMade: number): void {
		if (this.stopped) return;
		if (attemptsMade >= this.retry.attempts) {
			this.settle(record, 'FAILED');
			return;
		}
		record.status = 'PENDING';
		record.updatedAt = this.host.now();
		this.host.changed();
		this.host.later(this.retry.delayMs, () => {
			record.retryCount++;
			void this.attempt(record).then(async (ok) => {
				if (this.stopped) return;
				if (ok) await this.succeeded(record);
				else this.retryOrFail(record, attemptsMade + 1);
			});
		});
	}

	private async succeeded(record: CallbackRecordState): Promise<void> {
		if (record.duplicate) {
			// The duplicate fault: the same logical callback (same ref) is sent once more right away.
			const keep = { status: record.httpStatus, response: record.httpResponse };
			await this.attempt(record);
			record.httpStatus = keep.status;
			record.httpResponse = keep.response;
		}
		if (!this.stopped) this.settle(record, 'SUCCESS');
	}

	private settle(record: CallbackRecordState, status: 'SUCCESS' | 'FAILED'): void {
		record.status = status;
		record.updatedAt = this.host.now();
		if (status === 'SUCCESS') record.error = null;
		this.pending--;
		this.host.changed();
	}

	/** One POST of the record; resolves true on a 2xx. Updates the record and logs the attempt. */
	private async attempt(record: CallbackRecordState): Promise<boolean> {
		if (this.faults.delayMs > 0)
			await new Promise<void>((resolve) => this.host.later(this.faults.delayMs, resolve));
		if (this.stopped) return false;
		record.sends++;
		const attemptNumber = record.sends;
		record.status = 'RUNNING';
		record.updatedAt = this.host.now();
		this.host.changed();

		const headers: Record<string, string> = {};
		const reserved = new Set([
			'content-type',
			'content-length',
			'x-callback-ref',
			'x-run-callback',
			'host',
		]);
		for (const [name, value] of Object.entries(record.callerHeaders)) {
			if (!reserved.has(name.toLowerCase())) headers[name] = value;
		}
		headers['Content-Type'] = 'application/json';
		headers['User-Agent'] = 'Edges-Callbacks (simulator)';
		headers['X-Callback-Ref'] = record.ref;
		// New on every attempt, derived from the record so that runs stay reproducible for a seed.
		headers['X-Run-Callback'] = hashedUuid(record.uid, 'attempt', attemptNumber);

		const at = this.host.elapsed();
		const sentSeq = ++this.events;
		const result: SendResult = record.drop
			? { error: 'dropped: the simulated network lost the request before it reached the endpoint' }
			: await this.send(record.url, headers, record.payloadJson);
		if (this.stopped) return false;
		const endedSeq = ++this.events;

		const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
		record.httpStatus = result.status ?? null;
		record.httpResponse = responseObject(result.body);
		record.updatedAt = this.host.now();
		if (!ok) {
			const label =
				result.status !== undefined
					? `STATUS_${result.status}`
					: result.error?.startsWith('timeout')
						? 'TIMEOUT'
						: 'NETWORK_ERROR';
			record.error = {
				error_label: label,
				error_scope: 'callback',
				error_ref: `err-${hashedUuid(record.uid, 'error', attemptNumber)}`,
				message:
					result.status !== undefined
						? `The callback URL answered HTTP ${result.status}`
						: `The callback could not be delivered: ${result.error ?? 'unknown error'}`,
				status_code: result.status ?? 0,
				params: {},
			};
		}
		const delivery: LoggedDelivery = {
			callbackUid: record.uid,
			ref: record.ref,
			runUid: record.runUid,
			url: record.url,
			attempt: attemptNumber,
			payload: record.payload,
			headers,
			at,
			sentSeq,
			endedSeq,
		};
		if (result.status !== undefined) delivery.status = result.status;
		if (result.error !== undefined) delivery.error = result.error;
		this.host.logDelivery(delivery);
		this.host.changed();
		return ok;
	}

	private send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ error: `invalid callback URL: ${url}` });
				return;
			}
			const client = target.protocol === 'https:' ? https : http;
			let settled = false;
			let cancelTimer: () => void = () => undefined;
			let request: http.ClientRequest;
			try {
				request = client.request(
					target,
					{
						method: 'POST',
						headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
						agent: false,
					},
					(response) => {
						const chunks: Buffer[] = [];
						let size = 0;
						response.on('data', (chunk: Buffer) => {
							if (size < 65_536) chunks.push(chunk);
							size += chunk.length;
						});
						response.on('end', () =>
							done({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
						);
						response.on('error', (error) =>
							done({ status: response.statusCode, error: error.message }),
						);
					},
				);
			} catch (error) {
				// e.g. a header Node refuses: reported as a failed attempt, never thrown.
				resolve({ error: error instanceof Error ? error.message : String(error) });
				return;
			}
			const done = (result: SendResult) => {
				if (settled) return;
				settled = true;
				cancelTimer();
				this.inflight.delete(request);
				resolve(result);
			};
			cancelTimer = this.host.later(this.timeoutMs, () =>
				request.destroy(new Error(`timeout after ${this.timeoutMs} ms`)),
			);
			request.on('error', (error: NodeJS.ErrnoException) => {
				done({
					error: error.message.startsWith('timeout')
						? error.message
						: (error.code ?? error.message),
				});
			});
			this.inflight.add(request);
			request.end(body);
		});
	}
}

/** `http_response` of a record: the receiver's JSON answer, or its text wrapped in an object, or null. */
function responseObject(body: string | undefined): unknown {
	if (body === undefined || body === '') return null;
	try {
		const parsed: unknown = JSON.parse(body);
		if (parsed !== null && typeof parsed === 'object') return parsed;
		return { body: parsed };
	} catch {
		return { body: body.slice(0, 1000) };
	}
}
