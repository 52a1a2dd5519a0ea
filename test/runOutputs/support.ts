/**
 * Shared pieces of the Edges Run Outputs tests: run the node in n8n's engine against the simulator, and
 * read a run's outputs directly over HTTP (without our client) as the reference to compare with.
 */
import axios from 'axios';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { EdgesRunOutputs } from '../../nodes/EdgesRunOutputs/EdgesRunOutputs.node';
import { runNode, type NodeRunResult } from '../helpers/n8nRunner';
import { DEFAULT_API_KEY, type EdgesSimulator, type LoggedRequest } from '../simulator';

export async function readOutputs(
	baseUrl: string,
	parameters: INodeParameters,
	input: IDataObject[],
	options: { apiKey?: string; continueOnFail?: boolean } = {},
): Promise<NodeRunResult> {
	return await runNode({
		nodeType: new EdgesRunOutputs(),
		parameters: { runUid: '={{ $json.run_uid }}', ...parameters },
		input,
		credentials: { apiKey: options.apiKey ?? DEFAULT_API_KEY, baseUrl },
		continueOnFail: options.continueOnFail,
	});
}

export function jsonOf(items: INodeExecutionData[] | undefined): Array<Record<string, unknown>> {
	return (items ?? []).map((item) => item.json);
}

export function pairingOf(items: INodeExecutionData[] | undefined): unknown[] {
	return (items ?? []).map((item) => item.pairedItem);
}

/** Every output of a run, read page by page with plain GETs, following whichever paging the server uses. */
export async function referenceOutputs(
	sim: EdgesSimulator,
	runUid: string,
	apiKey = DEFAULT_API_KEY,
): Promise<Array<Record<string, unknown>>> {
	const get = (url: string) =>
		axios.get<Array<Record<string, unknown>>>(url, { headers: { 'X-API-Key': apiKey } });
	const all: Array<Record<string, unknown>> = [];
	let cursorPaging = false;
	let response = await get(`${sim.baseUrl}/runs/${runUid}/outputs?limit=100`);
	for (;;) {
		all.push(...response.data);
		const next = response.headers['x-pagination-next'] as string | undefined;
		if (next) {
			cursorPaging = true;
			response = await get(next);
		} else if (!cursorPaging && response.data.length === 100) {
			response = await get(`${sim.baseUrl}/runs/${runUid}/outputs?limit=100&offset=${all.length}`);
		} else {
			return all;
		}
	}
}

/** Requests of the log that concern one run (the run itself, its outputs, its inputs). */
export function requestsFor(sim: EdgesSimulator, runUid: string): LoggedRequest[] {
	return sim.requests.filter((request) => request.path.includes(runUid));
}

export function outputRequests(sim: EdgesSimulator, runUid: string): LoggedRequest[] {
	return sim.requests.filter((request) => request.path.endsWith(`/runs/${runUid}/outputs`));
}
