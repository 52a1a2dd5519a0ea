/** Run › Cancel: stops an async or scheduled run; results already produced stay, no more callbacks come. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';

export const description: INodeProperties[] = [
	{
		displayName: 'Run UID',
		name: 'runUid',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3f2b8c1e-…',
		description: 'The uid of the Edges run (run_uid in the output of Run Async)',
		displayOptions: { show: { resource: ['run'], operation: ['cancel'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.cancelRun(requiredUid(this, 'runUid', 'Run UID', i));
	});
}
