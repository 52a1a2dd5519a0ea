/**
 * Wait for Completion: park the execution until Edges' final callback, then continue with the run.
 *
 * How it works in n8n 2.41 (read in n8n-core's WorkflowExecute and n8n's WaitingWebhooks / WaitTracker):
 * - `execute()` starts the run(s) with `callback: { url: $execution.resumeUrl, on: "final" }` and calls
 *   `putExecutionToWait(deadline)`. The execution is saved with status `waiting`; no worker is held and
 *   nothing polls Edges while it works.
 * - The final callback is a POST to the resume URL (`/webhook-waiting/<execution id>?signature=<token>`).
 *   n8n checks the token, loads the execution, marks the parked node disabled and runs this node's
 *   `webhook()` (declared with `restartWebhook: true`). If `webhook()` returns `workflowData`, that becomes
 *   the node's output and the execution continues; if it returns none, n8n only answers the request and the
 *   execution stays parked (used here for a callback that does not end all runs yet). A POST after the
 *   execution went on is answered 409 by n8n: a duplicate final callback starts nothing.
 * - A run can end before the execution is parked (every input refused, a tiny run): its final callback then
 *   reaches n8n while the execution still runs, and n8n refuses it (409). So `execute()` asks Edges once,
 *   between starting the runs and parking, whether they have all ended; if so it outputs at once what the
 *   callback would have given (`runsEndedBeforeParking`, `itemsForEndedRuns`). What is left is the moment
 *   between that check and n8n saving the execution as waiting; Edges' retry or a replay covers it. The
 *   refused callback of a run the check found ended stays FAILED in Edges' history: Edges has no way to
 *   withdraw it, so the daily callback audit (example 3) is the one that knows to leave it alone.
 * - Which runs belong to the execution: `webhook()` cannot read `execute()`'s node context, but both see the
 *   execution's custom data (`this.customData`, kept in the execution's saved data). `execute()` stores the
 *   run uids and the item ranges they cover under `edges_runs`; a callback for any other run is refused.
 * - When the maximum wait passes, n8n's WaitTracker resumes the execution WITHOUT running the node's code:
 *   WorkflowExecute disables the parked node and forwards the items on its execution stack entry (what n8n's
 *   Wait node does too; it cannot tell a timeout from a first run either). So a check of the run at that
 *   moment is impossible in 2.41. What this node does instead: before parking, it replaces the items n8n
 *   will forward with one item per input item saying the wait timed out, with its run uid, so the workflow
 *   can branch on `wait_timed_out` and check the run with Run › Get. On a callback, n8n replaces those
 *   items with `webhook()`'s output, so they are only ever seen after a timeout.
 * - Pairing after a resume: WorkflowExecute re-pairs the items a resumed node forwards by position
 *   (`addPairedItemLineage`: item k is paired to input item k), whatever pairedItem the node set. So both
 *   the callback output and the timeout output are exactly one item per input item, in order; each item
 *   holds the results its input produced (`results`), which a Split Out node turns into one item each
 *   with the pairing kept.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { collect, type EdgesClient, type Run } from '../../../shared/client';
import { callbackPayloadSchema, describeZodError } from '../../../shared/client/schemas';
import { edgesClientFor } from '../../../shared/transport';
import { indexInputs, needsRunInputs, pairOutputs, type InputIndex } from '../../helpers/pairing';
import { InputError, checkCallbackUrl, itemIndexOf } from '../../helpers/validation';
import { errorItem } from '../utils';

/** Execution custom-data key holding `uid@first-last,...` for the runs this execution waits for. */
export const WAIT_STATE_KEY = 'edges_runs';
/** n8n keeps custom-data values up to 512 characters: 9 runs (900,000 items) fit. */
export const MAX_WAIT_RUNS = 9;
/** n8n keeps at most 10 custom-data keys per execution. */
const CUSTOM_DATA_KEYS_LIMIT = 10;

