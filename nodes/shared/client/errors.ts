/**
 * Typed errors of the Edges client. Every failure the client reports is one of these, so callers branch on
 * `instanceof` and on Edges' `error_label`, never on message text. None of them ever holds request headers,
 * so the API key cannot leak through an error.
 */

/** Edges answered with a non-2xx status. */
export class EdgesApiError extends Error {
	override readonly name = 'EdgesApiError';
	/** HTTP status Edges answered with. */
	readonly status: number;
	/** Edges' `error_label` (e.g. `NO_ACCESS`, `LIMIT_REACHED`); the value to branch on. */
	readonly label?: string;
	readonly scope?: string;
	readonly ref?: string;
	readonly params?: Record<string, unknown>;
	/** `METHOD /path` of the request, without the query string or host. */
	readonly endpoint: string;
	/** Seconds Edges asked us to wait (Retry-After), when it said. */
	readonly retryAfterSeconds?: number;
	/**
	 * True for a failed write (POST) whose answer does not prove Edges did nothing: a 5xx or a 408 can come
	 * after the run was started or the schedule created. Such a request is never repeated on its own, and
	 * must not be repeated by a person without checking first.
	 */
	readonly mayHaveActed: boolean;

	constructor(args: {
		status: number;
		message: string;
		endpoint: string;
		label?: string;
		scope?: string;
		ref?: string;
		params?: Record<string, unknown>;
		retryAfterSeconds?: number;
		mayHaveActed?: boolean;
	}) {
		super(args.message);
		this.status = args.status;
		this.endpoint = args.endpoint;
		this.label = args.label;
		this.scope = args.scope;
		this.ref = args.ref;
		this.params = args.params;
		this.retryAfterSeconds = args.retryAfterSeconds;
		this.mayHaveActed = args.mayHaveActed ?? false;
	}

	/** A one-line explanation a non-developer can act on, for the common statuses. */
	get hint(): string | undefined {
		if (this.status === 401)
			return 'Check the API key in the Edges credential (app.edges.run › Developer Settings).';
		if (this.status === 402)
			return 'Your Edges plan or credits do not allow this action (NO_ACCESS).';
		if (this.status === 404)
			return 'Edges does not know this resource in the workspace of this API key.';
		if (this.status === 429)
			return 'Edges rate limit reached; wait and try again, or lower the request rate.';
		// "Try again later" is only safe for a request that changes nothing: repeating one that may have
		// started a run starts a second one and spends its credits twice.
		if (this.mayHaveActed)
			return 'Edges answered an error after the request reached it, so it may have been carried out anyway: check before repeating it, or it may be done twice.';
		if (this.status >= 500) return 'Edges had an internal error; try again later.';
		return undefined;
	}
}

/** No HTTP answer arrived: connection refused or reset, DNS failure, timeout. */
export class EdgesNetworkError extends Error {
	override readonly name = 'EdgesNetworkError';
	readonly endpoint: string;
	/**
	 * False only when the request certainly never reached Edges (connection refused, host not found).
	 * A run-starting POST that may have reached Edges is never retried, so that nothing is started twice.
	 */
	readonly mayHaveReachedServer: boolean;
	readonly code?: string;

	constructor(args: {
		message: string;
		endpoint: string;
		mayHaveReachedServer: boolean;
		code?: string;
	}) {
		super(args.message);
		this.endpoint = args.endpoint;
		this.mayHaveReachedServer = args.mayHaveReachedServer;
		this.code = args.code;
	}
}

/** Edges answered 2xx but the body is not what Edges documents (docs/edges-api.md) (truncated, not JSON, wrong shape). */
export class EdgesResponseError extends Error {
	override readonly name = 'EdgesResponseError';
	readonly endpoint: string;
	readonly status: number;

	constructor(args: { message: string; endpoint: string; status: number }) {
		super(args.message);
		this.endpoint = args.endpoint;
		this.status = args.status;
	}
}

export type EdgesError = EdgesApiError | EdgesNetworkError | EdgesResponseError;

export function isEdgesError(error: unknown): error is EdgesError {
	return (
		error instanceof EdgesApiError ||
		error instanceof EdgesNetworkError ||
		error instanceof EdgesResponseError
	);
}

/** Error codes of Node's sockets that prove the request was never sent. */
const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

export function networkErrorFrom(error: unknown, endpoint: string): EdgesNetworkError {
	const code = (error as { code?: unknown } | null)?.code;
	const codeText = typeof code === 'string' ? code : undefined;
	const reason = codeText ?? (error instanceof Error ? error.message : 'unknown network error');
	return new EdgesNetworkError({
		message: `Could not reach Edges for ${endpoint}: ${reason}`,
		endpoint,
		code: codeText,
		mayHaveReachedServer: codeText === undefined || !NEVER_SENT_CODES.has(codeText),
	});
}
