/** Workspace › Get Consumption: credits used this month, per action. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem } from '../utils';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async () => await client.getConsumption());
}
