/**
 * Action › Run Async: all incoming items become ONE Edges run (`inputs[]`), split into several runs only
 * above Edges' limit of 100,000 inputs. Output: one item per run created, paired to the items it holds.
 * With Wait for Completion the execution parks until the run ends (see ./wait.ts).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { AsyncRunCreated } from '../../../shared/client';
import { DEFAULT_MAX_RESULTS_IN_MEMORY } from '../../../shared/outputsInMemory';
import { edgesClientFor } from '../../../shared/transport';
import { UncertainStartError, newStartTag, startFailure } from '../../helpers/uncertainStart';
import {
	MAX_ASYNC_INPUTS,
	START_TAG,
	buildInput,
	chunk,
	parseJsonObject,
	type InputError,
} from '../../helpers/validation';
import { errorItem, nodeErrorFor, pairedTo } from '../utils';
import { getActionSlug, readInputFields, readRunOptions, runOptions } from './shared';
import { isToolMode } from '../../../shared/toolMode';
import { NOT_TOOL } from './toolProperties';
import {
	checkCanWait,
	checkResultsCanBePaired,
	itemsForEndedRuns,
	maxWaitMs,
	parkUntilCallback,
	resumeUrlFor,
	runsEndedBeforeParking,
	waitOutputOf,
	type WaitedRun,
} from './wait';

const show = { resource: ['action'], operation: ['runAsync'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to pause this workflow until Edges has finished the run, then continue with its results. Nothing runs or polls while it waits.',
		displayOptions: { show },
	},
	{
		displayName:
			'Edges will call this n8n back when the run ends, so n8n must be reachable from the internet over HTTPS (its WEBHOOK_URL setting). Test it with a few items first.',
		name: 'waitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, waitForCompletion: [true] } },
	},
	{
		displayName: 'Output',
		name: 'waitOutput',
		type: 'options',
		default: 'outputs',
		hint: 'Results by Item needs results that say which item they came from: always true for one incoming item, and for actions whose results repeat their input (LinkedIn: Extract People). Searches, post likers and commenters, Sales Navigator lists and connections cannot be paired: choose One Item per Result.',
		options: [
			{
				name: 'Results by Item',
				value: 'outputs',
				description:
					'One item per incoming item, with the results its input produced in "results" (use Split Out for one item per result). Fails with an explanation when Edges\' results do not say which input they came from.',
			},
			{
				name: 'One Item per Result',
				value: 'results',
				description:
					'Every result of the run as its own item, with "_edges.item" the index of the incoming item it came from (null when Edges\' result does not say), then one item per failed input',
			},
			{
				name: 'Run Summary',
				value: 'run',
				description:
					'One item per incoming item with the status, output count and error of its run',
			},
		],
		displayOptions: { show: { ...show, waitForCompletion: [true] } },
	},
	{
		displayName: 'Max Results in Memory',
		name: 'maxResultsInMemory',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_MAX_RESULTS_IN_MEMORY,
		description:
			"When the runs end with more results than this in all, the node fails (or gives error items) before reading any, instead of filling n8n's memory (100,000 results of 1 KB take about 500 MB): read big runs with Edges Run Outputs, Output Files (Any Size). 0 turns the check off.",
		displayOptions: {
			show: { ...show, waitForCompletion: [true], waitOutput: ['outputs', 'results'] },
		},
	},
	{
		displayName: 'Maximum Wait',
		name: 'maxWait',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 0 },
		description:
			'How long to wait at most. If the run has not ended by then, the workflow continues (at n8n\'s next check, within a minute) with one item per incoming item that has "wait_timed_out": true and its run_uid.',
		// The tool variant waits minutes by default (./toolProperties.ts).
		displayOptions: { show: { ...show, waitForCompletion: [true] }, hide: NOT_TOOL },
	},
	{
		displayName: 'Maximum Wait Unit',
		name: 'maxWaitUnit',
		type: 'options',
		default: 'hours',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		// The tool variant waits minutes by default (./toolProperties.ts).
		displayOptions: { show: { ...show, waitForCompletion: [true] }, hide: NOT_TOOL },
	},
	runOptions('runAsync'),
];

interface Batch {
	itemIndexes: number[];
	inputs: Array<Record<string, unknown>>;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const wait = this.getNodeParameter('waitForCompletion', 0, false) as boolean;
	// With Wait for Completion the node's output is replaced by the callback's, so error items made now
	// would be lost: every item must be valid then, and an invalid one fails the node.
	const continueOnFail = this.continueOnFail() && !wait;
	const out: INodeExecutionData[] = [];

	let slug: string;
	let options: Awaited<ReturnType<typeof readRunOptions>>;
	try {
		slug = getActionSlug(this, 0);
		options = await readRunOptions(this, 0, !wait);
	} catch (error) {
		throw nodeErrorFor(node, error, 0);
	}

	const valid: Batch = { itemIndexes: [], inputs: [] };
	for (let i = 0; i < items.length; i++) {
		try {
			// Only the per-item option is resolved per item: resolving the whole options collection for each of
			// 10,000 items evaluated every expression in it 10,000 times.
			valid.inputs.push(
				buildInput({
					slug,
					fields: readInputFields(this, i),
					customData: parseJsonObject(
						this.getNodeParameter('options.customData', i, ''),
						'Custom Data',
						i,
					),
					itemIndex: i,
				}),
			);
			valid.itemIndexes.push(i);
		} catch (error) {
			if (!continueOnFail) throw nodeErrorFor(node, error, (error as InputError).itemIndex ?? i);
			out.push(errorItem(node, error, { item: i }));
		}
	}
	if (valid.inputs.length === 0) {
		if (out.length > 0) return out;
		throw nodeErrorFor(node, new Error('There are no items to send to Edges'), 0);
	}

	const batches: Batch[] = chunk(valid.itemIndexes, MAX_ASYNC_INPUTS).map((itemIndexes, b) => ({
		itemIndexes,
		inputs: valid.inputs.slice(b * MAX_ASYNC_INPUTS, b * MAX_ASYNC_INPUTS + itemIndexes.length),
	}));

	let callback = options.callback;
	let waitMs = 0;
	if (wait) {
		try {
			checkCanWait(this, batches.length);
			checkResultsCanBePaired(
				slug,
				waitOutputOf(this.getNodeParameter('waitOutput', 0, 'outputs')),
				batches.map((batch) => batch.inputs.length),
			);
			waitMs = maxWaitMs(this);
			callback = { url: resumeUrlFor(this), on: 'final' };
		} catch (error) {
			throw nodeErrorFor(node, error, 0);
		}
	}

	const client = await edgesClientFor(this);
	const started: Array<WaitedRun & { action: string }> = [];
	for (const batch of batches) {
		const pairedItem = pairedTo(batch.itemIndexes);
		const tag = newStartTag();
		for (const input of batch.inputs)
			(input.custom_data as Record<string, unknown>)[START_TAG] = tag;
		const sentAt = Date.now();
		let created: AsyncRunCreated;
		try {
			created = await client.startAsyncRun(slug, {
				inputs: batch.inputs,
				parameters: options.parameters,
				identity_mode: options.identity_mode,
				identity_ids: options.identity_ids,
				callback,
			});
		} catch (failure) {
			const error = await startFailure(client, { mode: 'async', slug, sentAt, tag }, failure);
			const nodeError = nodeErrorFor(node, error, batch.itemIndexes[0]);
			if (started.length > 0) {
				nodeError.description = [
					nodeError.description,
					`Runs already started for earlier items: ${started.map((run) => run.uid).join(', ')}.`,
				]
					.filter(Boolean)
					.join(' ');
			}
			if (!continueOnFail) throw nodeError;
			out.push(
				errorItem(node, nodeError, pairedItem, {
					...(error instanceof UncertainStartError && error.found
						? { existing_run_uid: error.found.uid }
						: {}),
				}),
			);
			continue;
		}
		const first = batch.itemIndexes[0];
		const last = batch.itemIndexes[batch.itemIndexes.length - 1];
		started.push({ uid: created.run_uid, first, last, action: slug });
		out.push({
			json: { ...created, input_count: batch.inputs.length, first_item: first, last_item: last },
			pairedItem,
		});
	}

	if (wait && started.length > 0) {
		const ended = await runsEndedBeforeParking(client, started);
		if (ended) {
			try {
				return await itemsForEndedRuns(node, client, started, ended, {
					output: waitOutputOf(this.getNodeParameter('waitOutput', 0, 'outputs')),
					continueOnFail: this.continueOnFail(),
					maxResultsInMemory: this.getNodeParameter(
						'maxResultsInMemory',
						0,
						DEFAULT_MAX_RESULTS_IN_MEMORY,
					) as number,
					tool: isToolMode(this),
				});
			} catch (error) {
				throw nodeErrorFor(node, error, 0);
			}
		}
		await parkUntilCallback(this, started, waitMs);
	}
	return out;
}
