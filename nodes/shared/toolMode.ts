/**
 * The Edges node as an AI agent's tool (issue 17). n8n wraps every `usableAsTool` node as a second node
 * type whose name ends in `Tool` (`n8n-nodes-edges.edgesTool`, built by n8n's `convertNodeToAiTool`), runs
 * its `execute()` once per tool call with the model's arguments as the one input item, and sends the model
 * `JSON.stringify` of the output items' json, or only the message of a thrown error. So in tool mode the
 * node keeps results small (Compact, a small Limit, a size cap) and puts in the error message itself what a
 * model needs: the label, whether retrying helps, and what to do next. No n8n imports but types, so the
 * shaping can be tested alone.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ACTION_CATALOG, COMPACT_FIELDS, type ResultKind } from './actionCatalog';
import { EdgesApiError, EdgesNetworkError, EdgesResponseError } from './client';

/** Results a tool call returns unless the node says otherwise: a model rarely needs more in one turn. */
export const TOOL_DEFAULT_LIMIT = 10;
/** Bytes of JSON one tool call returns at most by default: about 2,000 tokens of the model's context. */
export const TOOL_DEFAULT_MAX_BYTES = 8000;
/** A chat agent waits minutes, not the 24 hours a batch workflow may. */
export const TOOL_DEFAULT_MAX_WAIT_MINUTES = 10;
/** Longest Retry-After a tool call sleeps through; longer waits fail fast with the wait in the message. */
export const TOOL_MAX_RETRY_AFTER_MS = 5_000;

/** The "Max Result Size (Bytes)" parameter of every Edges tool (the Edges node and Edges Run Outputs). */
export function toolMaxBytesProperty(
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName: 'Max Result Size (Bytes)',
		name: 'toolMaxBytes',
		type: 'number',
		default: TOOL_DEFAULT_MAX_BYTES,
		typeOptions: { minValue: 500 },
		description:
			'Largest answer one tool call gives the model, in bytes of JSON; results beyond it are left out and the answer says so',
		displayOptions,
	};
}

/** n8n names the tool variant of a node type `<name>Tool`; `@tool` display options use the same test. */
export function isToolMode(context: { getNode(): { type: string } }): boolean {
	return context.getNode().type.endsWith('Tool');
}

const MAX_TEXT = 160;
const MAX_LIST = 3;

function shorten(value: unknown): unknown {
	if (typeof value === 'string')
		return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
	if (Array.isArray(value))
		return value
			.slice(0, MAX_LIST)
			.map((entry) => (typeof entry === 'object' ? entry : shorten(entry)));
	return value;
}

function present(value: unknown): boolean {
	return (
		value !== undefined &&
		value !== null &&
		value !== '' &&
		!(Array.isArray(value) && !value.length)
	);
}

/**
 * The fields an agent reasons with, for one result. A profile's current job is taken from the first
 * experience when the result has no flat `job_title` / `company_name`. An action the catalog does not know
 * keeps its plain (non-object) fields, shortened.
 */
export function compactResult(kind: ResultKind | undefined, result: IDataObject): IDataObject {
	if (kind === 'status') return result;
	const source: IDataObject = { ...result };
	if (source.full_name === undefined && (source.first_name || source.last_name)) {
		source.full_name = [source.first_name, source.last_name].filter(Boolean).join(' ');
	}
	const experience = Array.isArray(source.experiences)
		? (source.experiences[0] as IDataObject | undefined)
		: undefined;
	if (kind === 'profile' && experience && typeof experience === 'object') {
		source.job_title ??= experience.job_title ?? experience.title;
		source.company_name ??= experience.company_name ?? experience.company;
	}
	const out: IDataObject = {};
	const fields = kind ? COMPACT_FIELDS[kind] : Object.keys(source);
	for (const field of fields) {
		const value = source[field];
		if (!present(value)) continue;
		if (!kind && typeof value === 'object') continue;
		out[field] = shorten(value) as IDataObject[string];
	}
	return out;
}

