/**
 * What the Edges Trigger does with one POST to its webhook, in order, cheapest first:
 * 1. the secret header (401, nothing else is looked at),
 * 2. the body (400 when it is not JSON or not an Edges callback),
 * 3. streaming batch callbacks (200 and ignored, unless the user asked for all callbacks),
 * 4. the dedup gate (a known ref: 200 and no execution),
 * 5. the run, confirmed with GET /runs/{uid} using the credential (refused when the workspace does not
 *    have it), and the status filter,
 * 6. the answer to Edges, sent before the outputs are read, then the item for n8n to run the workflow with.
 *
 * Every answer is written here (and `noWebhookResponse` returned), so the status codes are ours and n8n does
 * not echo the item back to Edges. Responses and items never carry the secret.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackSecretMatches } from '../shared/callbackSecret';
import { collect, EdgesApiError, type CallbackPayload, type Run } from '../shared/client';
import { toNodeError } from '../shared/nodeErrors';
import {
	assertFitsInMemory,
	DEFAULT_MAX_RESULTS_IN_MEMORY,
	TooManyResultsForMemoryError,
} from '../shared/outputsInMemory';
import {
	edgesClientFor,
	loadEdgesCredentials,
	type EdgesCredentialData,
} from '../shared/transport';
import { expectedSecret } from './authentication';
import {
	CALLBACK_REF_HEADER,
	checkCallback,
	DEFAULT_EMITTED_STATUSES,
	DELIVERY_ID_HEADER,
	firstHeaderValue,
	isEndingStatus,
	readCallbackBody,
} from './callback';
import {
	CallbackGate,
	isRemembered,
	lacksRecentKeys,
	mergedSeen,
	refKey,
	type TriggerState,
} from './dedupe';
import { buildItem, withoutSecret, type TriggerItem } from './item';
import {
	markServed,
	newProcessIdentity,
	otherServingProcess,
	sharingWarning,
	WARNING_LOG_INTERVAL_MS,
} from './sharing';

type Decision =
	| { kind: 'emit'; item: TriggerItem }
	| { kind: 'ignore'; reason: string }
	| { kind: 'reject'; status: number; message: string };

/** The process-wide memory of the trigger (one per node type instance, so one per n8n process). */
export class TriggerMemory extends CallbackGate<Decision> {
	/** Who this process is to other processes sharing the static data (see sharing.ts). */
	readonly identity = newProcessIdentity();
	private readonly warnedAt = new Map<string, number>();

	/** Whether to log the sharing warning for `scope` now: once, then at most every few minutes. */
	shouldLogWarning(scope: string, now: number): boolean {
		const last = this.warnedAt.get(scope);
		if (last !== undefined && now - last < WARNING_LOG_INTERVAL_MS) return false;
		this.warnedAt.set(scope, now);
		return true;
	}
}

/**
 * The run confirmation happens before Edges gets its answer, so it must not wait long: a couple of quick
 * retries, then the callback is failed and Edges delivers it again later.
 */
const CONFIRM_RETRY = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 1000, maxRetryAfterMs: 2000 };
const CONFIRM_TIMEOUT_MS = 10_000;

