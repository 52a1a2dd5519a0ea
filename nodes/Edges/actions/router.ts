/** Sends the node's execution to the module of the chosen resource and operation. */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { isToolMode } from '../../shared/toolMode';
import * as action from './action';
import * as callback from './callback';
import type { EdgesResource, EdgesType } from './node.type';
import * as run from './run';
import * as schedule from './schedule';
import { toolNodeError } from './utils';
import * as workspace from './workspace';

type OperationModule = {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
};

const modules: {
	[R in EdgesResource]: Record<Extract<EdgesType, { resource: R }>['operation'], OperationModule>;
} = {
	action: { runAsync: action.runAsync, runLive: action.runLive, schedule: action.schedule },
	run: {
		get: run.get,
		getMany: run.getMany,
		getStatus: run.getStatus,
		getInputs: run.getInputs,
		cancel: run.cancel,
		resume: run.resume,
	},
	callback: { get: callback.get, getMany: callback.getMany, replay: callback.replay },
	schedule: {
		get: schedule.get,
		getMany: schedule.getMany,
		pause: schedule.pause,
		resume: schedule.resume,
		cancel: schedule.cancel,
	},
	workspace: { get: workspace.get, getConsumption: workspace.getConsumption },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const edges = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as EdgesType;
	const operations = modules[edges.resource] as Record<string, OperationModule> | undefined;
	const module = operations?.[edges.operation];
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${edges.operation}" of "${edges.resource}" is not supported`,
		);
	}
	if (!isToolMode(this)) return [await module.execute.call(this, items)];
	try {
		return [await module.execute.call(this, items)];
	} catch (error) {
		// In an AI agent the message is all the model gets (../helpers/toolMode.ts).
		throw toolNodeError(this.getNode(), error);
	}
}
