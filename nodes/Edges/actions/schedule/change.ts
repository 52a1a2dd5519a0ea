/**
 * Schedule › Pause, Resume and Cancel are the same call (`POST /schedules/{uid}/{action}`) with another
 * verb, so their description and execute are made here once; each operation module stays one line.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid, toDataObject } from '../utils';

export type ScheduleChange = 'pause' | 'resume' | 'cancel';

export function scheduleUidField(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Schedule UID',
		name: 'scheduleUid',
		type: 'string',
		default: '',
		required: true,
		description,
		displayOptions: { show: { resource: ['schedule'], operation: [operation] } },
	};
}

export function scheduleChangeOperation(change: ScheduleChange) {
	const description: INodeProperties[] = [
		scheduleUidField(
			change,
			'The uid of the schedule (schedule_uid in the output of Action › Schedule)',
		),
	];

	async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const client = await edgesClientFor(this);
		return await forEachItem(this, items, async (i) => {
			const scheduleUid = requiredUid(this, 'scheduleUid', 'Schedule UID', i);
			// The answer's shape is not documented (docs/edges-api.md §2.4): it is returned as Edges sent it.
			const answer = await client.changeSchedule(scheduleUid, change);
			const json: IDataObject = answer === undefined || answer === null ? {} : toDataObject(answer);
			return { schedule_uid: scheduleUid, action: change, ...json };
		});
	}

	return { description, execute };
}