export async function handleCallback(
	context: IWebhookFunctions,
	memory: TriggerMemory,
): Promise<IWebhookResponseData> {
	const headers = context.getHeaderData() as Record<string, unknown>;

	// 1. Authentication, before anything else is read. Only the credential the check needs is loaded for it;
	// the Edges credential, once loaded, is shared by the check and the client.
	let loadedCredentials: EdgesCredentialData | undefined;
	const edgesCredentials = async () => (loadedCredentials ??= await loadEdgesCredentials(context));
	const expected = await expectedSecret(context, edgesCredentials);
	if (expected && !callbackSecretMatches(expected.secret, headers[expected.header] as string)) {
		return respond(context, 401, {
			message: `Unauthorized: the ${expected.header} header is missing or wrong.${
				expected.source === 'derived'
					? ' The Edges node sets it when its callback URL is this trigger; other callers need the Callback Secret Credential authentication.'
					: ''
			}`,
		});
	}
	const credentials = await edgesCredentials();

	// 2. The body.
	const request = context.getRequestObject() as { rawBody?: unknown };
	const reading = readCallbackBody(context.getBodyData(), request.rawBody);
	if (!reading.ok) return respond(context, 400, { message: reading.message });
	const check = checkCallback(reading.value, headers[CALLBACK_REF_HEADER]);
	if (!check.ok) return respond(context, 400, { message: check.message });
	const { payload, ref } = check;

	// 3. Batches of streaming runs.
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const emitAll = options.callbacks === 'all';
	const claimedEnd = isEndingStatus(payload.run.status);
	if (!claimedEnd && !emitAll) {
		return respond(context, 200, {
			received: true,
			ignored: `A ${payload.run.status} batch callback of a run started with on: "all"; this trigger emits finished runs only. Start runs with callback.on "final", or choose All Callbacks in the trigger's options.`,
		});
	}

	const state = context.getWorkflowStaticData('node') as TriggerState;
	const workflowId = context.getWorkflow().id ?? '';
	const scope = `${workflowId}:${context.getNode().id ?? context.getNode().name}`;
	const now = Date.now();

	// Another live webhook process serving this trigger: exactly-once cannot hold; say so (sharing.ts).
	const sharedWith = otherServingProcess(state.servedBy, memory.identity, now);
	const warning = sharedWith ? sharingWarning(sharedWith, now) : undefined;
	if (warning && memory.shouldLogWarning(scope, now)) {
		context.logger.warn(
			`Edges Trigger "${context.getNode().name}" (workflow ${workflowId}): ${warning}`,
		);
	}

	// 4 and 5. Dedup, then confirm with Edges.
	const receivedAt = new Date(now).toISOString();
	const key = refKey(ref);
	const answer = await memory.pass(scope, key, isRemembered(state, key), async () => {
		const decision = await decide(context, credentials, payload, {
			ref,
			deliveryId: firstHeaderValue(headers[DELIVERY_ID_HEADER]),
			receivedAt,
			emitAll,
		});
		const remember = decision.kind !== 'reject';
		// Written to this request's copy of static data, which n8n saves when the webhook returns.
		if (remember) {
			state.seen = mergedSeen(state.seen, memory.recentKeys(scope), key);
			state.servedBy = markServed(state.servedBy, memory.identity, now);
		}
		return { result: decision, remember };
	});
	// Refs this process accepted that the loaded static data lacks were dropped by an overlapping save
	// (last writer wins): written back now, so other processes and restarts know them again.
	if (lacksRecentKeys(state.seen, memory.recentKeys(scope))) {
		state.seen = mergedSeen(state.seen, memory.recentKeys(scope));
	}

	if (answer.kind === 'duplicate') {
		context.logger.debug(`Edges callback ${ref} was already received; no new execution`);
		return respond(context, 200, { received: true, duplicate: true });
	}
	const decision = answer.result;
	if (decision.kind === 'reject')
		return respond(context, decision.status, { message: decision.message });
	if (decision.kind === 'ignore')
		return respond(context, 200, { received: true, ignored: decision.reason });

	// 6. Answer Edges now; the outputs, which may take many pages, are read afterwards.
	if (warning) decision.item.delivery_warning = warning;
	const item = withoutSecret(decision.item, expected?.secret);
	respond(context, 200, { received: true, run_uid: item.run_uid });
	if (item.kind === 'run' && (context.getNodeParameter('attachOutputs', false) as boolean)) {
		await attachOutputs(context, credentials, item);
	}
	// Merged once more at the very end: refs other requests accepted while this one read the outputs are
	// then in this request's copy of static data too, so saving it cannot drop them (see dedupe.ts).
	state.seen = mergedSeen(state.seen, memory.recentKeys(scope));
	return { noWebhookResponse: true, workflowData: [[{ json: item as IDataObject }]] };
}

