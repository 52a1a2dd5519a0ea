/** Run › Get Many: runs of the workspace, filtered and sorted, with Return All / Limit. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { RUN_STATUSES, collect, type ListRunsQuery, type RunStatus } from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, resultLimit, returnAllOrLimit } from '../utils';
import { filtersCollection, nonEmpty, pageSizeFor, sortOption, splitList } from '../listHelpers';

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const query: ListRunsQuery = {
			status: nonEmpty(filters.status as RunStatus[] | undefined),
			action_name: nonEmpty(splitList(filters.actionName)),
			execution_mode: nonEmpty(filters.executionMode as Array<'LIVE' | 'ASYNC'> | undefined),
			uid: nonEmpty(splitList(filters.uid)),
			sort: nonEmpty(splitList(this.getNodeParameter('sort', i, '-created_at'))),
		};
		const limit = resultLimit(this, i);
		return (await collect(
			client.listRuns(query, { pageSize: pageSizeFor(limit, 100) }),
			limit,
		)) as IDataObject[];
	});
}
