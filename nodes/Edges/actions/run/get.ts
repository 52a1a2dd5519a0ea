/** Run › Get: one run with its status, output count and last error. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';
import { runUidField } from './runUidField';

export const description: INodeProperties[] = [runUidField('get')];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.getRun(requiredUid(this, 'runUid', 'Run UID', i));
	});
}
