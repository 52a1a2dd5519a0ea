/**
 * Exactly-once delivery for the Edges Trigger: a callback ref (`X-Callback-Ref`) starts at most one
 * execution, however many times Edges delivers it.
 *
 * Two layers, because of how n8n runs webhooks (n8n 2.41, packages/cli/src/webhooks/live-webhooks.ts and
 * workflow-static-data.service.ts):
 * - Each webhook request builds its own `Workflow` from the database row, with its own copy of the static
 *   data. After the node's `webhook()` returns, n8n writes that copy back as a whole (only when it changed),
 *   so two requests that overlap do not see each other's writes and the last one to finish overwrites the
 *   other's. Static data alone therefore cannot stop two copies that arrive together.
 * - So the process keeps its own memory (`CallbackGate`): refs being processed right now (a second copy
 *   waits for the first and gets its answer) and refs done recently. Every write to static data merges that
 *   memory back in, which also repairs refs lost to an overlapping request's overwrite.
 * Static data is what survives a restart of n8n; the process memory is what makes concurrent copies safe.
 * With several n8n webhook processes (queue mode) serving one trigger, neither layer holds: the memory is
 * per process, and a copy reaching another process right after the first was answered reads static data
 * saved before the first one's save lands (measured: a duplicate in 7 of 10 tries), while overlapping saves
 * drop each other's refs. Nothing atomic is reachable from `webhook()`, so the fix is routing (every
 * request for one trigger to one process, README "Queue mode"); sharing.ts detects when it is missing.
 */

import { createHash } from 'crypto';

import type { ServedBy } from './sharing';

/**
 * How many refs static data keeps, oldest dropped first.
 *
 * Why a bound: static data lives in the workflow's database row, and n8n reads the whole row on every
 * webhook request and writes it back after each one, so its size is paid on every callback (see `refKey`
 * for how small it is kept).
 * Why this number: a ref only has to be remembered while Edges may still deliver it again, i.e. for its
 * retries and the (at most 3) replays of a failed delivery, which follow within hours. In final mode one
 * run is one ref, so 1000 covers the last 1000 runs of this trigger, far longer than that window. In
 * "all callbacks" mode one run is one ref per batch, and a run of more than 1000 batches pushes its oldest
 * refs out while its newest arrive; retries of those old batches would then run again.
 */
export const MAX_REMEMBERED_REFS = 1000;

/** Refs kept in process memory per trigger; the same bound, for the same reason. */
const MAX_RECENT_REFS = MAX_REMEMBERED_REFS;

/** Characters of one stored ref key: 12 base64url characters, 72 bits of SHA-256. */
export const REF_KEY_LENGTH = 12;

/**
 * The key a callback ref is remembered by: a fixed-width digest instead of the ref itself.
 *
 * Why: an earlier version kept `{ ref: acceptedAt }`, about 53 KB for 1000 refs, and with it the trigger
 * benchmark (legacy expression engine) ran at 0.58x the bare Webhook, against 0.85x with 50 refs: n8n
 * parses, proxies and saves that object with every callback. 1000 keys of 12 characters in one string are
 * 12 KB and one property. 72 bits make a false "already seen" among 1000 keys a ~2e-19 chance per
 * callback, and a digest works for any ref format (the docs show UUIDs; nothing promises it).
 */
export function refKey(ref: string): string {
	return createHash('sha256').update(ref).digest('base64url').slice(0, REF_KEY_LENGTH);
}

/** What the trigger keeps in the workflow's static data (`getWorkflowStaticData('node')`). */
export interface TriggerState {
	/**
	 * Keys (`refKey`) of the callbacks this trigger accepted, newest first, concatenated: REF_KEY_LENGTH
	 * characters each, at most MAX_REMEMBERED_REFS of them. Never holds a secret.
	 */
	seen?: string;
	/** Set by `create`, cleared by `delete`: the URL the trigger was activated with. */
	activation?: { webhookUrl: string; activatedAt: string };
	/** The Edges schedule this trigger owns, when it owns one. */
	schedule?: OwnedSchedule;
	/** Which processes accepted callbacks for this trigger, and when: see sharing.ts. */
	servedBy?: ServedBy;
}

export interface OwnedSchedule {
	uid: string;
	/** Hash of the settings the schedule was created with (see schedule.ts); never the secret itself. */
	fingerprint: string;
	createdAt: string;
}

function storedKeys(seen: unknown): string[] {
	if (typeof seen !== 'string') return [];
	const keys: string[] = [];
	for (let at = 0; at + REF_KEY_LENGTH <= seen.length; at += REF_KEY_LENGTH) {
		keys.push(seen.slice(at, at + REF_KEY_LENGTH));
	}
	return keys;
}

