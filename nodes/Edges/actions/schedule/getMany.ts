/** Schedule › Get Many: the schedules of the workspace, filtered, with Return All / Limit. */
import type { INodeProperties } from 'n8n-workflow';

import { SCHEDULE_STATUSES, type ListSchedulesQuery } from '../../../shared/client';
import { filtersCollection, getManyExecute, nonEmpty, sortOption, splitList } from '../listHelpers';
import { returnAllOrLimit } from '../utils';

const show = { resource: ['schedule'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllOrLimit('schedule', 'getMany'),
	filtersCollection(show, [
		{
			displayName: 'Action Names',
			name: 'actionName',
			type: 'string',
			default: '',
			description: 'Comma-separated action slugs',
		},
		{
			displayName: 'Statuses',
			name: 'status',
			type: 'multiOptions',
			default: [],
			options: SCHEDULE_STATUSES.map((status) => ({ name: status, value: status })),
		},
	]),
	sortOption(show),
];

export const execute = getManyExecute({
	list: (client, query: ListSchedulesQuery, paging) => client.listSchedules(query, paging),
	queryFrom: (filters) => ({
		status: nonEmpty(filters.status as string[] | undefined),
		action_name: nonEmpty(splitList(filters.actionName)),
	}),
	maxPageSize: 100,
});
