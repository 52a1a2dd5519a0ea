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
 *   with the pairing kept. "One Item per Result" is the exception: it cannot keep n8n's pairing after a
 *   resume, so each of its items names its input item in `_edges.item`.
 */
import {
	NodeOperationError,
	type NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	collect,
	isFailedInput,
	isUnsuccessfulRunStatus,
	type EdgesClient,
	type Run,
} from '../../../shared/client';
import { callbackPayloadSchema, describeZodError } from '../../../shared/client/schemas';
import { toNodeError } from '../../../shared/nodeErrors';
import { assertFitsInMemory, DEFAULT_MAX_RESULTS_IN_MEMORY } from '../../../shared/outputsInMemory';
import { edgesClientFor } from '../../../shared/transport';
import { findAction, resultPairing } from '../../actionCatalog';
import {
	MAX_INPUTS_READ_FOR_PAIRING,
	indexInputs,
	needsRunInputs,
	pairOutputs,
	type InputIndex,
	type PairedOutput,
} from '../../helpers/pairing';
import { TOOL_DEFAULT_MAX_BYTES, compactResult, isToolMode } from '../../../shared/toolMode';
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

/**
 * Results by Item can only give results to their items when the results say which input they came from.
 * When that is known to be impossible (an action whose results never repeat their input, or a run too large
 * to match results by input field), the node says so before any run is started, so no credits are spent on
 * a run whose results the chosen output could not give. Runs of one item always pair.
 */
