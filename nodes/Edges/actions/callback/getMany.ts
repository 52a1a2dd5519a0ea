/** Callback › Get Many: the callback history, e.g. the FAILED deliveries of a run, with Return All / Limit. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	CALLBACK_DELIVERY_STATUSES,
	collect,
	type CallbackDeliveryStatus,
} from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { filtersCollection, nonEmpty, pageSizeFor, sortOption, splitList } from '../listHelpers';
import { forEachItem, resultLimit, returnAllOrLimit } from '../utils';

const show = { resource: ['callback'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllOrLimit('callback', 'getMany'),
	filtersCollection(show, [
		{
			displayName: 'Run UIDs',
			name: 'runUid',
			type: 'string',
			default: '',
			description: 'Comma-separated uids of the runs whose callbacks to list',
		},
		{
			displayName: 'Statuses',
			name: 'status',
			type: 'multiOptions',
			default: [],
			description: 'Delivery statuses; FAILED lists the callbacks your endpoint did not accept',
			options: CALLBACK_DELIVERY_STATUSES.map((status) => ({ name: status, value: status })),
		},
	]),
	sortOption(show),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const limit = resultLimit(this, i);
		return (await collect(
			client.listCallbacks(
				{
					status: nonEmpty(filters.status as CallbackDeliveryStatus[] | undefined),
					run_uid: nonEmpty(splitList(filters.runUid)),
					sort: nonEmpty(splitList(this.getNodeParameter('sort', i, '-created_at'))),
				},
				{ pageSize: pageSizeFor(limit, 20) },
			),
			limit,
		)) as IDataObject[];
	});
}