function byteLength(value: unknown): number {
	// UTF-8 length without Buffer (not available to n8n Cloud nodes).
	return new TextEncoder().encode(JSON.stringify(value)).length;
}

/**
 * The one item a tool call answers with: the results (compact or full) within `maxBytes` of JSON, and a
 * note saying what was left out, so the model knows when to ask again with a narrower request.
 */
export function toolAnswer(args: {
	results: IDataObject[];
	kind: ResultKind | undefined;
	compact: boolean;
	maxBytes: number;
	/** The limit stopped reading: Edges may have more. */
	more: boolean;
	limit: number;
}): IDataObject {
	const shaped = args.compact
		? args.results.map((result) => compactResult(args.kind, result))
		: args.results;
	const answer: IDataObject = { result_count: shaped.length, results: shaped };
	if (shaped.length === 0) {
		answer.note = 'Edges found nothing for this input. Check the input, or try another one.';
		return answer;
	}
	const notes: string[] = [];
	if (args.more) {
		notes.push(
			`Stopped at the limit of the first ${args.limit} results; Edges may have more. Narrow the search if you need others.`,
		);
	}
	let kept = shaped.length;
	while (
		kept > 0 &&
		byteLength({ ...answer, results: shaped.slice(0, kept), note: 'x'.repeat(200) }) > args.maxBytes
	) {
		kept--;
	}
	if (kept < shaped.length) {
		answer.results = shaped.slice(0, kept);
		answer.result_count = kept;
		answer.total_read = shaped.length;
		notes.push(
			kept > 0
				? `Cut to ${kept} of ${shaped.length} results to stay under ${args.maxBytes} bytes.`
				: `Even one result is over ${args.maxBytes} bytes; set Output to Compact or raise Max Result Size.`,
		);
	}
	if (notes.length) answer.note = notes.join(' ');
	return answer;
}

/** Labels whose live answer means "nothing was found" (edges-api.md §4, "Runs that find nothing"). */
export const NOTHING_FOUND_LABELS = new Set(['NO_RESULT', 'STATUS_404']);

export function isNothingFound(error: unknown): boolean {
	return error instanceof EdgesApiError && NOTHING_FOUND_LABELS.has(error.label ?? '');
}

interface Guidance {
	retry: 'yes' | 'no' | 'later';
	next: string;
}

/**
 * What a model should do per Edges error label (edges-api.md §5; the simulator's labels for 401, 404 and
 * validation, test/simulator/README.md). Retry advice follows Edges' error reference.
 */
const GUIDANCE: Readonly<Record<string, Guidance>> = {
	BAD_INPUT: {
		retry: 'no',
		next: 'Fix the input (a LinkedIn URL looks like https://www.linkedin.com/in/jane-doe/) and call again with the corrected value.',
	},
	BAD_PARAMETERS: {
		retry: 'no',
		next: 'The request was refused as malformed; call again with only the fields the tool describes.',
	},
	NO_ACCESS: {
		retry: 'no',
		next: "The Edges plan or credits do not allow this action. Tell the user; don't call again.",
	},
	NO_RESULT: { retry: 'no', next: 'Nothing was found for this input; try another input.' },
	STATUS_404: { retry: 'no', next: 'Nothing was found for this input; try another input.' },
	UNAUTHORIZED: {
		retry: 'no',
		next: "Edges refused the API key. Tell the user to fix the Edges credential in n8n; don't call again.",
	},
	NOT_FOUND: {
		retry: 'no',
		next: 'Edges does not know this run or resource in this workspace: check the uid, or the action slug, and call again.',
	},
	LIMIT_REACHED: {
		retry: 'later',
		next: 'The LinkedIn identity reached its daily limit for this action. Tell the user, or call again after that wait.',
	},
	STATUS_429: {
		retry: 'later',
		next: 'Edges rate limit reached. Call again after the wait given.',
	},
	LK_524: { retry: 'yes', next: 'LinkedIn timed out. Call again once, in a minute.' },
	PROXY_ERROR: {
		retry: 'yes',
		next: 'A network error between Edges and LinkedIn. Call again once.',
	},
	LK_ERROR: {
		retry: 'no',
		next: 'LinkedIn refused the request for this input. Do not repeat it with the same input; tell the user.',
	},
	NO_VALID_ACCOUNT_CONFIGURED: {
		retry: 'no',
		next: 'No usable LinkedIn identity in Edges for this action. Tell the user to connect one in Edges (or use identity mode Managed).',
	},
	ACTION_ABORTED: {
		retry: 'no',
		next: 'Edges stopped the action. Tell the user; do not repeat it.',
	},
	INTERNAL_ERROR: {
		retry: 'no',
		next: 'Edges had an internal error after the request reached it, so it may have run and cost credits: do not repeat it on your own; tell the user.',
	},
};

