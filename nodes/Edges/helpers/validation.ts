/**
 * Checks made before any request to Edges, so that bad input fails with a message a person can act on
 * instead of an HTTP 400 after credits or a run were spent. No n8n imports: the node turns `InputError`
 * into a NodeOperationError with the item index (see `nodeErrorFor` in `../actions/utils.ts`).
 */
import { findAction } from '../actionCatalog';

export class InputError extends Error {
	override readonly name = 'InputError';
	readonly itemIndex?: number;
	readonly description?: string;

	constructor(message: string, options: { itemIndex?: number; description?: string } = {}) {
		super(message);
		this.itemIndex = options.itemIndex;
		this.description = options.description;
	}
}

/**
 * The key put in every input's `custom_data` to find the n8n item an input (and its callbacks and outputs)
 * came from: `{ "n8n_item": <index of the item in the node's input> }`. Edges copies custom_data unchanged onto
 * every callback of the input (docs/edges-api.md §3), and `GET /runs/{uid}/inputs` returns it too.
 */
export const ITEM_TAG = 'n8n_item';

/**
 * The key of the tag every input of an async run also carries, new for each request that starts a run, so
 * that the run can be found when the answer to that request is lost (./uncertainStart.ts).
 */
export const START_TAG = 'n8n_request';

const RESERVED_KEYS = [ITEM_TAG, START_TAG];

/** Edges' documented limits (docs/edges-api.md §5). */
export const MAX_ASYNC_INPUTS = 100_000;
export const MAX_SCHEDULE_INPUTS = 100;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Accepts an object, or a JSON string of one (n8n JSON fields arrive either way). */
export function parseJsonObject(
	value: unknown,
	what: string,
	itemIndex?: number,
): Record<string, unknown> {
	if (value === undefined || value === null || value === '') return {};
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON) {
		throw new InputError(`${what} is not valid JSON`, {
			itemIndex,
			description: `Write ${what} as a JSON object, for example {"key": "value"}.`,
		});
	}
	if (!isPlainObject(parsed)) {
		throw new InputError(`${what} must be a JSON object`, {
			itemIndex,
			description: `Got ${Array.isArray(parsed) ? 'a list' : typeof parsed}. Write it as {"key": "value"}.`,
		});
	}
	return parsed;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** Callback headers: an object whose values are strings (numbers and booleans are turned into strings). */
export function parseHeaders(value: unknown, itemIndex?: number): Record<string, string> {
	const headers = parseJsonObject(value, 'Callback Headers', itemIndex);
	const out: Record<string, string> = {};
	for (const [name, headerValue] of Object.entries(headers)) {
		if (typeof headerValue === 'object' && headerValue !== null) {
			throw new InputError(`Callback header "${name}" must be a text value`, {
				itemIndex,
				description: 'Callback Headers is an object of header names and text values.',
			});
		}
		out[name] = String(headerValue);
	}
	return out;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Edges refuses callback URLs that are not HTTPS (docs/edges-api.md §2.1; the callbacks guide, §3). The node refuses them first,
 * with a way out. Exception: loopback hosts (127.0.0.1, localhost, ::1) are accepted over plain HTTP. Real
 * Edges can never reach those anyway, so they only make sense with a local Edges simulator or a local proxy
 * in front of Edges; refusing them would make local testing impossible and lets nothing unsafe through.
 */
export function checkCallbackUrl(url: string, what: string, itemIndex?: number): string {
	const trimmed = url.trim();
	const parsed = parseUrl(trimmed);
	if (!parsed) {
		throw new InputError(`${what} "${trimmed}" is not a valid URL`, {
			itemIndex,
			description: 'Give a full address such as https://your-n8n.example.com/webhook/edges.',
		});
	}
	if (parsed.protocol === 'https:') return trimmed;
	if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return trimmed;
	throw new InputError(`${what} must start with https:// (Edges refuses other callback URLs)`, {
		itemIndex,
		description:
			`Got ${parsed.protocol}//${parsed.host}. Edges only sends callbacks to HTTPS addresses. ` +
			'If this is your n8n address, give n8n a public HTTPS URL: put n8n behind a reverse proxy with a ' +
			'certificate (or use a tunnel such as Cloudflare Tunnel or ngrok) and set the WEBHOOK_URL environment ' +
			'variable of n8n to that https:// address, then restart n8n.',
	});
}

/**
 * True when the URL is an n8n production or test webhook (its path has a `/webhook/` or `/webhook-test/`
 * segment): those are the URLs the Edges Trigger listens on, so only they get the callback secret header.
 * A resume URL (`/webhook-waiting/`) is protected by its own token and any other URL belongs to someone else.
 */
export function isN8nWebhookUrl(url: string): boolean {
	const parsed = parseUrl(url);
	return parsed !== undefined && /\/webhook(-test)?\//.test(parsed.pathname);
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
	{ name: 'minute', min: 0, max: 59 },
	{ name: 'hour', min: 0, max: 23 },
	{ name: 'day of month', min: 1, max: 31 },
	{
		name: 'month',
		min: 1,
		max: 12,
		names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
	},
	{
		name: 'day of week',
		min: 0,
		max: 7,
		names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
	},
];

/** Checks a POSIX 5-field cron expression (docs/edges-api.md §2.1: 1–256 characters). */
export function checkCron(expression: string): string {
	const cron = expression.trim().replace(/\s+/g, ' ');
	const bad = (why: string) =>
		new InputError(`"${expression}" is not a valid cron expression: ${why}`, {
			description:
				'Use 5 fields separated by spaces: minute hour day-of-month month day-of-week, for example "0 9 * * 1-5" (9:00 on weekdays).',
		});
	if (cron.length === 0 || cron.length > 256) throw bad('it must have 1 to 256 characters');
	const parts = cron.split(' ');
	if (parts.length !== 5) throw bad(`it has ${parts.length} fields instead of 5`);
	parts.forEach((part, index) => {
		const field = CRON_FIELDS[index];
		for (const element of part.split(',')) {
			const [range, step, extra] = element.split('/');
			if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) {
				throw bad(`"${element}" is not a valid ${field.name} value`);
			}
			if (range === '*') continue;
			const bounds = range.split('-');
			if (bounds.length > 2) throw bad(`"${element}" is not a valid ${field.name} value`);
			for (const bound of bounds) {
				const value = cronValue(bound, field);
				if (value === undefined || value < field.min || value > field.max) {
					throw bad(`${field.name} "${bound}" is out of range ${field.min}-${field.max}`);
				}
			}
		}
	});
	return cron;
}

