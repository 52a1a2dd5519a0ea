/** Schedule › Get Many: the schedules of the workspace, filtered, with Return All / Limit. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { SCHEDULE_STATUSES, collect } from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { sortOption, splitList } from '../listHelpers';
import { forEachItem, resultLimit, returnAllOrLimit } from '../utils';

const show = { resource: ['schedule'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllOrLimit('schedule', 'getMany'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: { show },
		options: [
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
		const status = (filters.status as string[] | undefined) ?? [];
		const actionName = splitList(filters.actionName);
		const sort = splitList(this.getNodeParameter('sort', i, '-created_at'));
		const limit = resultLimit(this, i);
		return (await collect(
			client.listSchedules(
				{
					status: status.length ? status : undefined,
					action_name: actionName.length ? actionName : undefined,
					sort: sort.length ? sort : undefined,
				},
				{ pageSize: limit < 100 ? limit : undefined },
			),
			limit,
		)) as IDataObject[];
	});
}
