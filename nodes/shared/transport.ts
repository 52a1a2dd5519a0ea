/**
 * The only module that makes HTTP calls from n8n. Everything goes through `httpRequestWithAuthentication`
 * so that the credential adds `X-API-Key`, and n8n's proxy settings, SSRF rules and allowed-domains apply.
 */
import {
	sleep,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import {
	EdgesClient,
	type EdgesClientOptions,
	type HttpResponse,
	type HttpTransport,
} from './client';

export const EDGES_CREDENTIAL = 'edgesApi';
export const DEFAULT_BASE_URL = 'https://api.edges.run/v1';

export interface EdgesCredentialData {
	apiKey: string;
	baseUrl?: string;
}

export type EdgesContext =
	| IExecuteFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ILoadOptionsFunctions;

/**
 * A client for the node's Edges credential. The credential is loaded once here and handed to every request
 * (`credentialsDecrypted`), instead of n8n loading and decrypting it again for each of them: in n8n that is
 * a database read per request, which a 200-page read of outputs or a busy trigger would otherwise pay
 * 200 times or once per callback. Callers that already loaded the credential pass it in.
 */
export async function edgesClientFor(
	context: EdgesContext,
	options: Partial<Omit<EdgesClientOptions, 'transport' | 'baseUrl'>> = {},
	loaded?: EdgesCredentialData,
): Promise<EdgesClient> {
	const credentials = loaded ?? (await loadEdgesCredentials(context));
	return new EdgesClient({
		baseUrl: normaliseBaseUrl(credentials.baseUrl),
		transport: n8nTransport(context, credentials),
		...options,
	});
}

export async function loadEdgesCredentials(context: EdgesContext): Promise<EdgesCredentialData> {
	return await context.getCredentials<EdgesCredentialData>(EDGES_CREDENTIAL);
}

export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const trimmed = (baseUrl ?? '').trim().replace(/\/+$/, '');
	return trimmed || DEFAULT_BASE_URL;
}

function n8nTransport(context: EdgesContext, credentials: EdgesCredentialData): HttpTransport {
	const apiKey = credentials.apiKey;
	const details = context.getNode().credentials?.[EDGES_CREDENTIAL];
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: details?.id ?? '',
		name: details?.name ?? '',
		type: EDGES_CREDENTIAL,
		data: credentials as unknown as ICredentialDataDecryptedObject,
	};
	return {
		async send(request) {
			const options: IHttpRequestOptions = {
				method: request.method,
				url: request.url,
				headers: { Accept: 'application/json' },
				// Raw text, parsed by the client: a truncated page must be detected, not turned into a string.
				encoding: 'text',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: request.timeoutMs,
			};
			if (request.body !== undefined) {
				options.body = request.body as IHttpRequestOptions['body'];
				options.json = true;
			}
			let response: { statusCode: number; headers: Record<string, unknown>; body: unknown };
			try {
				response = await context.helpers.httpRequestWithAuthentication.call(
					context,
					EDGES_CREDENTIAL,
					options,
					{ credentialsDecrypted },
				);
			} catch (error) {
				// Rethrow only the socket error code and a scrubbed message: n8n's request errors carry the
				// request options, headers included, and the API key must not reach an error message.
				throw scrubbedNetworkError(error, apiKey);
			}
			return toHttpResponse(response, apiKey);
		},
		sleep: async (ms) => await sleep(ms),
	};
}

function toHttpResponse(
	response: { statusCode: number; headers: Record<string, unknown>; body: unknown },
	apiKey: string,
): HttpResponse {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) {
		if (value !== undefined && value !== null) {
			headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
	}
	let text =
		typeof response.body === 'string'
			? response.body
			: response.body === undefined || response.body === null
				? ''
				: JSON.stringify(response.body);
	// Error bodies end up in messages; make sure none of them can echo the key.
	if (response.statusCode >= 400 && apiKey && text.includes(apiKey))
		text = text.split(apiKey).join('[redacted]');
	return { status: response.statusCode, headers, text };
}

function scrubbedNetworkError(error: unknown, apiKey: string): Error & { code?: string } {
	const source = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
	const code =
		typeof source?.code === 'string'
			? source.code
			: typeof source?.cause?.code === 'string'
				? source.cause.code
				: undefined;
	let message = typeof source?.message === 'string' ? source.message : 'request failed';
	if (apiKey && message.includes(apiKey)) message = message.split(apiKey).join('[redacted]');
	const clean: Error & { code?: string } = new Error(message);
	clean.code = code;
	return clean;
}
