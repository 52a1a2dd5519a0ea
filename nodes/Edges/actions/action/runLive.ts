/**
 * Action › Run Live: one synchronous Edges call per item, following the live pagination
 * (`X-Pagination-Next`) up to the limit. Each result becomes an item paired to the item it came from.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { startFailure } from '../../helpers/uncertainStart';
import { buildInput, parseJsonObject } from '../../helpers/validation';
import { forEachItem, resultLimit, returnAllOrLimit, toDataObject } from '../utils';
import { findAction } from '../../actionCatalog';
import {
	TOOL_DEFAULT_LIMIT,
	TOOL_MAX_RETRY_AFTER_MS,
	isNothingFound,
	isToolMode,
	toolAnswer,
} from '../../../shared/toolMode';
import { getActionSlug, readInputFields } from './shared';
import { NOT_TOOL } from './toolProperties';

export const description: INodeProperties[] = [
	// The tool variant has its own Limit (10 by default) and no Return All (./toolProperties.ts).
	...returnAllOrLimit('action', 'runLive').map((property) => ({
		...property,
		displayOptions: { ...property.displayOptions, hide: NOT_TOOL },
	})),
	{
		displayName: 'Options',
		name: 'liveOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['action'], operation: ['runLive'] } },
		options: [
			{
				displayName: 'Parameters',
				name: 'parameters',
				type: 'json',
				default: '{}',
				description: 'Action parameters as a JSON object, e.g. {"sections": true}',
			},
		],
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const tool = isToolMode(this);
	// A model waits on the tool call: a long Retry-After is reported ("retry in N s"), not slept through.
	const client = await edgesClientFor(
		this,
		tool ? { retry: { maxRetryAfterMs: TOOL_MAX_RETRY_AFTER_MS, maxRetries: 2 } } : {},
	);
	return await forEachItem(this, items, async (i) => {
		const slug = getActionSlug(this, i);
		// Live runs have no callbacks, so no pairing tag: the result comes back in the same call.
		const input = buildInput({
			slug,
			fields: readInputFields(this, i),
			customData: {},
			itemIndex: i,
		});
		delete input.custom_data;
		const liveOptions = this.getNodeParameter('liveOptions', i, {}) as IDataObject;
		const parameters = parseJsonObject(liveOptions.parameters, 'Parameters', i);
		const limit = tool
			? (this.getNodeParameter('toolLimit', i, TOOL_DEFAULT_LIMIT) as number)
			: resultLimit(this, i);
		const results: IDataObject[] = [];
		const sentAt = Date.now();
		let more = false;
		try {
			for await (const page of client.iterateLive(slug, {
				input,
				parameters: Object.keys(parameters).length ? parameters : undefined,
			})) {
				for (const result of Array.isArray(page) ? page : [page]) {
					if (results.length >= limit) break;
					results.push(toDataObject(result));
				}
				if (results.length >= limit) {
					// Reading on to find out would fetch (and bill) another page: the model is told "may".
					more = true;
					break;
				}
			}
		} catch (error) {
			// For a model, "nothing found" is an answer, not a failure (edges-api.md §4, §7.10).
			if (tool && isNothingFound(error)) {
				return toolAnswer({
					results: [],
					kind: undefined,
					compact: true,
					maxBytes: 0,
					more,
					limit,
				});
			}
			// A live call that may have run has cost its credits, and its results cannot be read again.
			throw await startFailure(client, { mode: 'live', slug, sentAt, input }, error);
		}
		if (!tool) return results;
		// One item per call: n8n sends the model the JSON of the output items, so the envelope can say what
		// was left out.
		return toolAnswer({
			results,
			kind: findAction(slug)?.resultKind,
			compact: this.getNodeParameter('toolOutput', i, 'compact') === 'compact',
			maxBytes: this.getNodeParameter('toolMaxBytes', i, 8000) as number,
			more,
			limit,
		});
	});
}