function retryWords(retry: Guidance['retry'], waitSeconds: number | undefined): string {
	if (retry === 'later') {
		return waitSeconds !== undefined
			? `Retry in ${Math.ceil(waitSeconds)} s.`
			: 'Retry later (in a minute or more).';
	}
	return retry === 'yes' ? 'Retrying can help.' : 'Retrying will not help.';
}

/** Edges' own words without our "Edges answered 424 X to POST /path: " prefix, which means nothing to a model. */
function edgesWords(error: EdgesApiError): string {
	return error.message
		.replace(/^Edges answered \d+(?: [A-Z0-9_]+)? to [A-Z]+ \S+(?:: )?/, '')
		.trim();
}

function waitSecondsOf(error: EdgesApiError): number | undefined {
	if (error.retryAfterSeconds !== undefined) return error.retryAfterSeconds;
	const until = error.params?.postponed_until;
	if (typeof until === 'string') {
		const at = Date.parse(until);
		if (!Number.isNaN(at)) return Math.max(1, (at - Date.now()) / 1000);
	}
	return undefined;
}

/**
 * One message for the model with everything it needs, since n8n passes it nothing else: the label first,
 * what happened, whether to retry, what to do, and Edges' reference for support.
 */
export function toolErrorMessage(
	error: unknown,
	fallback?: { message: string; description?: string },
): string {
	if (error instanceof EdgesApiError) {
		const label = error.label ?? (error.status === 429 ? 'STATUS_429' : `HTTP_${error.status}`);
		const guidance: Guidance =
			GUIDANCE[label] ??
			(error.status === 429
				? GUIDANCE.STATUS_429
				: error.status >= 500 || error.mayHaveActed
					? GUIDANCE.INTERNAL_ERROR
					: { retry: 'no', next: 'Tell the user what Edges answered.' });
		const words = edgesWords(error) || `Edges answered HTTP ${error.status}`;
		const parts = [
			`Edges error ${label}: ${words.replace(/\.?$/, '.')}`,
			retryWords(guidance.retry, waitSecondsOf(error)),
			guidance.next,
		];
		if (label === 'NOT_FOUND' || error.status === 404) {
			parts.push(`Known actions: ${ACTION_CATALOG.map((entry) => entry.slug).join(', ')}.`);
		}
		if (error.ref) parts.push(`Edges error reference: ${error.ref}.`);
		return parts.join(' ');
	}
	if (error instanceof EdgesNetworkError) {
		return error.mayHaveReachedServer
			? 'Edges error NETWORK: the connection broke after the request was sent, so the action may have run. Retrying may do it twice; tell the user.'
			: 'Edges error NETWORK: Edges could not be reached. Retry in 30 s; if it fails again, tell the user.';
	}
	if (error instanceof EdgesResponseError) {
		return 'Edges error BAD_RESPONSE: Edges answered something unreadable. Retry once; if it fails again, tell the user.';
	}
	const message = fallback?.message ?? (error instanceof Error ? error.message : String(error));
	const description = fallback?.description;
	return [message.replace(/\.?$/, '.'), description].filter(Boolean).join(' ');
}
