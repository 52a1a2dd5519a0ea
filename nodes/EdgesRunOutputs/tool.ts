/**
 * Edges Run Outputs as an AI agent's tool (issue 17): the partner of an Edges Run Async tool whose wait
 * ended before the run. The model gives the run_uid (a `$fromAI` parameter with a description), and gets one
 * answer: the run's status and its results, compact and within a size cap, or "not finished yet, call
 * again later". Errors are worded for a model, since n8n passes it only the message (../shared/toolMode.ts).
 * Parameters shown only in the tool variant (`@tool`), so the node outside an agent is unchanged.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { findAction } from '../shared/actionCatalog';
import type { EdgesClient } from '../shared/client';
import {
	TOOL_DEFAULT_LIMIT,
	TOOL_DEFAULT_MAX_BYTES,
	toolMaxBytesProperty,
	toolAnswer,
	toolErrorMessage,
} from '../shared/toolMode';
import { readRun, type OutputResult } from './readRun';

const TOOL = { '@tool': [true] };

export const RUN_OUTPUTS_TOOL_DESCRIPTION =
	'Reads the results of an Edges run by its run_uid, e.g. the run_uid an Edges tool answered when its wait ended before the run did. Returns the run status and its results. If the run has not finished, says so: call again in a few minutes, and do not start the run again.';

export const toolProperties: INodeProperties[] = [
	{
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: RUN_OUTPUTS_TOOL_DESCRIPTION,
		description: 'What the AI agent is told about this tool',
		displayOptions: { show: TOOL },
	},
	{
		displayName: 'Run ID',
		name: 'runUid',
		type: 'string',
		default:
			"={{ $fromAI('run_uid', `The run_uid of the Edges run to read, as an Edges tool gave it, e.g. 6f1c2a9e-0b7d-4c39-9a51-2f0e8d4b7c11`, 'string') }}",
		required: true,
		description: 'The uid of the Edges run to read; filled by the model unless you replace it',
		displayOptions: { show: TOOL },
	},
	{
		displayName: 'Limit',
		name: 'toolLimit',
		type: 'number',
		default: TOOL_DEFAULT_LIMIT,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: TOOL },
	},
	{
		displayName: 'Output',
		name: 'toolOutput',
		type: 'options',
		default: 'compact',
		displayOptions: { show: TOOL },
		options: [
			{
				name: 'Compact',
				value: 'compact',
				description: "The fields an agent reasons with, by the run's action",
			},
			{ name: 'Full', value: 'full', description: 'Every field Edges returns' },
		],
	},
	toolMaxBytesProperty({ show: TOOL }),
];

/** One tool call: one answer item, or an error whose message says what to do. */
export async function executeAsTool(
	context: IExecuteFunctions,
	client: EdgesClient,
): Promise<INodeExecutionData[][]> {
	const runUid = String(context.getNodeParameter('runUid', 0, '') ?? '').trim();
	try {
		if (!runUid) {
			throw new NodeOperationError(
				context.getNode(),
				'Edges error BAD_INPUT (nothing was sent): no run_uid was given. Retrying will not help until it is given: pass the run_uid an Edges tool answered.',
			);
		}
		const limit = context.getNodeParameter('toolLimit', 0, TOOL_DEFAULT_LIMIT) as number;
		const results: OutputResult[] = [];
		const report = await readRun(client, runUid, {
			limit,
			includeFailedInputs: false,
			onResults: (page) => {
				for (const result of page) results.push(result);
			},
		});
		const base: IDataObject = { run_uid: runUid, status: report.status };
		if (!report.finished) {
			return [
				[
					{
						json: {
							...base,
							result_count: 0,
							results: [],
							note: `The run is ${report.status ?? 'not finished'}; its results are not ready. Call this tool again with the same run_uid in a few minutes; do not start the run again.`,
						},
					},
				],
			];
		}
		const answer = toolAnswer({
			results: results as IDataObject[],
			kind: findAction(String(report.run.action_name ?? ''))?.resultKind,
			compact: context.getNodeParameter('toolOutput', 0, 'compact') === 'compact',
			maxBytes: context.getNodeParameter('toolMaxBytes', 0, TOOL_DEFAULT_MAX_BYTES) as number,
			more: report.outputCount !== null && report.outputCount > results.length,
			limit,
		});
		return [[{ json: { ...base, output_count: report.outputCount, ...answer } }]];
	} catch (error) {
		const message = error instanceof NodeOperationError ? error.message : toolErrorMessage(error);
		throw new NodeOperationError(context.getNode(), message);
	}
}
