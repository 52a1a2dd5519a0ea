/** Every resource of the Edges node with its operations, as a typed map (the router switches on it). */
import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	action: 'runAsync' | 'runLive' | 'schedule';
	run: 'get' | 'getMany' | 'getStatus' | 'getInputs' | 'cancel' | 'resume';
	callback: 'get' | 'getMany' | 'replay';
	schedule: 'get' | 'getMany' | 'pause' | 'resume' | 'cancel';
	workspace: 'get' | 'getConsumption';
};

export type EdgesType = AllEntities<NodeMap>;
export type EdgesResource = EdgesType['resource'];
export type OperationOf<R extends EdgesResource> = NodeMap[R];
