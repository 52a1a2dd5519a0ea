import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { RateLimitPacer } from '../shared/client/pacer';
import { toNodeError } from '../shared/nodeErrors';
import { edgesClientFor } from '../shared/transport';
import { isToolMode } from '../shared/toolMode';
import { readRun, type OutputResult, type RunReadReport } from './readRun';
import { executeAsTool, toolProperties } from './tool';
import { failedInputItemsFor, markResults, runItemFor, runUidOf, statusItemFor } from './items';

type OutputMode = 'perResult' | 'perRun';
type OnIncomplete = 'error' | 'mark';

export class EdgesRunOutputs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edges Run Outputs',
		name: 'edgesRunOutputs',
		icon: {
			light: 'file:../../icons/edgesRunOutputs.svg',
			dark: 'file:../../icons/edgesRunOutputs.dark.svg',
		},
		group: ['input'],
		version: 1,
		subtitle:
			'={{ $parameter["returnAll"] ? "All results" : "Up to " + $parameter["limit"] + " results" }}',
		description:
			'Read all the results of a finished Edges run, checked against the count Edges reports',
		defaults: { name: 'Edges Run Outputs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'edgesApi', required: true }],
		properties: [
			...toolProperties,
			{
				displayName: 'Run ID',
				name: 'runUid',
				type: 'string',
				default: '={{ $json.run_uid }}',
				required: true,
				placeholder: 'e.g. 6f1c2a9e-0b7d-4c39-9a51-2f0e8d4b7c11',
				description:
					'The uid of the Edges run to read. By default it is taken from the incoming item (the "run_uid" the Edges Trigger or the Edges node outputs; an item with only "uid" works too).',
				// The tool variant has its own (./tool.ts).
				displayOptions: { hide: { '@tool': [true] } },
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: true,
				description: 'Whether to return all results or only up to a given limit',
				// The tool variant has its own (./tool.ts).
				displayOptions: { hide: { '@tool': [true] } },
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { returnAll: [false] }, hide: { '@tool': [true] } },
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				displayOptions: { hide: { '@tool': [true] } },
				default: 'perResult',
				options: [
					{
						name: 'One Item per Result',
						value: 'perResult',
						description: 'Each result of the run becomes its own item',
					},
					{
						name: 'One Item per Run',
						value: 'perRun',
						description:
							'One item per run, with the results in a "results" list and the run\'s status and counts',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				displayOptions: { hide: { '@tool': [true] } },
				default: {},
				options: [
					{
						displayName: 'If Results Are Missing or the Run Is Not Finished',
						name: 'onIncomplete',
						type: 'options',
						default: 'error',
						options: [
							{
								name: 'Stop With an Error',
								value: 'error',
								description:
									'Fail when fewer results arrive than Edges reports for the run, or when the run is still going',
							},
							{
								name: 'Continue and Mark the Items',
								value: 'mark',
								description:
									'Return what arrived, each item with an "_edges_run" field saying what is missing; a run that is not finished gives one item with its status',
							},
						],
						description: 'What to do when the results are not complete',
					},
					{
						displayName: 'Include Failed Inputs',
						name: 'includeFailedInputs',
						type: 'boolean',
						default: false,
						description:
							'Whether to also return the inputs of the run that failed, with the error Edges gives for each (one extra request per 100 inputs)',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		// One pacer for the whole execution: Edges' rate limit is per workspace, not per run.
		const client = await edgesClientFor(this, { pacer: new RateLimitPacer() });
		// In an AI agent: one answer for the model (./tool.ts).
		if (isToolMode(this)) return await executeAsTool(this, client);

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const firstOfItem = out.length;
			try {
				const runUid = runUidOf(
					this.getNodeParameter('runUid', itemIndex, '') as unknown,
					items[itemIndex].json,
				);
				if (!runUid) {
					throw new NodeOperationError(this.getNode(), 'No run ID for this item', {
						itemIndex,
						description:
							'Set "Run ID", or feed the node items that carry the run in a "run_uid" or "uid" field (as the Edges Trigger does).',
					});
				}
				const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
				const limit = returnAll
					? undefined
					: (this.getNodeParameter('limit', itemIndex, 50) as number);
				const mode = this.getNodeParameter('output', itemIndex, 'perResult') as OutputMode;
				const options = this.getNodeParameter('options', itemIndex, {}) as {
					onIncomplete?: OnIncomplete;
					includeFailedInputs?: boolean;
				};
				const onIncomplete = options.onIncomplete ?? 'error';

				const collected: OutputResult[] = [];
				const report = await readRun(client, runUid, {
					limit,
					includeFailedInputs: options.includeFailedInputs === true,
					onResults:
						mode === 'perResult'
							? (results) => {
									for (let r = 0; r < results.length; r++) {
										out.push({ json: results[r] as IDataObject, pairedItem: { item: itemIndex } });
									}
								}
							: (results) => {
									for (let r = 0; r < results.length; r++) collected.push(results[r]);
								},
				});

				if (!report.complete && onIncomplete === 'error') {
					throw incompleteError(this, report, itemIndex);
				}
				if (mode === 'perRun') {
					out.push({
						json: runItemFor(report, collected) as IDataObject,
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				if (!report.complete) {
					if (report.received === 0) {
						out.push({
							json: statusItemFor(report) as IDataObject,
							pairedItem: { item: itemIndex },
						});
					} else {
						markResults(out as Array<{ json: IDataObject }>, firstOfItem, report);
					}
				}
				for (const json of failedInputItemsFor(report)) {
					out.push({ json, pairedItem: { item: itemIndex } });
				}
			} catch (error) {
				// Never hand on part of a run as if it were all of it: drop what this item produced.
				out.length = firstOfItem;
				const nodeError = toNodeError(this.getNode(), error, itemIndex);
				if (this.continueOnFail()) {
					out.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}

function incompleteError(
	context: IExecuteFunctions,
	report: RunReadReport,
	itemIndex: number,
): NodeOperationError {
	const description =
		report.shortfall === 'not_finished'
			? 'Wait until the run is finished (SUCCEEDED, PARTIAL_SUCCEEDED or FAILED), e.g. by starting this workflow from the Edges Trigger, or choose "Continue and Mark the Items" in the options to get the run\'s status instead.'
			: 'The number of results Edges served differs from the output count it reports for the run. Try again in a moment; if it persists, give the run ID to Edges support. Choose "Continue and Mark the Items" in the options to take what arrived.';
	return new NodeOperationError(context.getNode(), report.issue ?? 'The run is incomplete', {
		itemIndex,
		description,
	});
}
