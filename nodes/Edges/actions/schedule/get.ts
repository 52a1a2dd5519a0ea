/** Schedule › Get: one schedule with its status, cron and next run. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';
import { scheduleUidField } from './change';

export const description: INodeProperties[] = [
	scheduleUidField(
		'get',
		'The uid of the schedule (schedule_uid in the output of Action › Schedule)',
	),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.getSchedule(requiredUid(this, 'scheduleUid', 'Schedule UID', i));
	});
}
