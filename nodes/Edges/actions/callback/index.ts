import type { INodeProperties } from 'n8n-workflow';

import * as get from './get';
import * as getMany from './getMany';
import * as replay from './replay';

export { get, getMany, replay };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callback'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one callback delivery',
				action: 'Get a callback',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List callback deliveries, e.g. the failed ones',
				action: 'Get many callbacks',
			},
			{
				name: 'Replay',
				value: 'replay',
				description: 'Send a callback again (at most 3 times)',
				action: 'Replay a callback',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
	...replay.description,
];
