/** Callback › Get Many: the callback history, e.g. the FAILED deliveries of a run, with Return All / Limit. */
import type { INodeProperties } from 'n8n-workflow';

import {
	CALLBACK_DELIVERY_STATUSES,
	type CallbackDeliveryStatus,
	type ListCallbacksQuery,
} from '../../../shared/client';
import { filtersCollection, getManyExecute, nonEmpty, sortOption, splitList } from '../listHelpers';
import { returnAllOrLimit } from '../utils';

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

export const execute = getManyExecute({
	list: (client, query: ListCallbacksQuery, paging) => client.listCallbacks(query, paging),
	queryFrom: (filters) => ({
		status: nonEmpty(filters.status as CallbackDeliveryStatus[] | undefined),
		run_uid: nonEmpty(splitList(filters.runUid)),
	}),
	maxPageSize: 20,
});
