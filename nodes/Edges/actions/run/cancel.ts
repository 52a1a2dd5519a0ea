/** Run › Cancel: stops an async or scheduled run; results already produced stay, no more callbacks come. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';
import { runUidField } from './runUidField';

export const description: INodeProperties[] = [runUidField('cancel')];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.cancelRun(requiredUid(this, 'runUid', 'Run UID', i));
	});
}
