import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel';
import * as get from './get';
import * as getInputs from './getInputs';
import * as getMany from './getMany';
import * as getStatus from './getStatus';
import * as resume from './resume';

export { cancel, get, getInputs, getMany, getStatus, resume };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{ name: 'Cancel', value: 'cancel', description: 'Stop a run', action: 'Cancel a run' },
			{
				name: 'Get',
				value: 'get',
				description: 'Get a run with its status and output count',
				action: 'Get a run',
			},
			{
				name: 'Get Inputs',
				value: 'getInputs',
				description: 'Get the inputs of a run with their status and errors',
				action: 'Get the inputs of a run',
			},
			{ name: 'Get Many', value: 'getMany', description: 'List runs', action: 'Get many runs' },
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get only the status of a run',
				action: 'Get the status of a run',
			},
			{
				name: 'Resume',
				value: 'resume',
				description: 'Restart a blocked or stopped run',
				action: 'Resume a run',
			},
		],
		default: 'get',
	},
	...cancel.description,
	...get.description,
	...getInputs.description,
	...getMany.description,
	...getStatus.description,
	...resume.description,
];