function cronValue(token: string, field: (typeof CRON_FIELDS)[number]): number | undefined {
	if (/^\d+$/.test(token)) return Number(token);
	const index = field.names?.indexOf(token.toLowerCase()) ?? -1;
	if (index < 0) return undefined;
	return field.min === 1 ? index + 1 : index;
}

/** The fields of one item, before custom_data is added. */
export type InputFields = Record<string, unknown>;

/**
 * Builds one element of `inputs[]`: the action's fields, checked against the catalogue when the action is
 * known, plus `custom_data` with the pairing tag. A user key equal to the tag is an error rather than being
 * overwritten silently: the user's value would be lost and pairing would break.
 */
export function buildInput(args: {
	slug: string;
	fields: InputFields;
	customData: Record<string, unknown>;
	itemIndex: number;
}): Record<string, unknown> {
	const { slug, itemIndex } = args;
	const fields: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(args.fields)) {
		if (key === 'custom_data') continue;
		if (value === undefined || value === null || value === '') continue;
		fields[key] = value;
	}
	const action = findAction(slug);
	if (action) {
		const missing = action.requiredFields.filter((field) => fields[field] === undefined);
		if (missing.length > 0) {
			throw new InputError(
				`Item ${itemIndex} has no ${missing.map((f) => `"${f}"`).join(', ')}, which the action ${slug} needs`,
				{
					itemIndex,
					description: `Every input of ${action.label} needs: ${action.requiredFields.join(', ')}. Map the field, or check that the incoming item has it.`,
				},
			);
		}
	}
	const fromFields = isPlainObject(args.fields.custom_data) ? args.fields.custom_data : {};
	const userCustomData = { ...fromFields, ...args.customData };
	const reserved = RESERVED_KEYS.find((key) =>
		Object.prototype.hasOwnProperty.call(userCustomData, key),
	);
	if (reserved) {
		throw new InputError(`Custom data of item ${itemIndex} uses the key "${reserved}"`, {
			itemIndex,
			description: `The node puts "${ITEM_TAG}" and "${START_TAG}" in custom_data, to pair results back to their n8n items and to find a run whose start was not confirmed. Rename your key.`,
		});
	}
	return { ...fields, custom_data: { ...userCustomData, [ITEM_TAG]: itemIndex } };
}

/** Splits inputs into runs of at most `size` (Edges takes 1–100,000 inputs per async run). */
export function chunk<T>(values: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let start = 0; start < values.length; start += size) {
		out.push(values.slice(start, start + size));
	}
	return out;
}

/** The n8n item index an input or output was tagged with, if it carries the tag. */
export function itemIndexOf(customData: unknown): number | undefined {
	if (!isPlainObject(customData)) return undefined;
	const value = customData[ITEM_TAG];
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
