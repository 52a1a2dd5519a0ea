/**
 * The seam between the Edges client and whatever actually moves bytes.
 *
 * In n8n the transport is `../transport.ts`, which goes through `httpRequestWithAuthentication` so that
 * proxies, credentials and n8n's SSRF rules apply. In tests it is a small axios transport aimed at the
 * simulator. Nothing in this folder imports n8n, so the client's behaviour (retries, paging, error mapping)
 * is the same in both and can be tested over a real socket without an n8n runtime.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL, query string included. The client builds it; transports must not rewrite it. */
	url: string;
	/** JSON body; serialised by the transport. */
	body?: unknown;
	timeoutMs?: number;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	/**
	 * The raw response text. The client parses it itself so that a truncated or malformed body is detected
	 * (and retried) instead of silently becoming a string where an array was expected.
	 */
	text: string;
}

export interface HttpTransport {
	/**
	 * Sends one request and resolves with whatever status the server answered. Rejects only when no HTTP
	 * answer arrived (connection refused, reset, timeout); the rejection must never carry request headers.
	 */
	send(request: HttpRequest): Promise<HttpResponse>;
	/** Waits; in n8n this is `sleep` from n8n-workflow, because node code may not touch timers directly. */
	sleep(ms: number): Promise<void>;
}

/** Builds `base + path + ?query`, repeating a key for each array element, as Edges' list filters expect. */
export function buildUrl(
	baseUrl: string,
	path: string,
	query?: Record<string, QueryValue | undefined>,
): string {
	const url = baseUrl.replace(/\/+$/, '') + path;
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			for (const element of value) params.append(key, String(element));
		} else {
			params.append(key, String(value));
		}
	}
	const search = params.toString();
	return search ? `${url}?${search}` : url;
}

export type QueryValue = string | number | boolean | null | Array<string | number>;
