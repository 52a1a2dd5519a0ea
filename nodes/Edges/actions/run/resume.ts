/**
 * Run › Resume: restarts a BLOCKED or STOPPED run (inputs that succeeded are not run again). Edges does not
 * document the answer of this call (docs/edges-api.md §7.4), so the node reads the run afterwards and returns it.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { edgesClientFor } from '../../../shared/transport';
import { forEachItem, requiredUid } from '../utils';
import { runUidField } from './runUidField';

export const description: INodeProperties[] = [runUidField('resume')];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await edgesClientFor(this);
	return await forEachItem(this, items, async (i) => {
		const runUid = requiredUid(this, 'runUid', 'Run UID', i);
		await client.resumeRun(runUid);
		return await client.getRun(runUid);
	});
}
