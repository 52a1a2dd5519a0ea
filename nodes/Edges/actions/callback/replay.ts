/**
 * Callback › Replay: sends an original callback again (Edges allows 3 replays per callback) and returns the new
 * record. Never repeated automatically: a replay that may have reached Edges is not sent a second time.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';

export const description: INodeProperties[] = [
	{
		displayName: 'Callback UID',
		name: 'callbackUid',
		type: 'string',
		default: '',
		required: true,
		description: 'The uid of the original callback to send again (at most 3 times)',
		displayOptions: { show: { resource: ['callback'], operation: ['replay'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		return await client.replayCallback(requiredUid(this, 'callbackUid', 'Callback UID', i));
	});
}
