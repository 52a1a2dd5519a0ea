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
import { sortOption, splitList } from '../listHelpers';
import { forEachItem, resultLimit, returnAllOrLimit } from '../utils';

const show = { resource: ['callback'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllOrLimit('callback', 'getMany'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: { show },
		options: [
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
		],
	},
	sortOption(show),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const status = (filters.status as CallbackDeliveryStatus[] | undefined) ?? [];
		const runUid = splitList(filters.runUid);
		const limit = resultLimit(this, i);
		const sort = splitList(this.getNodeParameter('sort', i, '-created_at'));
		return (await collect(
			client.listCallbacks(
				{
					status: status.length ? status : undefined,
					run_uid: runUid.length ? runUid : undefined,
					sort: sort.length ? sort : undefined,
				},
				{ pageSize: limit < 20 ? limit : undefined },
			),
			limit,
		)) as IDataObject[];
	});
}
