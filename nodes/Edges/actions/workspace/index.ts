import type { INodeProperties } from 'n8n-workflow';

import * as get from './get';
import * as getConsumption from './getConsumption';

export { get, getConsumption };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workspace'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the workspace of the API key, with its credits',
				action: 'Get the workspace',
			},
			{
				name: 'Get Consumption',
				value: 'getConsumption',
				description: 'Get the credits used this month, per action',
				action: 'Get the credit consumption',
			},
		],
		default: 'get',
	},
	...get.description,
	...getConsumption.description,
];
