// Shared by the Edges Trigger tests: a simulator, a harness serving the trigger, and the calls a test makes
// to Edges (start a run whose callback is the trigger) or to the trigger directly (a forger).
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { EdgesTrigger } from '../../nodes/EdgesTrigger/EdgesTrigger.node';
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../../nodes/shared/callbackSecret';
import { WebhookHarness, type HarnessOptions } from '../helpers/webhookHarness';
import { DEFAULT_API_KEY, EdgesSimulator } from '../simulator';

export const PROFILE = 'https://www.linkedin.com/in/someone';
export const DERIVED_SECRET = deriveCallbackSecret(DEFAULT_API_KEY);
export const SECRET_HEADERS = { [CALLBACK_SECRET_HEADER]: DERIVED_SECRET };

export async function startTrigger(
	simulator: EdgesSimulator,
	parameters: INodeParameters = {},
	extra: Partial<HarnessOptions> = {},
): Promise<WebhookHarness> {
	return await WebhookHarness.start({
		nodeType: new EdgesTrigger(),
		parameters,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: simulator.baseUrl },
		...extra,
	});
}

export async function edgesApi(
	simulator: EdgesSimulator,
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	apiKey = DEFAULT_API_KEY,
): Promise<{ status: number; body: IDataObject }> {
	const response = await fetch(`${simulator.baseUrl}${path}`, {
		method,
		headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? (JSON.parse(text) as IDataObject) : {} };
}

/** Starts an async run whose callback goes to the trigger; returns its uid. */
export async function startRun(
	simulator: EdgesSimulator,
	callbackUrl: string,
	options: {
		headers?: Record<string, string>;
		on?: 'final' | 'all';
		inputs?: IDataObject[];
		action?: string;
		parameters?: IDataObject;
		apiKey?: string;
	} = {},
): Promise<string> {
	const { status, body } = await edgesApi(
		simulator,
		'POST',
		`/actions/${options.action ?? 'linkedin-extract-people'}/run/async`,
		{
			inputs: options.inputs ?? [{ linkedin_profile_url: PROFILE }],
			parameters: options.parameters,
			callback: {
				url: callbackUrl,
				headers: options.headers ?? SECRET_HEADERS,
				on: options.on ?? 'final',
			},
		},
		options.apiKey,
	);
	if (status !== 200) throw new Error(`starting a run failed: ${status} ${JSON.stringify(body)}`);
	return body.run_uid as string;
}

/** POSTs to the trigger as any caller could. */
export async function postToTrigger(
	harness: WebhookHarness,
	body: string,
	headers: Record<string, string> = {},
): Promise<{ status: number; body: IDataObject }> {
	const response = await fetch(harness.webhookUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body,
	});
	const text = await response.text();
	let parsed: IDataObject = {};
	try {
		parsed = JSON.parse(text) as IDataObject;
	} catch {
		parsed = { text };
	}
	return { status: response.status, body: parsed };
}

/** A well-formed final callback for `runUid`, as Edges would send it. */
export function finalCallback(runUid: string, status: string, ref: string): IDataObject {
	return {
		callback_ref_uid: ref,
		run: { run_uid: runUid, batch_uid: `batch-${ref}`, status },
		input: null,
		custom_data: null,
		error: null,
		results: null,
	};
}

/** Runs requests the trigger made to Edges' run endpoints (how many confirmations it asked for). */
export function runLookups(simulator: EdgesSimulator, runUid?: string): number {
	return simulator.requests.filter(
		(request) =>
			request.method === 'GET' &&
			request.path.startsWith('/v1/runs/') &&
			(runUid === undefined || request.path === `/v1/runs/${runUid}`),
	).length;
}
