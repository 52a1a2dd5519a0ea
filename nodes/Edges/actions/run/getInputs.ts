/** Run › Get Inputs: each input of a run with its status and error (where per-input errors live). */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { collect } from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid, resultLimit, returnAllOrLimit } from '../utils';
import { runUidField } from './runUidField';

export const description: INodeProperties[] = [
	runUidField('getInputs'),
	...returnAllOrLimit('run', 'getInputs'),
	{
		displayName: 'Only Inputs With Errors',
		name: 'onlyErrors',
		type: 'boolean',
		default: false,
		description: 'Whether to return only the inputs that failed or are blocked',
		displayOptions: { show: { resource: ['run'], operation: ['getInputs'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const runUid = requiredUid(this, 'runUid', 'Run UID', i);
		const onlyErrors = this.getNodeParameter('onlyErrors', i, false) as boolean;
		const limit = resultLimit(this, i);
		if (!onlyErrors) return (await collect(client.listRunInputs(runUid), limit)) as IDataObject[];
		const out: IDataObject[] = [];
		for await (const page of client.listRunInputs(runUid)) {
			for (const input of page.items) {
				const failed =
					Boolean(input.last_error) || ['FAILED', 'BLOCKED'].includes(String(input.status));
				if (failed && out.length < limit) out.push(input as IDataObject);
			}
			if (out.length >= limit) break;
		}
		return out;
	});
}