export function checkResultsCanBePaired(
	slug: string,
	output: WaitOutput,
	runSizes: number[],
): void {
	if (output !== 'outputs') return;
	const largest = Math.max(0, ...runSizes);
	if (largest <= 1) return;
	const ways =
		'Set Output to "One Item per Result" to get every result of the run as its own item, or send one item per run (Loop Over Items with a batch size of 1 before this node) to keep each result with its item.';
	if (resultPairing(slug) === 'cannot') {
		throw new InputError(`Results by Item cannot pair the results of ${slug} to their items`, {
			description: `The results of ${slug} are what it found (people, companies, likers, connections), not its input, so with ${largest} items in one run nothing says which item a result belongs to. ${ways}`,
		});
	}
	if (largest > MAX_INPUTS_READ_FOR_PAIRING) {
		throw new InputError(
			`Results by Item pairs results to items in runs of at most ${MAX_INPUTS_READ_FOR_PAIRING.toLocaleString('en-US')} items; this run has ${largest.toLocaleString('en-US')}`,
			{
				description: `Edges' results do not name their input, so the node matches them by an input field they repeat, which means reading every input of the run. ${ways.replace('a batch size of 1', `a batch size of up to ${MAX_INPUTS_READ_FOR_PAIRING.toLocaleString('en-US')}`)}`,
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
						// An agent's model gets this item as the tool's answer: name the tool that goes on.
						message: isToolMode(context)
							? `Run ${run.uid} had not finished when the maximum wait ended; it goes on in Edges. Do not start it again. To read its results, call the Edges Run Outputs tool with run_uid "${run.uid}" in a few minutes.`
							: `Edges did not report the end of run ${run.uid} before the maximum wait passed. Check it with Run › Get.`,
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
		output: waitOutputOf(context.getNodeParameter('waitOutput', 'outputs')),
		continueOnFail: node.continueOnFail === true || node.onError === 'continueRegularOutput',
		maxResultsInMemory: context.getNodeParameter(
			'maxResultsInMemory',
			DEFAULT_MAX_RESULTS_IN_MEMORY,
		) as number,
		tool: isToolMode(context),
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

/** What Wait for Completion outputs (the `waitOutput` parameter). */
export type WaitOutput = 'outputs' | 'results' | 'run';

export function waitOutputOf(value: unknown): WaitOutput {
	return value === 'run' || value === 'results' ? value : 'outputs';
}

/**
 * The node's output for runs that have ended, whether a callback said so or the check before parking did.
 * n8n 2.41 re-pairs the items a resumed node forwards by position (WorkflowExecute's addPairedItemLineage:
 * output k is paired to input item k). "Results by Item" and "Run Summary" are exactly one item per input
 * item, in order, so pairing stays right either way; "One Item per Result" cannot be, and each of its items
 * says in `_edges.item` which input item it came from.
 */
export async function itemsForEndedRuns(
	node: INode,
	client: EdgesClient,
	runs: WaitedRun[],
	confirmed: Run[],
	settings: {
		output: WaitOutput;
		continueOnFail: boolean;
		maxResultsInMemory: number;
		tool?: boolean;
	},
): Promise<INodeExecutionData[]> {
	const items = await itemsForRuns(node, client, runs, confirmed, settings);
	return settings.tool ? compactForTool(items, confirmed) : items;
}

/**
 * In an AI agent the items are the model's answer: each result keeps the fields of its kind (Compact,
 * ../../../shared/toolMode.ts), as Run Live does; the summary fields (run_uid, status, counts) stay.
 */
function compactForTool(items: INodeExecutionData[], confirmed: Run[]): INodeExecutionData[] {
	const kind = findAction(String(confirmed[0]?.action_name ?? ''))?.resultKind;
	for (const item of items) {
		const { results, [RESULT_ORIGIN_FIELD]: origin, ...rest } = item.json;
		if (Array.isArray(results)) {
			item.json.results = (results as IDataObject[]).map((result) => compactResult(kind, result));
		} else if (origin !== undefined && rest.input_status === undefined) {
			item.json = { ...compactResult(kind, rest), [RESULT_ORIGIN_FIELD]: origin };
		}
	}
	// One tool call is one answer: keep it within the cap a Run Live tool has, and say what was left out.
	// Sizes are measured once and taken off as results go, so a big run costs one pass, not one per cut.
	const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
	let size = bytes(items.map((i) => i.json));
	const lists = items
		.filter((item) => Array.isArray(item.json.results))
		.map((item) => item.json.results as IDataObject[]);
	let cut = 0;
	while (size > TOOL_DEFAULT_MAX_BYTES - 300) {
		const longest = lists.reduce<IDataObject[] | undefined>(
			(best, list) => (!best || list.length > best.length ? list : best),
			undefined,
		);
		if (longest && longest.length > 0) {
			size -= bytes(longest.pop()) + 1;
			cut++;
		} else if (items.length > 1) {
			size -= bytes(items.pop()!.json) + 1;
			cut++;
		} else break;
	}
	if (cut > 0 && items[0]) {
		items[0].json.note = `${cut} results were left out to keep this answer under ${TOOL_DEFAULT_MAX_BYTES} bytes; read them all with the Edges Run Outputs tool and the run_uid.`;
	}
	return items;
}

async function itemsForRuns(
	node: INode,
	client: EdgesClient,
	runs: WaitedRun[],
	confirmed: Run[],
	settings: { output: WaitOutput; continueOnFail: boolean; maxResultsInMemory: number },
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	const tooBig = settings.output === 'run' ? undefined : memoryRefusal(node, confirmed, settings);
	for (let r = 0; r < runs.length; r++) {
		const run = confirmed[r];
		const runItems = itemsOf(runs[r]);
		const summary: IDataObject = {
			run_uid: run.uid,
			status: run.status ?? null,
			output_count: run.output_count ?? null,
			last_error: (run.last_error as IDataObject | null | undefined) ?? null,
		};
		// A run that cannot give its items their results fails the node, or (Continue On Fail) gives each of
		// its items an error item that names the run.
		const failItems = (error: NodeApiError | NodeOperationError, extra: IDataObject) => {
			if (!settings.continueOnFail) throw error;
			for (const k of runItems) {
				items.push(
					errorItem(
						node,
						error,
						{ item: k },
						{ run_uid: run.uid, status: run.status ?? null, ...extra },
					),
				);
			}
		};
		if (isUnsuccessfulRunStatus(run.status)) {
			failItems(runFailure(node, run), { error_label: run.last_error?.label ?? null });
			continue;
		}
		if (tooBig) {
			failItems(tooBig, { output_count: run.output_count ?? null });
			continue;
		}
		if (settings.output === 'run') {
			for (const k of runItems)
				items.push({ json: { ...summary, run: run as IDataObject }, pairedItem: { item: k } });
			continue;
		}
		const paired = await pairedOutputsOf(client, run, runItems);
		// In a partly failed run, an item whose input failed would otherwise only show no results.
		const inputErrors =
			run.status === 'PARTIAL_SUCCEEDED' ? await failedInputsByItem(client, run.uid) : new Map();
		if (settings.output === 'results') {
			items.push(...itemPerResult(run, runItems, paired, inputErrors));
			continue;
		}

		const unpaired = paired.filter((entry) => entry.method === 'all_items_of_run');
		if (unpaired.length > 0) {
			// An item with `results: []` would look like "no result" and a Split Out would make nothing of it,
			// while the results sit elsewhere: never give that silently.
			failItems(unpairedError(node, run, runItems.length, unpaired.length, paired.length), {
				output_count: run.output_count ?? null,
				unpaired_result_count: unpaired.length,
			});
			continue;
		}
		const byItem = new Map<number, IDataObject[]>();
		for (const entry of paired) {
			const list = byItem.get(entry.items[0]) ?? [];
			list.push(entry.output as IDataObject);
			byItem.set(entry.items[0], list);
		}
		for (const k of runItems) {
			const results = byItem.get(k) ?? [];
			const json: IDataObject = { ...summary, result_count: results.length, results };
			const failed = inputErrors.get(k);
			if (failed) {
				json.input_status = failed.status;
				json.input_error = failed.error;
			}
			items.push({ json, pairedItem: { item: k } });
		}
	}
	return items;
}

/** Field of each "One Item per Result" item saying where it comes from, apart from the result's own fields. */
export const RESULT_ORIGIN_FIELD = '_edges';

/**
 * "One Item per Result": every result of the run, in Edges' order, then one item per failed input. Results
 * that cannot be paired are given all the same, with `item: null`: the run's results are what the user
 * asked for, and which item they came from is only extra information here.
 */
function itemPerResult(
	run: Run,
	runItems: number[],
	paired: PairedOutput[],
	inputErrors: Map<number, { status: string | null; error: IDataObject | null }>,
): INodeExecutionData[] {
	const origin = (item: number | null, pairedBy: string | null): IDataObject => ({
		run_uid: run.uid,
		status: run.status ?? null,
		item,
		paired_by: pairedBy,
	});
	// One list for every unpaired result, not one each: a run can have thousands of both.
	const allItems = runItems.map((item) => ({ item }));
	const items: INodeExecutionData[] = paired.map((entry) => {
		const known = entry.method !== 'all_items_of_run';
		return {
			json: {
				...(entry.output as IDataObject),
				[RESULT_ORIGIN_FIELD]: origin(known ? entry.items[0] : null, known ? entry.method : null),
			},
			pairedItem: known ? { item: entry.items[0] } : allItems,
		};
	});
	for (const [k, failed] of inputErrors) {
		items.push({
			json: {
				[RESULT_ORIGIN_FIELD]: origin(k, 'custom_data'),
				input_status: failed.status,
				input_error: failed.error,
			},
			pairedItem: { item: k },
		});
	}
	return items;
}

/** Why the results of a run could not be given by item, and what to do instead. */
function unpairedError(
	node: INode,
	run: Run,
	inputCount: number,
	unpairedCount: number,
	total: number,
): NodeOperationError {
	const action = run.action_name ?? 'this action';
	const pairing = resultPairing(String(run.action_name ?? ''));
	const why =
		inputCount > MAX_INPUTS_READ_FOR_PAIRING
			? `Edges' results do not name their input, and the node matches them by input field only in runs of at most ${MAX_INPUTS_READ_FOR_PAIRING.toLocaleString('en-US')} items (this one has ${inputCount.toLocaleString('en-US')}).`
			: pairing === 'cannot'
				? `The results of ${action} are what it found, not its input, so nothing in them says which item they belong to.`
				: `Edges' results do not name their input; the node matches them by an input field they repeat, and these repeat none, or one that several items share (the same input twice).`;
	return new NodeOperationError(
		node,
		`${unpairedCount} of the ${total} results of Edges run ${run.uid} do not say which input they came from, so Results by Item cannot give them to their items`,
		{
			description: [
				why,
				'Set Output to "One Item per Result" to get every result of the run as its own item.',
				'To keep each result with its item, send one item per run (Loop Over Items with a batch size of 1 before this node).',
				`Nothing is lost: the results stay in Edges, and Run › Get Outputs (or the Edges Run Outputs node) with run uid ${run.uid} reads them without running anything again.`,
			].join(' '),
		},
	);
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

/** The inputs of a run that failed, by the item they came from (their `n8n_item` tag), with Edges' error. */
async function failedInputsByItem(
	client: EdgesClient,
	runUid: string,
): Promise<Map<number, { status: string | null; error: IDataObject | null }>> {
	const inputs = await collect(client.listRunInputs(runUid), Number.MAX_SAFE_INTEGER);
	const failed = new Map<number, { status: string | null; error: IDataObject | null }>();
	for (const input of inputs) {
		const item = itemIndexOf(input.custom_data);
		if (item === undefined || !isFailedInput(input)) continue;
		failed.set(item, {
			status: input.status ?? null,
			error: (input.last_error as IDataObject | null | undefined) ?? null,
		});
	}
	return failed;
}

/**
 * The results of all the waited runs are read into items together: refuse, before any page is read, more
 * of them than "Max Results in Memory" (see ../../../shared/outputsInMemory.ts for why).
 */
function memoryRefusal(
	node: INode,
	confirmed: Run[],
	settings: { maxResultsInMemory: number },
): NodeApiError | NodeOperationError | undefined {
	const read = confirmed.filter((run) => !isUnsuccessfulRunStatus(run.status));
	const total = read.reduce(
		(sum, run) => sum + (typeof run.output_count === 'number' ? run.output_count : 0),
		0,
	);
	try {
		assertFitsInMemory(
			read.map((run) => run.uid).join(', '),
			total,
			settings.maxResultsInMemory,
			'Choose Output "Run Summary" and read the results after this node with Edges Run Outputs, Output "Files (Any Size)", or raise "Max Results in Memory" if this n8n has the memory (about 500 MB per 100,000 results of 1 KB).',
		);
		return undefined;
	} catch (error) {
		return toNodeError(node, error);
	}
}

/** The run's outputs, each with the item it belongs to (see ../../helpers/pairing.ts for the rules). */
async function pairedOutputsOf(
	client: EdgesClient,
	run: Run,
	runItems: number[],
): Promise<PairedOutput[]> {
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
	return pairOutputs({ outputs, runItems, inputs });
}
