import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { isHaltedRunStatus } from '../shared/client';
import { RateLimitPacer } from '../shared/client/pacer';
import { toNodeError } from '../shared/nodeErrors';
import { DEFAULT_MAX_RESULTS_IN_MEMORY } from '../shared/outputsInMemory';
import { edgesClientFor } from '../shared/transport';
import { isToolMode } from '../shared/toolMode';
import { readRun, type OutputResult, type RunReadReport } from './readRun';
import { executeAsTool, toolProperties } from './tool';
import { failedInputItemsFor, markResults, runItemFor, runUidOf, statusItemFor } from './items';
import {
	DEFAULT_RESULTS_PER_FILE,
	MAX_RESULTS_PER_FILE,
	ResultFileWriter,
	type ResultFileFormat,
} from './resultFiles';

type OutputMode = 'perResult' | 'perRun' | 'files';
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
					{
						name: 'Files (Any Size)',
						value: 'files',
						description:
							"The results written to files in n8n's binary data, one item per file of up to 'Results per File' results: memory stays bounded whatever the run's size",
					},
				],
			},
			{
				displayName: 'File Format',
				name: 'fileFormat',
				type: 'options',
				default: 'jsonl',
				displayOptions: { show: { output: ['files'] } },
				options: [
					{
						name: 'JSON Lines (.Jsonl)',
						value: 'jsonl',
						description: 'One result per line: for data tools and uploads (S3, Drive, FTP)',
					},
					{
						name: 'JSON Array (.Json)',
						value: 'json',
						description: 'Each file is one JSON array: for Extract from File (From JSON) and APIs',
					},
				],
			},
			{
				displayName: 'Results per File',
				name: 'resultsPerFile',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_RESULTS_PER_FILE },
				default: DEFAULT_RESULTS_PER_FILE,
				displayOptions: { show: { output: ['files'] } },
				description:
					'How many results go into one file; memory use grows with it (about 1 MB per 1,000 results of 1 KB)',
			},
			{
				displayName: 'Put Files in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { output: ['files'] } },
				description: 'The binary field of each output item that holds its file',
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
									'Return what arrived, each item with an "_edges_run" field saying what is missing; a run that is not finished gives one item with its status, and with Edges\' error (last_error) when it is blocked or failed',
							},
						],
						description: 'What to do when the results are not complete',
					},
					{
						displayName: 'Max Results in Memory',
						name: 'maxResultsInMemory',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_MAX_RESULTS_IN_MEMORY,
						description:
							"With items as output, a run with more results than this is refused before any is read, instead of filling n8n's memory (100,000 results of 1 KB take about 500 MB). 0 turns the check off. Files (Any Size) has no such limit.",
						displayOptions: { hide: { '/output': ['files'] } },
					},
					{
						displayName: 'Include Failed Inputs',
						name: 'includeFailedInputs',
						type: 'boolean',
						default: false,
						description:
							'Whether to also return the inputs of the run that failed or are blocked, with the error Edges gives for each (one extra request per 100 inputs). Also for a BLOCKED or STOPPED run, whose results are not read.',
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
					maxResultsInMemory?: number;
				};
				const onIncomplete = options.onIncomplete ?? 'error';

				const collected: OutputResult[] = [];
				const files = mode === 'files' ? fileWriterFor(this, runUid, itemIndex, out) : undefined;
				const report = await readRun(client, runUid, {
					limit,
					includeFailedInputs: options.includeFailedInputs === true,
					memoryGuard: files
						? undefined
						: {
								max: options.maxResultsInMemory ?? DEFAULT_MAX_RESULTS_IN_MEMORY,
								wayOut:
									'Choose Output "Files (Any Size)" to write them to files in bounded memory, set a Limit, or raise "Max Results in Memory" in the options if this n8n has the memory (about 500 MB per 100,000 results of 1 KB).',
							},
					onResults: files
						? async (results) => await files.add(results)
						: mode === 'perResult'
							? (results) => {
									for (let r = 0; r < results.length; r++) {
										out.push({ json: results[r] as IDataObject, pairedItem: { item: itemIndex } });
									}
								}
							: (results) => {
									for (let r = 0; r < results.length; r++) collected.push(results[r]);
								},
				});
				await files?.finish();

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

/**
 * "Files (Any Size)": each finished part goes into n8n's binary data at once and becomes one item that
 * says which results it holds; only the part being filled is in memory.
 */
function fileWriterFor(
	context: IExecuteFunctions,
	runUid: string,
	itemIndex: number,
	out: INodeExecutionData[],
): ResultFileWriter {
	const format = context.getNodeParameter('fileFormat', itemIndex, 'jsonl') as ResultFileFormat;
	const resultsPerFile = context.getNodeParameter(
		'resultsPerFile',
		itemIndex,
		DEFAULT_RESULTS_PER_FILE,
	) as number;
	const field = (
		(context.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string) || 'data'
	).trim();
	if (
		!Number.isInteger(resultsPerFile) ||
		resultsPerFile < 1 ||
		resultsPerFile > MAX_RESULTS_PER_FILE
	) {
		throw new NodeOperationError(
			context.getNode(),
			`Results per File must be a whole number from 1 to ${MAX_RESULTS_PER_FILE.toLocaleString('en-US')}, not ${resultsPerFile}`,
			{ itemIndex },
		);
	}
	return new ResultFileWriter(runUid, format, resultsPerFile, async (part) => {
		const binary = await context.helpers.prepareBinaryData(
			part.content,
			part.fileName,
			part.mimeType,
		);
		out.push({
			json: {
				run_uid: runUid,
				part: part.part,
				first_index: part.firstIndex,
				last_index: part.lastIndex,
				count: part.count,
				file_name: part.fileName,
				format,
			},
			binary: { [field]: binary },
			pairedItem: { item: itemIndex },
		});
	});
}

function incompleteError(
	context: IExecuteFunctions,
	report: RunReadReport,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), report.issue ?? 'The run is incomplete', {
		itemIndex,
		description: incompleteHint(report),
	});
}

function incompleteHint(report: RunReadReport): string {
	if (report.shortfall !== 'not_finished') {
		return 'The number of results Edges served differs from the output count it reports for the run. Try again in a moment; if it persists, give the run ID to Edges support. Choose "Continue and Mark the Items" in the options to take what arrived.';
	}
	// Waiting does not help a BLOCKED or STOPPED run: Edges does no more work on it until someone resumes it.
	if (isHaltedRunStatus(report.status)) {
		return 'The run does no more work until it is resumed. Fix the cause (choose "Continue and Mark the Items" with "Include Failed Inputs" to get each blocked input with its error, or use Run › Get Inputs), then use Run › Resume, or start a new run.';
	}
	return 'Wait until the run is finished (SUCCEEDED, PARTIAL_SUCCEEDED or FAILED), e.g. by starting this workflow from the Edges Trigger, or choose "Continue and Mark the Items" in the options to get the run\'s status instead.';
}
