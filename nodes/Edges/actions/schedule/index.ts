import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel';
import * as get from './get';
import * as getMany from './getMany';
import * as pause from './pause';
import * as resume from './resume';

export { cancel, get, getMany, pause, resume };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['schedule'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Delete a schedule for good',
				action: 'Cancel a schedule',
			},
			{ name: 'Get', value: 'get', description: 'Get a schedule', action: 'Get a schedule' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List schedules',
				action: 'Get many schedules',
			},
			{
				name: 'Pause',
				value: 'pause',
				description: 'Stop a schedule until resumed',
				action: 'Pause a schedule',
			},
			{
				name: 'Resume',
				value: 'resume',
				description: 'Restart a paused schedule',
				action: 'Resume a schedule',
			},
		],
		default: 'get',
	},
	...cancel.description,
	...get.description,
	...getMany.description,
	...pause.description,
	...resume.description,
];
