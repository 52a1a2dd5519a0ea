/**
 * Detecting an Edges Trigger served by several n8n webhook processes at once: queue mode behind a balancer
 * that spreads one trigger's callbacks over its webhook processes. That is the one topology in which the
 * trigger's exactly-once cannot hold (see dedupe.ts): each process has its own memory, and static data, the
 * only thing they share, is saved last-writer-wins with nothing atomic reachable from `webhook()`. The
 * trigger cannot fix that from inside n8n, so it says so, loudly, with what to configure.
 *
 * How: every process draws a random id when its instance of the node type is created (n8n creates one per
 * process, at start) and, with every callback it accepts, records `id -> now` in the static data it saves
 * anyway. A process that finds another id there, recorded while it was itself running and recently, shares
 * this trigger with another live process. A restarted process does not warn about its former self: the
 * former id's last record is older than the new process.
 */
import { randomBytes } from 'crypto';

/** One n8n process, as the trigger knows it. */
export interface ProcessIdentity {
	id: string;
	/** When this process's instance of the node type was created (ms since the epoch). */
	startedAt: number;
}

export function newProcessIdentity(now = Date.now()): ProcessIdentity {
	return { id: randomBytes(6).toString('base64url'), startedAt: now };
}

/**
 * Another process's record counts while it is this recent. Why an hour: the copies that can run twice are
 * Edges' retries and replays of one callback and bursts of callbacks, which come minutes apart at most; once
 * the routing is fixed, the warning stops within the hour even without restarting n8n.
 */
export const SHARING_WINDOW_MS = 60 * 60 * 1000;

/** Processes kept in the record, most recent first: enough for any set of webhook processes in use. */
const MAX_RECORDED_PROCESSES = 8;

/** `servedBy` in the trigger's static data: process id -> when it last accepted a callback (ms). */
export type ServedBy = Record<string, number>;

function recorded(servedBy: unknown): ServedBy {
	if (typeof servedBy !== 'object' || servedBy === null) return {};
	const valid: ServedBy = {};
	for (const [id, at] of Object.entries(servedBy as Record<string, unknown>)) {
		if (typeof at === 'number' && Number.isFinite(at)) valid[id] = at;
	}
	return valid;
}

/**
 * The other live process that served this trigger recently, if any: its id and when. "Live" means it
 * accepted a callback after this process started, i.e. both were running at that moment.
 */
export function otherServingProcess(
	servedBy: unknown,
	self: ProcessIdentity,
	now: number,
): { id: string; at: number } | undefined {
	let found: { id: string; at: number } | undefined;
	for (const [id, at] of Object.entries(recorded(servedBy))) {
		if (id === self.id || at < self.startedAt || now - at > SHARING_WINDOW_MS) continue;
		if (!found || at > found.at) found = { id, at };
	}
	return found;
}

/** The record with this process's latest acceptance; a new object, so n8n sees the change and saves it. */
export function markServed(servedBy: unknown, self: ProcessIdentity, now: number): ServedBy {
	const entries = Object.entries({ ...recorded(servedBy), [self.id]: now })
		.sort(([, a], [, b]) => b - a)
		.slice(0, MAX_RECORDED_PROCESSES);
	return Object.fromEntries(entries);
}

/** What the warning says: the field on emitted items and, with where, n8n's log line. */
export function sharingWarning(other: { id: string; at: number }, now: number): string {
	const ago = Math.max(0, Math.round((now - other.at) / 1000));
	return (
		`This Edges Trigger is served by several webhook processes at once (process ${other.id} accepted a ` +
		`callback for it ${ago} s ago), so a repeated callback can start a second execution and ` +
		`exactly-once does not hold. Route every request for this trigger's path to one webhook process, ` +
		`e.g. nginx "hash $request_uri consistent;" in the upstream of /webhook/ (README, Queue mode).`
	);
}

/** How often one process logs the warning for one trigger; every emitted item carries it regardless. */
export const WARNING_LOG_INTERVAL_MS = 10 * 60 * 1000;
