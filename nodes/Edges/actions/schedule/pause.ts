/** Schedule › Pause: no new runs until it is resumed. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid, toDataObject } from '../utils';

export const description: INodeProperties[] = [
	{
		displayName: 'Schedule UID',
		name: 'scheduleUid',
		type: 'string',
		default: '',
		required: true,
		description: 'The uid of the schedule',
		displayOptions: { show: { resource: ['schedule'], operation: ['pause'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const scheduleUid = requiredUid(this, 'scheduleUid', 'Schedule UID', i);
		// The answer's shape is not documented (edges-api.md §2.4): it is returned as Edges sent it.
		const answer = await client.changeSchedule(scheduleUid, 'pause');
		const json: IDataObject = answer === undefined || answer === null ? {} : toDataObject(answer);
		return { schedule_uid: scheduleUid, action: 'pause', ...json };
	});
}
