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
 * With several n8n webhook processes (queue mode) the process memory is per process: two copies that land
 * on two processes at the same moment can still both pass. Edges sends copies one after the other, so this
 * needs a real race between processes.
 */

/**
 * How many refs static data keeps, oldest dropped first.
 *
 * Why a bound: static data lives in the workflow's database row, and n8n reads the whole row on every
 * webhook request and writes it back after each one, so it must stay small (1000 refs are about 50 KB).
 * Why this number: a ref only has to be remembered while Edges may still deliver it again, i.e. for its
 * retries and the (at most 3) replays of a failed delivery, which follow within hours. In final mode one
 * run is one ref, so 1000 covers the last 1000 runs of this trigger, far longer than that window. In
 * "all callbacks" mode one run is one ref per batch, and a run of more than 1000 batches pushes its oldest
 * refs out while its newest arrive; retries of those old batches would then run again.
 */
export const MAX_REMEMBERED_REFS = 1000;

/** Refs kept in process memory per trigger; the same bound, for the same reason. */
const MAX_RECENT_REFS = MAX_REMEMBERED_REFS;

/** What the trigger keeps in the workflow's static data (`getWorkflowStaticData('node')`). */
export interface TriggerState {
	/** callback ref -> when it was accepted (epoch ms). Never holds a secret. */
	refs?: Record<string, number>;
	/** Set by `create`, cleared by `delete`: the URL the trigger was activated with. */
	activation?: { webhookUrl: string; activatedAt: string };
	/** The Edges schedule this trigger owns, when it owns one. */
	schedule?: OwnedSchedule;
}

export interface OwnedSchedule {
	uid: string;
	/** Hash of the settings the schedule was created with (see schedule.ts); never the secret itself. */
	fingerprint: string;
	createdAt: string;
}

export function isRemembered(state: TriggerState, ref: string): boolean {
	return Object.prototype.hasOwnProperty.call(state.refs ?? {}, ref);
}

/**
 * The refs to store: what static data holds, plus what this process remembers, plus the new one, bounded
 * to the newest MAX_REMEMBERED_REFS. Returns a new object: assigning it to the static data (a proxy that
 * only sees assignments) is what marks the data as changed for n8n to save.
 */
export function mergedRefs(
	stored: Record<string, number> | undefined,
	recent: ReadonlyMap<string, number>,
	newRef?: { ref: string; at: number },
): Record<string, number> {
	const all = new Map<string, number>();
	for (const [ref, at] of Object.entries(stored ?? {})) {
		if (typeof at === 'number') all.set(ref, at);
	}
	for (const [ref, at] of recent) all.set(ref, Math.max(at, all.get(ref) ?? 0));
	if (newRef) all.set(newRef.ref, newRef.at);
	const newest = [...all.entries()]
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
		.slice(0, MAX_REMEMBERED_REFS);
	return Object.fromEntries(newest);
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
 * Scopes separate workflows and nodes.
 */
export class CallbackGate<R> {
	private readonly inFlight = new Map<string, Promise<GateOutcome<R>>>();
	private readonly recent = new Map<string, Map<string, number>>();

	/** Refs this process accepted for `scope`, newest last. */
	recentRefs(scope: string): ReadonlyMap<string, number> {
		return this.recent.get(scope) ?? new Map();
	}

	/**
	 * Runs `work` for a ref unless it is done already or being done. `work` must record the ref in static
	 * data itself (with `mergedRefs`) before it resolves with `remember: true`; the gate records it in the
	 * process memory at the same moment, before any other copy can look.
	 */
	async pass(
		scope: string,
		ref: string,
		storedInStaticData: boolean,
		work: () => Promise<GateOutcome<R>>,
	): Promise<GateAnswer<R>> {
		const key = `${scope}\u0000${ref}`;
		// A copy that arrives while another copy of the same ref is being processed waits for it, then looks
		// again: if the first one finished the ref, this one is a duplicate; if it failed, this one tries.
		for (let running = this.inFlight.get(key); running; running = this.inFlight.get(key)) {
			await running.then(
				() => undefined,
				() => undefined,
			);
		}
		if (storedInStaticData || this.recentRefs(scope).has(ref)) return { kind: 'duplicate' };

		const promise = work().then((outcome) => {
			if (outcome.remember) this.remember(scope, ref, Date.now());
			return outcome;
		});
		this.inFlight.set(key, promise);
		try {
			return { kind: 'processed', result: (await promise).result };
		} finally {
			this.inFlight.delete(key);
		}
	}

	private remember(scope: string, ref: string, at: number): void {
		let refs = this.recent.get(scope);
		if (!refs) {
			refs = new Map();
			this.recent.set(scope, refs);
		}
		refs.delete(ref);
		refs.set(ref, at);
		while (refs.size > MAX_RECENT_REFS) {
			const oldest = refs.keys().next().value as string;
			refs.delete(oldest);
		}
	}
}