export function isRemembered(state: TriggerState, key: string): boolean {
	const seen = typeof state.seen === 'string' ? state.seen : '';
	// Only a match on a key boundary counts: a key must not be found across two neighbours.
	for (let at = seen.indexOf(key); at !== -1; at = seen.indexOf(key, at + 1)) {
		if (at % REF_KEY_LENGTH === 0) return true;
	}
	return false;
}

/**
 * The keys to store: the new one, then what this process remembers (newest first), then what static data
 * holds, without repeats, bounded to the newest MAX_REMEMBERED_REFS. Returns a new string: assigning it to
 * the static data is what marks the data as changed for n8n to save.
 */
export function mergedSeen(
	stored: string | undefined,
	recent: Iterable<string>,
	newKey?: string,
): string {
	const kept = new Set<string>();
	const keep = (key: string) => {
		if (kept.size < MAX_REMEMBERED_REFS && key.length === REF_KEY_LENGTH) kept.add(key);
	};
	if (newKey) keep(newKey);
	// The process memory is in acceptance order, oldest first.
	for (const key of [...recent].reverse()) keep(key);
	for (const key of storedKeys(stored)) keep(key);
	return [...kept].join('');
}

/** How many of the newest keys of the process memory `lacksRecentKeys` looks for. */
const RECENT_KEYS_CHECKED = 64;

/**
 * Whether static data lacks one of the newest keys this process accepted: the sign that an overlapping
 * request's save overwrote them. Only the newest are checked: they are the ones such a save can have
 * dropped since this process last wrote, and checking them costs little on every callback.
 */
export function lacksRecentKeys(stored: string | undefined, recent: ReadonlySet<string>): boolean {
	const state = { seen: stored };
	const keys = [...recent];
	for (let i = keys.length - 1; i >= 0 && i >= keys.length - RECENT_KEYS_CHECKED; i--) {
		if (!isRemembered(state, keys[i])) return true;
	}
	return false;
}

/** How the processing of one callback ended. `remember` says whether the ref is now done for good. */
export interface GateOutcome<R> {
	result: R;
	remember: boolean;
}

export type GateAnswer<R> =
	| { kind: 'processed'; result: R }
	/** This ref was done before (in this process or in static data), or by a copy that ran at the same time. */
	| { kind: 'duplicate' };

/**
 * The process memory of one trigger node type instance (n8n keeps one instance of a node type per process).
 * Scopes separate workflows and nodes; refs are held by their `refKey`, like in static data.
 */
export class CallbackGate<R> {
	private readonly inFlight = new Map<string, Promise<GateOutcome<R>>>();
	private readonly recent = new Map<string, Set<string>>();

	/** Keys of the refs this process accepted for `scope`, oldest first. */
	recentKeys(scope: string): ReadonlySet<string> {
		return this.recent.get(scope) ?? new Set();
	}

	/**
	 * Runs `work` for a ref key unless it is done already or being done. `work` must record the key in
	 * static data itself (with `mergedSeen`) before it resolves with `remember: true`; the gate records it in
	 * the process memory at the same moment, before any other copy can look.
	 */
	async pass(
		scope: string,
		key: string,
		storedInStaticData: boolean,
		work: () => Promise<GateOutcome<R>>,
	): Promise<GateAnswer<R>> {
		const flightKey = `${scope}\u0000${key}`;
		// A copy that arrives while another copy of the same ref is being processed waits for it, then looks
		// again: if the first one finished the ref, this one is a duplicate; if it failed, this one tries.
		for (
			let running = this.inFlight.get(flightKey);
			running;
			running = this.inFlight.get(flightKey)
		) {
			await running.then(
				() => undefined,
				() => undefined,
			);
		}
		if (storedInStaticData || this.recentKeys(scope).has(key)) return { kind: 'duplicate' };

		const promise = work().then((outcome) => {
			if (outcome.remember) this.remember(scope, key);
			return outcome;
		});
		this.inFlight.set(flightKey, promise);
		try {
			return { kind: 'processed', result: (await promise).result };
		} finally {
			this.inFlight.delete(flightKey);
		}
	}

	private remember(scope: string, key: string): void {
		let keys = this.recent.get(scope);
		if (!keys) {
			keys = new Set();
			this.recent.set(scope, keys);
		}
		// Deleted first so a key accepted again moves to the newest end.
		keys.delete(key);
		keys.add(key);
		while (keys.size > MAX_RECENT_REFS) {
			const oldest = keys.keys().next().value as string;
			keys.delete(oldest);
		}
	}
}
