/** Callback › Get: one delivery record of the callback history (status, HTTP status your endpoint gave). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';

export const description: INodeProperties[] = [
	{
		displayName: 'Callback UID',
		name: 'callbackUid',
		type: 'string',
		default: '',
		required: true,
		description: 'The uid of the callback record (from Callback › Get Many)',
		displayOptions: { show: { resource: ['callback'], operation: ['get'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.getCallback(requiredUid(this, 'callbackUid', 'Callback UID', i));
	});
}
