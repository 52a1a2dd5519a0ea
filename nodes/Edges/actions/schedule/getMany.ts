/** Schedule › Get Many: the schedules of the workspace, filtered, with Return All / Limit. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { SCHEDULE_STATUSES, collect } from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { filtersCollection, nonEmpty, pageSizeFor, sortOption, splitList } from '../listHelpers';
import { forEachItem, resultLimit, returnAllOrLimit } from '../utils';

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const limit = resultLimit(this, i);
		return (await collect(
			client.listSchedules(
				{
					status: nonEmpty(filters.status as string[] | undefined),
					action_name: nonEmpty(splitList(filters.actionName)),
					sort: nonEmpty(splitList(this.getNodeParameter('sort', i, '-created_at'))),
				},
				{ pageSize: pageSizeFor(limit, 100) },
			),
			limit,
		)) as IDataObject[];
	});
}
