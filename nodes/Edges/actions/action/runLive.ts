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
import { getActionSlug, readInputFields } from './shared';

export const description: INodeProperties[] = [
	...returnAllOrLimit('action', 'runLive'),
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
	const client = await edgesClientFor(this);
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
		const limit = resultLimit(this, i);
		const results: IDataObject[] = [];
		const sentAt = Date.now();
		try {
			for await (const page of client.iterateLive(slug, {
				input,
				parameters: Object.keys(parameters).length ? parameters : undefined,
			})) {
				for (const result of Array.isArray(page) ? page : [page]) {
					if (results.length >= limit) break;
					results.push(toDataObject(result));
				}
				if (results.length >= limit) break;
			}
		} catch (error) {
			// A live call that may have run has cost its credits, and its results cannot be read again.
			throw await startFailure(client, { mode: 'live', slug, sentAt, input }, error);
		}
		return results;
	});
}