/** Run statuses after which nothing more happens without a person: the wait is over. */
const ENDED = new Set([
	'SUCCEEDED',
	'PARTIAL_SUCCEEDED',
	'FAILED',
	'BLOCKED',
	'STOPPED',
	'INVALID',
]);
/** Ended statuses that are errors for the workflow. */
const FAILED = new Set(['FAILED', 'BLOCKED', 'STOPPED', 'INVALID']);

export interface WaitedRun {
	uid: string;
	first: number;
	last: number;
}

export function encodeWaitState(runs: WaitedRun[]): string {
	return runs.map((run) => `${run.uid}@${run.first}-${run.last}`).join(',');
}

export function decodeWaitState(value: unknown): WaitedRun[] {
	if (typeof value !== 'string' || !value) return [];
	return value.split(',').flatMap((part) => {
		const match = /^(.+)@(\d+)-(\d+)$/.exec(part);
		return match ? [{ uid: match[1], first: Number(match[2]), last: Number(match[3]) }] : [];
	});
}

function itemsOf(run: WaitedRun): number[] {
	const out: number[] = [];
	for (let i = run.first; i <= run.last; i++) out.push(i);
	return out;
}

/** The resume URL of this execution, checked like any callback URL (Edges only calls HTTPS). */
export function resumeUrlFor(context: IExecuteFunctions): string {
	const url = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	return checkCallbackUrl(
		url,
		'Wait for Completion needs n8n to be reachable over HTTPS: the resume URL of this execution',
	);
}

/** Checked before any run is started, so that a run is never started that the wait could not follow. */
export function checkCanWait(context: IExecuteFunctions, runCount: number): void {
	if (runCount > MAX_WAIT_RUNS) {
		throw new InputError(
			`Wait for Completion follows at most ${MAX_WAIT_RUNS} runs (${MAX_WAIT_RUNS * 100_000} items); this needs ${runCount}`,
			{
				description:
					'Split the items into smaller batches (Loop Over Items) or turn off Wait for Completion.',
			},
		);
	}
	const keys = Object.keys(context.customData.getAll());
	if (!keys.includes(WAIT_STATE_KEY) && keys.length >= CUSTOM_DATA_KEYS_LIMIT) {
		throw new InputError(
			'Wait for Completion needs one execution custom-data slot and all 10 are used',
			{
				description: `Remove one key set with "Execution Data" or $execution.customData; this node stores "${WAIT_STATE_KEY}".`,
			},
		);
	}
}

export function maxWaitMs(context: IExecuteFunctions): number {
	const amount = context.getNodeParameter('maxWait', 0, 24) as number;
	const unit = context.getNodeParameter('maxWaitUnit', 0, 'hours') as string;
	const factor = unit === 'minutes' ? 60_000 : unit === 'days' ? 86_400_000 : 3_600_000;
	if (!(amount > 0)) {
		throw new InputError('Maximum Wait must be more than 0', {
			description: 'Give how long n8n should wait for Edges at most.',
		});
	}
	return amount * factor;
}

/** Stores what webhook() needs, sets what n8n forwards on a timeout, and parks the execution. */
export async function parkUntilCallback(
	context: IExecuteFunctions,
	runs: Array<WaitedRun & { action: string }>,
	waitMs: number,
): Promise<void> {
	context.customData.set(WAIT_STATE_KEY, encodeWaitState(runs));
	if (context.customData.get(WAIT_STATE_KEY) !== encodeWaitState(runs)) {
		throw new NodeOperationError(context.getNode(), 'Could not record the runs to wait for', {
			description: `The runs were started (${runs.map((r) => r.uid).join(', ')}); follow them with Run › Get.`,
		});
	}
	const deadline = new Date(Date.now() + waitMs);
	// What n8n forwards if the deadline passes first (see the comment at the top of this file).
	context.getExecuteData().data = {
		main: [
			runs.flatMap((run) =>
				itemsOf(run).map((k) => ({
					json: {
						wait_timed_out: true,
						run_uid: run.uid,
						action: run.action,
						waited_until: deadline.toISOString(),
						message: `Edges did not report the end of run ${run.uid} before the maximum wait passed. Check it with Run › Get.`,
					},
					pairedItem: { item: k },
				})),
			),
		],
	};
	await context.putExecutionToWait(deadline);
}

