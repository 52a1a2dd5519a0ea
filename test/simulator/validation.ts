// Why this file exists: Edges validates bodies and query strings with a JSON-schema validator and answers
// 400 with ajv-style messages ("body must NOT have additional properties (inputs)", docs/edges-api.md §2.1);
// tests of the client's error handling need those exact refusals, so all checking lives here.

import type { ActionSpec } from './actions';
import { ApiError, badInput, badParameters } from './errors';

export type Query = Record<string, string | string[]>;

export function parseQuery(search: URLSearchParams): Query {
	const query: Query = {};
	for (const [key, value] of search) {
		const existing = query[key];
		if (existing === undefined) query[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else query[key] = [existing, value];
	}
	return query;
}

function single(query: Query, key: string): string | undefined {
	const value = query[key];
	return Array.isArray(value) ? value[value.length - 1] : value;
}

export function stringParam(query: Query, key: string): string | undefined {
	return single(query, key);
}

/** An integer query parameter within [min, max]; 400 BAD_PARAMETERS otherwise. */
export function intParam(
	query: Query,
	key: string,
	options: { def: number; min: number; max?: number },
): number {
	const raw = single(query, key);
	if (raw === undefined || raw === '') return options.def;
	if (!/^-?\d+$/.test(raw))
		throw badParameters(`querystring/${key} must be integer`, { [key]: raw });
	const value = Number(raw);
	if (value < options.min)
		throw badParameters(`querystring/${key} must be >= ${options.min}`, { [key]: value });
	if (options.max !== undefined && value > options.max) {
		throw badParameters(`querystring/${key} must be <= ${options.max}`, { [key]: value });
	}
	return value;
}

/** A repeated-key filter (`?status=A&status=B`). The `key[]` spelling is not Edges' and is ignored. */
export function listParam(
	query: Query,
	key: string,
	allowed?: readonly string[],
): string[] | undefined {
	const raw = query[key];
	if (raw === undefined) return undefined;
	const values = Array.isArray(raw) ? raw : [raw];
	if (allowed) {
		for (const value of values) {
			if (!allowed.includes(value)) {
				throw badParameters(
					`querystring/${key} must be equal to one of the allowed values: ${allowed.join(', ')}`,
					{
						[key]: value,
					},
				);
			}
		}
	}
	return values;
}

export interface SortKey {
	field: string;
	desc: boolean;
}

/** `sort` = up to 10 entries of `field` or `-field` (descending). Default: created_at ascending. */
export function sortParam(query: Query, fields: readonly string[]): SortKey[] {
	const values = listParam(query, 'sort') ?? [];
	if (values.length > 10) throw badParameters('querystring/sort must NOT have more than 10 items');
	const keys: SortKey[] = [];
	for (const value of values) {
		for (const part of value.split(',')) {
			const desc = part.startsWith('-');
			const field = desc ? part.slice(1) : part;
			if (part.length > 128 || !fields.includes(field)) {
				throw badParameters(
					`querystring/sort must be one of ${fields.map((f) => `${f}, -${f}`).join(', ')}`,
					{
						sort: part,
					},
				);
			}
			keys.push({ field, desc });
		}
	}
	return keys.length ? keys : [{ field: 'created_at', desc: false }];
}

/** Sorts by the keys; ties keep creation order (`seq`), so listings are stable. */
export function sortItems<T extends { seq: number }>(
	items: T[],
	keys: SortKey[],
	value: (item: T, field: string) => string | number | null,
): T[] {
	return items.sort((a, b) => {
		for (const key of keys) {
			const va = value(a, key.field);
			const vb = value(b, key.field);
			if (va === vb) continue;
			if (va === null) return 1;
			if (vb === null) return -1;
			const order = va < vb ? -1 : 1;
			return key.desc ? -order : order;
		}
		return a.seq - b.seq;
	});
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function expectObject(
	value: unknown,
	path: string,
	label = 'BAD_PARAMETERS',
): Record<string, unknown> {
	if (!isObject(value)) throw new ApiError(400, label, `${path} must be object`);
	return value;
}

function rejectAdditional(
	value: Record<string, unknown>,
	allowed: readonly string[],
	path: string,
	label = 'BAD_PARAMETERS',
): void {
	for (const key of Object.keys(value)) {
		if (!allowed.includes(key)) {
			throw new ApiError(400, label, `${path} must NOT have additional properties (${key})`, {
				additionalProperty: key,
			});
		}
	}
}

export interface ValidInput {
	data: Record<string, unknown>;
	customData: Record<string, unknown> | null;
}

/** One input object: the action's fields (required ones present, strings) plus an optional custom_data. */
function validateInput(spec: ActionSpec, value: unknown, path: string): ValidInput {
	const item = expectObject(value, path, 'BAD_INPUT');
	rejectAdditional(
		item,
		[...spec.inputFields, ...spec.optionalInputFields, 'custom_data'],
		path,
		'BAD_INPUT',
	);
	const data: Record<string, unknown> = {};
	for (const field of spec.inputFields) {
		if (!(field in item))
			throw badInput(`${path} must have required property '${field}'`, { missingProperty: field });
	}
	for (const field of [...spec.inputFields, ...spec.optionalInputFields]) {
		if (!(field in item)) continue;
		const fieldValue = item[field];
		if (typeof fieldValue !== 'string')
			throw badInput(`${path}/${field} must be string`, { field });
		if (fieldValue.trim() === '')
			throw badInput(`${path}/${field} must NOT have fewer than 1 characters`, { field });
		data[field] = fieldValue.trim();
	}
	let customData: Record<string, unknown> | null = null;
	if (item.custom_data !== undefined && item.custom_data !== null) {
		customData = expectObject(item.custom_data, `${path}/custom_data`, 'BAD_INPUT');
	}
	return { data, customData };
}

export interface CallbackSpec {
	url: string;
	headers: Record<string, string>;
	on: 'all' | 'final';
}

export interface IdentitySpec {
	identityMode: 'direct' | 'auto' | 'managed' | null;
	identityIds: string[];
}

export interface RunRequest extends IdentitySpec {
	inputs: ValidInput[];
	parameters: Record<string, unknown>;
	callback: CallbackSpec | null;
}

export interface ScheduleRequest extends RunRequest {
	cron: string | null;
	timezone: string;
	scheduleAt: number | null;
	name: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validateIdentity(body: Record<string, unknown>): IdentitySpec {
	let identityMode: IdentitySpec['identityMode'] = null;
	if (body.identity_mode !== undefined) {
		if (
			body.identity_mode !== 'direct' &&
			body.identity_mode !== 'auto' &&
			body.identity_mode !== 'managed'
		) {
			throw badParameters(
				'body/identity_mode must be equal to one of the allowed values: direct, auto, managed',
			);
		}
		identityMode = body.identity_mode;
	}
	let identityIds: string[] = [];
	if (body.identity_ids !== undefined) {
		if (!Array.isArray(body.identity_ids)) throw badParameters('body/identity_ids must be array');
		body.identity_ids.forEach((id, i) => {
			if (typeof id !== 'string' || !UUID.test(id))
				throw badParameters(`body/identity_ids/${i} must match format "uuid"`);
		});
		identityIds = body.identity_ids as string[];
	}
	// Docs: direct mode needs at least one valid identity, else NO_VALID_ACCOUNT_CONFIGURED (a 424 in the
	// error table). The simulator refuses the request itself rather than starting a run that cannot work.
	if (identityMode === 'direct' && identityIds.length === 0) {
		throw new ApiError(
			424,
			'NO_VALID_ACCOUNT_CONFIGURED',
			'identity_mode "direct" needs at least one valid identity in identity_ids',
		);
	}
	return { identityMode, identityIds };
}

function validateParameters(spec: ActionSpec, value: unknown): Record<string, unknown> {
	if (value === undefined || value === null) return {};
	const parameters = expectObject(value, 'body/parameters');
	if (parameters.max_results !== undefined) {
		const max = parameters.max_results;
		if (typeof max !== 'number' || !Number.isInteger(max))
			throw badParameters('body/parameters/max_results must be integer');
		if (max < 1) throw badParameters('body/parameters/max_results must be >= 1');
		// Single-result actions have no use for max_results; it is accepted and ignored there.
		if (spec.kind === 'list' && max > spec.maxMaxResults) {
			throw badParameters(`body/parameters/max_results must be <= ${spec.maxMaxResults}`, {
				limit: spec.maxMaxResults,
			});
		}
	}
	if (
		parameters.sync_mode !== undefined &&
		parameters.sync_mode !== 'full' &&
		parameters.sync_mode !== 'incremental'
	) {
		throw badParameters(
			'body/parameters/sync_mode must be equal to one of the allowed values: full, incremental',
		);
	}
	return { ...parameters };
}

function validateCallback(value: unknown, requireHttps: boolean): CallbackSpec | null {
	if (value === undefined || value === null) return null;
	const callback = expectObject(value, 'body/callback');
	rejectAdditional(callback, ['url', 'headers', 'on'], 'body/callback');
	if (typeof callback.url !== 'string')
		throw badParameters("body/callback must have required property 'url'");
	let url: URL;
	try {
		url = new URL(callback.url);
	} catch {
		throw badParameters('body/callback/url must match format "uri"');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		throw badParameters('body/callback/url must match format "uri"');
	if (requireHttps && url.protocol !== 'https:')
		throw badParameters('body/callback/url must be an HTTPS URL');
	const headers: Record<string, string> = {};
	if (callback.headers !== undefined && callback.headers !== null) {
		const given = expectObject(callback.headers, 'body/callback/headers');
		for (const [name, headerValue] of Object.entries(given)) {
			if (typeof headerValue !== 'string')
				throw badParameters(`body/callback/headers/${name} must be string`);
			if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(headerValue)) {
				throw badParameters(`body/callback/headers/${name} is not a valid HTTP header`);
			}
			headers[name] = headerValue;
		}
	}
	const on = callback.on ?? 'all';
	if (on !== 'all' && on !== 'final')
		throw badParameters('body/callback/on must be equal to one of the allowed values: all, final');
	return { url: callback.url, headers, on };
}

export function parseJsonBody(text: string): unknown {
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		throw badParameters('body must be valid JSON');
	}
}

/** Body of `POST /actions/{slug}/run/async` (and the shared part of `/run/schedule`). */
export function validateRunRequest(
	spec: ActionSpec,
	value: unknown,
	options: { maxInputs: number; extraKeys: readonly string[]; requireHttps: boolean },
): RunRequest {
	const body = expectObject(value, 'body');
	rejectAdditional(
		body,
		['inputs', 'parameters', 'identity_ids', 'identity_mode', 'callback', ...options.extraKeys],
		'body',
	);
	if (body.inputs === undefined) throw badParameters("body must have required property 'inputs'");
	if (!Array.isArray(body.inputs)) throw badParameters('body/inputs must be array');
	if (body.inputs.length < 1) throw badParameters('body/inputs must NOT have fewer than 1 items');
	if (body.inputs.length > options.maxInputs) {
		throw badParameters(`body/inputs must NOT have more than ${options.maxInputs} items`, {
			limit: options.maxInputs,
		});
	}
	const inputs = body.inputs.map((item, i) => validateInput(spec, item, `body/inputs/${i}`));
	return {
		inputs,
		parameters: validateParameters(spec, body.parameters),
		callback: validateCallback(body.callback, options.requireHttps),
		...validateIdentity(body),
	};
}

/** Body of `POST /actions/{slug}/run/live`: one `input`, no `inputs`, no callback. */
export function validateLiveRequest(spec: ActionSpec, value: unknown): RunRequest {
	const body = expectObject(value, 'body');
	rejectAdditional(body, ['input', 'parameters', 'identity_ids', 'identity_mode'], 'body');
	if (body.input === undefined) throw badParameters("body must have required property 'input'");
	return {
		inputs: [validateInput(spec, body.input, 'body/input')],
		parameters: validateParameters(spec, body.parameters),
		callback: null,
		...validateIdentity(body),
	};
}

export function validateScheduleRequest(
	spec: ActionSpec,
	value: unknown,
	options: {
		requireHttps: boolean;
		parseCron: (cron: string) => void;
		isValidTimeZone: (tz: string) => boolean;
	},
): ScheduleRequest {
	const run = validateRunRequest(spec, value, {
		maxInputs: 100,
		extraKeys: ['cron', 'timezone', 'schedule_at', 'name'],
		requireHttps: options.requireHttps,
	});
	const body = value as Record<string, unknown>;
	let cron: string | null = null;
	if (body.cron !== undefined && body.cron !== null) {
		if (typeof body.cron !== 'string') throw badParameters('body/cron must be string');
		if (body.cron.length < 1 || body.cron.length > 256)
			throw badParameters('body/cron must be 1 to 256 characters');
		try {
			options.parseCron(body.cron);
		} catch (error) {
			throw badParameters(`body/cron is not a valid cron expression: ${(error as Error).message}`, {
				cron: body.cron,
			});
		}
		cron = body.cron.trim();
	}
	let timezone = 'UTC';
	if (body.timezone !== undefined && body.timezone !== null) {
		if (
			typeof body.timezone !== 'string' ||
			body.timezone.length < 1 ||
			body.timezone.length > 64
		) {
			throw badParameters('body/timezone must be a string of 1 to 64 characters');
		}
		if (!options.isValidTimeZone(body.timezone))
			throw badParameters(`body/timezone "${body.timezone}" is not an IANA time zone`);
		timezone = body.timezone;
	}
	let scheduleAt: number | null = null;
	if (body.schedule_at !== undefined && body.schedule_at !== null) {
		const parsed = typeof body.schedule_at === 'string' ? Date.parse(body.schedule_at) : NaN;
		if (
			typeof body.schedule_at !== 'string' ||
			!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(body.schedule_at) ||
			Number.isNaN(parsed)
		) {
			throw badParameters('body/schedule_at must match format "date-time"');
		}
		scheduleAt = parsed;
	}
	let name: string | null = null;
	if (body.name !== undefined && body.name !== null) {
		if (typeof body.name !== 'string' || body.name.length > 255)
			throw badParameters('body/name must be a string of at most 255 characters');
		name = body.name;
	}
	return { ...run, cron, timezone, scheduleAt, name };
}
