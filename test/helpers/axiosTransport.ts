/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * An HttpTransport for tests and benchmarks: real HTTP over loopback with axios, the same contract as the
 * n8n transport (raw text back, any status resolved, only socket failures rejected).
 */
import axios from 'axios';
import http from 'node:http';

import type { HttpTransport } from '../../nodes/shared/client';

export function axiosTransport(
	apiKey: string,
	options: { sleep?: (ms: number) => Promise<void> } = {},
): HttpTransport & { sent: number } {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
	const transport = {
		sent: 0,
		async send(request: Parameters<HttpTransport['send']>[0]) {
			transport.sent += 1;
			const response = await axios.request({
				method: request.method,
				url: request.url,
				data: request.body === undefined ? undefined : JSON.stringify(request.body),
				headers: {
					'X-API-Key': apiKey,
					Accept: 'application/json',
					...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
				},
				timeout: request.timeoutMs,
				responseType: 'text',
				transformResponse: [(data: string) => data],
				validateStatus: () => true,
				httpAgent: agent,
				maxContentLength: Infinity,
			});
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(response.headers)) {
				if (value !== undefined)
					headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
			}
			return {
				status: response.status,
				headers,
				text: typeof response.data === 'string' ? response.data : '',
			};
		},
		sleep:
			options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
	};
	return transport;
}
