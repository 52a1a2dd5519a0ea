import type { INodeProperties } from 'n8n-workflow';

import * as runAsync from './runAsync';
import * as runLive from './runLive';
import * as schedule from './schedule';
import { actionProperties } from './shared';
import { toolProperties } from './toolProperties';

export { runAsync, runLive, schedule };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['action'] } },
		options: [
			{
				name: 'Run Async',
				value: 'runAsync',
				description:
					'Start one Edges run with all incoming items as inputs, optionally waiting for its results',
				action: 'Run an action in the background',
			},
			{
				name: 'Run Live',
				value: 'runLive',
				description: 'Run the action now, once per item, and return its results right away',
				action: 'Run an action live',
			},
			{
				name: 'Schedule',
				value: 'schedule',
				description: 'Run the action with up to 100 items later or repeatedly (cron)',
				action: 'Schedule an action',
			},
		],
		default: 'runAsync',
	},
	...actionProperties(['runAsync', 'runLive', 'schedule']),
	// Shown only in the tool variant (Edges Tool, in an AI agent); see ./toolProperties.ts.
	...toolProperties(),
	...runAsync.description,
	...runLive.description,
	...schedule.description,
];
