/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
// Proves the in-process n8n harness itself: a node run through it sees its items, parameters and the
// credential's X-API-Key header on a real HTTP request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runNode } from './helpers/n8nRunner';

class EchoNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echoTest',
		group: ['transform'],
		version: 1,
		description: 'test',
		usableAsTool: true,
		defaults: { name: 'Echo' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'edgesApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials<{ baseUrl: string }>('edgesApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'edgesApi', {
				method: 'GET',
				url: `${credentials.baseUrl}${this.getNodeParameter('path', i) as string}`,
				json: true,
			})) as { key: string };
			out.push({
				json: { index: items[i].json.index as number, key: response.key },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

describe('in-process n8n runner', () => {
	let server: http.Server;
	let baseUrl: string;

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify({ key: req.headers['x-api-key'] ?? null, path: req.url }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	it('feeds the items to the node and authenticates its requests with the credential', async () => {
		const result = await runNode({
			nodeType: new EchoNode(),
			parameters: { path: '/echo' },
			input: [{ index: 0 }, { index: 1 }],
			credentials: { apiKey: 'secret-key', baseUrl },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			{ index: 0, key: 'secret-key' },
			{ index: 1, key: 'secret-key' },
		]);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
