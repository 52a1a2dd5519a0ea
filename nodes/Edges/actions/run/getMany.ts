/** Run › Get Many: runs of the workspace, filtered and sorted, with Return All / Limit. */
import type { INodeProperties } from 'n8n-workflow';

import { RUN_STATUSES, type ListRunsQuery, type RunStatus } from '../../../shared/client';
import { filtersCollection, getManyExecute, nonEmpty, sortOption, splitList } from '../listHelpers';
import { returnAllOrLimit } from '../utils';

const show = { resource: ['run'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllOrLimit('run', 'getMany'),
	filtersCollection(show, [
		{
			displayName: 'Action Names',
			name: 'actionName',
			type: 'string',
			default: '',
			placeholder: 'e.g. linkedin-extract-people',
			description: 'Comma-separated action slugs',
		},
		{
			displayName: 'Execution Modes',
			name: 'executionMode',
			type: 'multiOptions',
			default: [],
			options: [
				{ name: 'Async', value: 'ASYNC' },
				{ name: 'Live', value: 'LIVE' },
			],
		},
		{
			displayName: 'Run UIDs',
			name: 'uid',
			type: 'string',
			default: '',
			description: 'Comma-separated run uids',
		},
		{
			displayName: 'Statuses',
			name: 'status',
			type: 'multiOptions',
			default: [],
			options: RUN_STATUSES.map((status) => ({ name: status, value: status })),
		},
	]),
	sortOption(show),
];

export const execute = getManyExecute({
	list: (client, query: ListRunsQuery, paging) => client.listRuns(query, paging),
	queryFrom: (filters) => ({
		status: nonEmpty(filters.status as RunStatus[] | undefined),
		action_name: nonEmpty(splitList(filters.actionName)),
		execution_mode: nonEmpty(filters.executionMode as Array<'LIVE' | 'ASYNC'> | undefined),
		uid: nonEmpty(splitList(filters.uid)),
	}),
	maxPageSize: 100,
});
