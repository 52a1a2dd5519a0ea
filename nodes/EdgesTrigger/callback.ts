/**
 * What the Edges Trigger knows about an incoming callback, without n8n: reading the body, checking it is an
 * Edges callback (docs/edges-api.md §3), finding its dedup ref, and sorting it into "a run has ended" or "a batch
 * of a streaming (`on: "all"`) run".
 */
import {
	callbackPayloadSchema,
	describeZodError,
	hasRunStopped,
	type CallbackPayload,
	type RunStatus,
} from '../shared/client';

/** Header Edges sends with every delivery attempt of one logical callback (same value on retries). */
export const CALLBACK_REF_HEADER = 'x-callback-ref';
/** Header Edges sends with a new value on every delivery attempt. */
export const DELIVERY_ID_HEADER = 'x-run-callback';

/** The statuses of a final-mode callback (docs/edges-api.md §3), and the default set the trigger emits. */
export const DEFAULT_EMITTED_STATUSES: readonly RunStatus[] = [
	'SUCCEEDED',
	'PARTIAL_SUCCEEDED',
	'FAILED',
];

/** Statuses a user may ask the trigger to emit: the final ones plus the two halted ones. */
export const EMITTABLE_STATUSES: readonly RunStatus[] = [
	...DEFAULT_EMITTED_STATUSES,
	'BLOCKED',
	'STOPPED',
];

/**
 * A callback that claims a stopped status (finished or halted) is about the end of a run; any other claim
 * (RUNNING, QUEUED...) is a batch of a streaming run.
 */
export function isEndingStatus(status: string | null | undefined): boolean {
	return hasRunStopped(status);
}

export type BodyReading = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Turns what n8n hands the webhook into JSON. n8n parses `application/json` itself (and answers 422 on its
 * own when that fails, before the node runs); `text/plain` arrives as a string and other content types only
 * as the raw bytes, so those are parsed here.
 */
export function readCallbackBody(body: unknown, rawBody: unknown): BodyReading {
	if (body !== undefined && body !== null && typeof body === 'object' && !isBytes(body)) {
		return { ok: true, value: body };
	}
	let text: string | undefined;
	if (typeof body === 'string') text = body;
	else if (isBytes(rawBody)) text = rawBody.toString('utf8');
	else if (typeof rawBody === 'string') text = rawBody;
	if (text === undefined || text.trim() === '') {
		return {
			ok: false,
			message:
				'The request has no body. Edges POSTs a JSON callback (https://docs.edges.run/v1/runs/callbacks).',
		};
	}
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch (error) {
		const reason = error instanceof Error ? error.message : 'unparseable';
		return { ok: false, message: `The body is not JSON (${reason}).` };
	}
}

function isBytes(value: unknown): value is { toString(encoding: 'utf8'): string } {
	return Buffer.isBuffer(value);
}

export type CallbackCheck =
	| { ok: true; payload: CallbackPayload; ref: string }
	| { ok: false; message: string };

/**
 * Validates the body against the callback schema and finds the dedup ref: the `X-Callback-Ref` header, or
 * `callback_ref_uid` in the body. When both are there they must agree: they are the same value by Edges'
 * docs, and a request where they differ was not sent by Edges.
 */
export function checkCallback(value: unknown, refHeader: unknown): CallbackCheck {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return {
			ok: false,
			message: `This is not an Edges callback: the body is ${Array.isArray(value) ? 'an array' : `a ${value === null ? 'null' : typeof value}`}, not a JSON object with "run" and "callback_ref_uid".`,
		};
	}
	const parsed = callbackPayloadSchema.safeParse(value);
	if (!parsed.success) {
		return {
			ok: false,
			message: `This is not an Edges callback: ${describeZodError(parsed.error)}.`,
		};
	}
	const header = firstHeaderValue(refHeader)?.trim() || undefined;
	const inBody = parsed.data.callback_ref_uid;
	if (header && inBody && header !== inBody) {
		return {
			ok: false,
			message:
				'The X-Callback-Ref header and the callback_ref_uid of the body differ; Edges sends the same value in both.',
		};
	}
	const ref = header ?? inBody;
	if (!ref) {
		return {
			ok: false,
			message:
				'The callback has no reference: neither an X-Callback-Ref header nor callback_ref_uid in the body. Without it duplicates cannot be recognised.',
		};
	}
	return { ok: true, payload: parsed.data, ref };
}

export function firstHeaderValue(value: unknown): string | undefined {
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : undefined;
}