function respond(
	status: number,
	body: IDataObject,
	context: IWebhookFunctions,
): IWebhookResponseData {
	const res = context.getResponseObject();
	res.status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * The resume: check the callback, confirm every run with `GET /runs/{uid}` (a callback is not trusted on its
 * own), and continue only when all runs of the execution have ended.
 */
export async function resumeFromCallback(
	context: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const parsed = callbackPayloadSchema.safeParse(context.getBodyData());
	if (!parsed.success) {
		return respond(
			400,
			{ error: `Not an Edges callback: ${describeZodError(parsed.error)}` },
			context,
		);
	}
	const runs = decodeWaitState(context.customData.get(WAIT_STATE_KEY));
	const runUid = parsed.data.run.run_uid;
	if (!runs.some((run) => run.uid === runUid)) {
		return respond(
			400,
			{ error: 'This callback is for a run this execution does not wait for' },
			context,
		);
	}

	const client = await edgesClientFor(context);
	const confirmed = await endedRuns(client, runs);
	if ('pending' in confirmed) {
		// Not over yet (another run of a split, or a callback ahead of the API): keep waiting.
		return respond(200, { received: true, waiting_for: confirmed.pending }, context);
	}

	const node = context.getNode();
	const items = await itemsForEndedRuns(node, client, runs, confirmed.runs, {
		withOutputs: (context.getNodeParameter('waitOutput', 'outputs') as string) === 'outputs',
		continueOnFail: node.continueOnFail === true || node.onError === 'continueRegularOutput',
	});
	return { webhookResponse: { received: true }, workflowData: [items] };
}

/**
 * The runs, if every one of them has already ended: checked once, right after they were started and before
 * the execution parks. A run that ends at once (every input refused, a tiny run) calls back while this
 * execution is still running; n8n refuses that callback (409, the execution is not waiting yet), so parking
 * would wait for a retry that may never come, until the maximum wait. Best effort: if the check itself
 * fails, the node parks as usual and the callback decides.
 */
export async function runsEndedBeforeParking(
	client: EdgesClient,
	runs: WaitedRun[],
): Promise<Run[] | undefined> {
	try {
		const confirmed = await endedRuns(client, runs);
		return 'pending' in confirmed ? undefined : confirmed.runs;
	} catch {
		return undefined;
	}
}

/** Every run as Edges reports it now, or the first one that has not ended (the others are not asked). */
async function endedRuns(
	client: EdgesClient,
	runs: WaitedRun[],
): Promise<{ runs: Run[] } | { pending: string }> {
	const confirmed: Run[] = [];
	for (const run of runs) {
		const current = await client.getRun(run.uid);
		if (!ENDED.has(String(current.status ?? ''))) return { pending: run.uid };
		confirmed.push(current);
	}
	return { runs: confirmed };
}

/**
 * The node's output for runs that have ended, whether a callback said so or the check before parking did.
 * n8n 2.41 re-pairs the items a resumed node forwards by position (WorkflowExecute's addPairedItemLineage:
 * output k is paired to input item k), so the output is exactly one item per input item, in order, each
 * holding the results its input produced: pairing stays right either way.
 */
export async function itemsForEndedRuns(
	node: INode,
	client: EdgesClient,
	runs: WaitedRun[],
	confirmed: Run[],
	settings: { withOutputs: boolean; continueOnFail: boolean },
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (let r = 0; r < runs.length; r++) {
		const run = confirmed[r];
		const runItems = itemsOf(runs[r]);
		const summary: IDataObject = {
			run_uid: run.uid,
			status: run.status ?? null,
			output_count: run.output_count ?? null,
			last_error: (run.last_error as IDataObject | null | undefined) ?? null,
		};
		if (FAILED.has(String(run.status))) {
			const error = runFailure(node, run);
			if (!settings.continueOnFail) throw error;
			for (const k of runItems) {
				items.push(
					errorItem(
						node,
						error,
						{ item: k },
						{
							run_uid: run.uid,
							status: run.status ?? null,
							error_label: run.last_error?.label ?? null,
						},
					),
				);
			}
			continue;
		}
		if (!settings.withOutputs) {
			for (const k of runItems)
				items.push({ json: { ...summary, run: run as IDataObject }, pairedItem: { item: k } });
			continue;
		}
		const { byItem, unpaired } = await outputsByItem(client, run, runItems);
		// In a partly failed run, an item whose input failed would otherwise only show results: [].
		const inputErrors =
			run.status === 'PARTIAL_SUCCEEDED' ? await failedInputsByItem(client, run.uid) : new Map();
		runItems.forEach((k, position) => {
			const results = byItem.get(k) ?? [];
			const json: IDataObject = { ...summary, result_count: results.length, results };
			const failed = inputErrors.get(k);
			if (failed) {
				json.input_status = failed.status;
				json.input_error = failed.error;
			}
			if (unpaired.length > 0) {
				json.edges_pairing = 'some results could not be paired to their item';
				if (position === 0) json.unpaired_results = unpaired;
			}
			items.push({ json, pairedItem: { item: k } });
		});
	}
	return items;
}

function runFailure(node: INode, run: Run): NodeOperationError {
	const label = run.last_error?.label;
	const message = run.last_error?.message;
	return new NodeOperationError(
		node,
		`Edges run ${run.uid} ended ${run.status}${label ? ` (${label})` : ''}${message ? `: ${message}` : ''}`,
		{
			description:
				run.status === 'BLOCKED' || run.status === 'STOPPED'
					? 'A blocked or stopped run can be resumed with Run › Resume once the cause is fixed. Run › Get Inputs shows the error of each input.'
					: 'Run › Get Inputs shows the error of each input.',
		},
	);
}

const FAILED_INPUT = new Set(['FAILED', 'BLOCKED']);

/** The inputs of a run that failed, by the item they came from (their `n8n_item` tag), with Edges' error. */
async function failedInputsByItem(
	client: EdgesClient,
	runUid: string,
): Promise<Map<number, { status: string | null; error: IDataObject | null }>> {
	const inputs = await collect(client.listRunInputs(runUid), Number.MAX_SAFE_INTEGER);
	const failed = new Map<number, { status: string | null; error: IDataObject | null }>();
	for (const input of inputs) {
		const item = itemIndexOf(input.custom_data);
		const hasFailed =
			FAILED_INPUT.has(String(input.status)) || input.last_error?.has_failed === true;
		if (item === undefined || !hasFailed) continue;
		failed.set(item, {
			status: input.status ?? null,
			error: (input.last_error as IDataObject | null | undefined) ?? null,
		});
	}
	return failed;
}

/** The run's outputs grouped by the item they belong to (see ../../helpers/pairing.ts for the rules). */
async function outputsByItem(
	client: EdgesClient,
	run: Run,
	runItems: number[],
): Promise<{ byItem: Map<number, IDataObject[]>; unpaired: IDataObject[] }> {
	const expected = typeof run.output_count === 'number' ? run.output_count : undefined;
	const outputs = await collect(
		client.listRunOutputs(run.uid, { expectedTotal: expected }),
		Number.MAX_SAFE_INTEGER,
	);
	let inputs: InputIndex | undefined;
	if (needsRunInputs(outputs, runItems)) {
		const runInputs = await collect(client.listRunInputs(run.uid), Number.MAX_SAFE_INTEGER);
		inputs = indexInputs(
			runInputs.map((input) => ({
				uid: input.uid,
				item: itemIndexOf(input.custom_data),
				data: input.input_data,
			})),
		);
	}
	const byItem = new Map<number, IDataObject[]>();
	const unpaired: IDataObject[] = [];
	for (const paired of pairOutputs({ outputs, runItems, inputs })) {
		if (paired.method === 'all_items_of_run') {
			unpaired.push(paired.output as IDataObject);
			continue;
		}
		const list = byItem.get(paired.items[0]) ?? [];
		list.push(paired.output as IDataObject);
		byItem.set(paired.items[0], list);
	}
	return { byItem, unpaired };
}
