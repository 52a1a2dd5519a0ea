/** Shared set-up of the Edges node tests: a simulator, the node, and parameter builders. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { Edges } from '../../nodes/Edges/Edges.node';
import { runNode, type NodeRunResult } from '../helpers/n8nRunner';
import { DEFAULT_API_KEY, type EdgesSimulator } from '../simulator';

export const profile = (handle: string) => `https://www.linkedin.com/in/${handle}/`;

export function action(slug: string): INodeParameters {
	return { __rl: true, mode: 'slug', value: slug } as unknown as INodeParameters;
}

/** Run Async parameters with the input JSON built from each item's `url`. */
export function runAsyncParams(
	slug: string,
	extra: INodeParameters = {},
	field = 'linkedin_profile_url',
): INodeParameters {
	return {
		resource: 'action',
		operation: 'runAsync',
		action: action(slug),
		inputSource: 'json',
		inputJson: `={{ JSON.stringify({ ${field}: $json.url }) }}`,
		options: {},
		...extra,
	};
}

export async function runEdges(
	sim: EdgesSimulator,
	parameters: INodeParameters,
	input: IDataObject[] = [{}],
	options: { continueOnFail?: boolean; apiKey?: string } = {},
): Promise<NodeRunResult> {
	return await runNode({
		nodeType: new Edges(),
		parameters,
		input,
		credentials: { apiKey: options.apiKey ?? DEFAULT_API_KEY, baseUrl: sim.baseUrl },
		continueOnFail: options.continueOnFail,
	});
}

export const json = (result: NodeRunResult) => (result.outputs[0] ?? []).map((item) => item.json);
export const paired = (result: NodeRunResult) =>
	(result.outputs[0] ?? []).map((item) => item.pairedItem);

/** Requests the node sent that could have started something (POSTs). */
export const posts = (sim: EdgesSimulator) => sim.requests.filter((r) => r.method === 'POST');