async function decide(
	context: IWebhookFunctions,
	credentials: EdgesCredentialData,
	payload: CallbackPayload,
	meta: { ref: string; deliveryId?: string; receivedAt: string; emitAll: boolean },
): Promise<Decision> {
	const runUid = payload.run.run_uid;
	let run: Run;
	try {
		const client = await edgesClientFor(
			context,
			{ retry: CONFIRM_RETRY, timeoutMs: CONFIRM_TIMEOUT_MS },
			credentials,
		);
		run = await client.getRun(runUid);
	} catch (error) {
		if (error instanceof EdgesApiError && [400, 403, 404].includes(error.status)) {
			return {
				kind: 'reject',
				status: 403,
				message: `Edges does not know run ${runUid} in the workspace of this trigger's credential; the callback is refused.`,
			};
		}
		// Anything else (Edges down, a refused API key) fails this delivery: n8n answers 500 and records a
		// failed execution with the reason, and Edges delivers the callback again later.
		throw toNodeError(context.getNode(), error);
	}

	const claimedEnd = isEndingStatus(payload.run.status);
	const confirmed = run.status ?? payload.run.status;
	let kind: 'run' | 'batch' = claimedEnd ? 'run' : 'batch';
	if (claimedEnd && !isEndingStatus(confirmed)) {
		if (!meta.emitAll) {
			// A final callback for a run Edges still reports as running: not processed now, and not
			// remembered, so Edges' next delivery of it is.
			return {
				kind: 'reject',
				status: 409,
				message: `The callback says run ${runUid} is ${payload.run.status} but Edges still reports it as ${confirmed}; deliver it again later.`,
			};
		}
		// With all callbacks, this is the end of one input of a run that goes on.
		kind = 'batch';
	}
	if (kind === 'run') {
		const statuses = context.getNodeParameter('statuses', [
			...DEFAULT_EMITTED_STATUSES,
		]) as string[];
		if (!statuses.includes(confirmed)) {
			return {
				kind: 'ignore',
				reason: `Run ${runUid} is ${confirmed}, a status this trigger is not set to emit.`,
			};
		}
	}
	return { kind: 'emit', item: buildItem(kind, payload, run, meta) };
}

/**
 * Adds every output of the run. Edges has already been answered and the ref remembered, so a failure here
 * does not lose the run: the item goes out with `outputs: null` and the reason in `outputs_error`.
 */
async function attachOutputs(
	context: IWebhookFunctions,
	credentials: EdgesCredentialData,
	item: TriggerItem,
): Promise<void> {
	const expected = typeof item.output_count === 'number' ? item.output_count : undefined;
	if (expected === 0) {
		item.outputs = [];
		item.outputs_error = null;
		return;
	}
	// This runs in the process that serves webhooks (a webhook process in queue mode): a run too big for
	// its memory is not read at all, and the item says how to read it instead.
	const max = context.getNodeParameter(
		'maxOutputsToAttach',
		DEFAULT_MAX_RESULTS_IN_MEMORY,
	) as number;
	const wayOut =
		'The item goes out without them: read them after this trigger with Edges Run Outputs, Output "Files (Any Size)", or raise "Max Outputs to Attach".';
	try {
		if (expected !== undefined) assertFitsInMemory(item.run_uid, expected, max, wayOut);
		const client = await edgesClientFor(context, {}, credentials);
		const pages = client.listRunOutputs(item.run_uid, { expectedTotal: expected });
		// A count Edges did not give is enforced while reading: one result past the limit is enough to know.
		const outputs = await collect(pages, max > 0 ? max + 1 : Number.MAX_SAFE_INTEGER);
		if (max > 0) assertFitsInMemory(item.run_uid, outputs.length, max, wayOut);
		item.outputs = outputs;
		item.outputs_error = null;
	} catch (error) {
		item.outputs = null;
		item.outputs_error =
			error instanceof TooManyResultsForMemoryError
				? `${error.message}. ${error.wayOut}`
				: toNodeError(context.getNode(), error).message;
		context.logger.warn(
			`Could not attach the outputs of Edges run ${item.run_uid}: ${item.outputs_error}`,
		);
	}
}

function respond(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	const response = context.getResponseObject();
	if (!response.headersSent) response.status(status).json(body);
	return { noWebhookResponse: true };
}
