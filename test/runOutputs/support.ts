/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Shared pieces of the Edges Run Outputs tests: run the node in n8n's engine against the simulator, and
 * read a run's outputs directly over HTTP (without our client) as the reference to compare with.
 */
import axios from 'axios';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * A pass-through HTTP proxy in front of the simulator that can rewrite answers on their way back, for faults
 * the simulator has no switch for (e.g. a server that silently leaves results out of a page).
 */
export async function startProxy(
	target: string,
	alter: (path: string, status: number, body: string) => string,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
	const targetUrl = new URL(target);
	const server = http.createServer((req, res) => {
		const upstream = http.request(
			{
				host: targetUrl.hostname,
				port: targetUrl.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: targetUrl.host },
			},
			(answer) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					const status = answer.statusCode ?? 502;
					const body = alter(req.url ?? '', status, Buffer.concat(chunks).toString('utf8'));
					const headers = { ...answer.headers };
					delete headers['transfer-encoding'];
					headers['content-length'] = String(Buffer.byteLength(body));
					res.writeHead(status, headers);
					res.end(body);
				});
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}${targetUrl.pathname}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
