// Why this file exists: the simulator needs a catalogue of real Edges actions (docs/edges-api.md §6) with their
// input fields, URL checks, page sizes and limits, and a deterministic generator of realistic outputs, so
// that every result can be regenerated from (seed, input, index) instead of being stored.

import { hash32, mulberry32 } from './prng';
import type { EdgesErrorBody } from './types';

export interface ActionSpec {
	readonly slug: string;
	/** Internal numeric id (`action_id` of a Run). */
	readonly id: number;
	/** Required input fields. */
	readonly inputFields: readonly string[];
	/** Input fields that may be sent besides the required ones (plus `custom_data` everywhere). */
	readonly optionalInputFields: readonly string[];
	/** The field checked against `urlPattern`; an input failing it ends BLOCKED (BAD_INPUT). */
	readonly urlField?: string;
	readonly urlPattern?: RegExp;
	/** `single`: one result per input (an object in live mode); `list`: pages of results. */
	readonly kind: 'single' | 'list';
	/** Live page size and async batch size (one callback per batch). */
	readonly pageSize: number;
	readonly defaultMaxResults: number;
	readonly maxMaxResults: number;
	/** Needs a LinkedIn identity of the workspace. */
	readonly identityRequired: boolean;
	readonly creditsPerResult: number;
	/** Field of each output that is unique within a run (what dedup code keys on). */
	readonly uniqueField: string;
}

// Hot-path globals as module constants (global lookups are slow inside Jest's vm sandbox).
const floor = Math.floor;
const stringify = JSON.stringify;
const max = Math.max;

const HOST = '(www\\.|[a-z]{2}\\.)?linkedin\\.com';

/**
 * The simulated actions. URL patterns follow the shape the docs give for people
 * (`^https://(www|xx.)?linkedin.com/(in|pub|sales/people|sales/lead)/…`); the others are written the same way.
 */
export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
	'linkedin-extract-people': {
		slug: 'linkedin-extract-people',
		id: 101,
		inputFields: ['linkedin_profile_url'],
		optionalInputFields: [],
		urlField: 'linkedin_profile_url',
		urlPattern: new RegExp(
			`^https://${HOST}/(in|pub|sales/people|sales/lead)/[^/?#\\s]+/?([?#].*)?$`,
		),
		kind: 'single',
		pageSize: 1,
		defaultMaxResults: 1,
		maxMaxResults: 1,
		identityRequired: false,
		creditsPerResult: 1,
		uniqueField: 'linkedin_profile_id',
	},
	'linkedin-extract-company': {
		slug: 'linkedin-extract-company',
		id: 102,
		inputFields: ['linkedin_company_url'],
		optionalInputFields: [],
		urlField: 'linkedin_company_url',
		urlPattern: new RegExp(`^https://${HOST}/(company|school|showcase)/[^/?#\\s]+/?([?#].*)?$`),
		kind: 'single',
		pageSize: 1,
		defaultMaxResults: 1,
		maxMaxResults: 1,
		identityRequired: false,
		creditsPerResult: 1,
		uniqueField: 'linkedin_company_id',
	},
	'linkedin-search-people': {
		slug: 'linkedin-search-people',
		id: 103,
		inputFields: ['linkedin_people_search_url'],
		optionalInputFields: [],
		urlField: 'linkedin_people_search_url',
		urlPattern: new RegExp(`^https://${HOST}/search/results/people/?\\?\\S*$`),
		kind: 'list',
		pageSize: 10,
		defaultMaxResults: 100,
		// LinkedIn shows at most 1000 results of a search.
		maxMaxResults: 1000,
		identityRequired: false,
		creditsPerResult: 1,
		uniqueField: 'linkedin_profile_id',
	},
	'linkedin-extract-post-likers': {
		slug: 'linkedin-extract-post-likers',
		id: 104,
		inputFields: ['linkedin_post_url'],
		optionalInputFields: [],
		urlField: 'linkedin_post_url',
		urlPattern: new RegExp(
			`^https://${HOST}/(posts/[^/?#\\s]+|feed/update/urn:li:(activity|share|ugcPost):\\d+)/?([?#].*)?$`,
		),
		kind: 'list',
		pageSize: 20,
		defaultMaxResults: 100,
		maxMaxResults: 3000,
		identityRequired: false,
		creditsPerResult: 1,
		uniqueField: 'linkedin_profile_id',
	},
	'linkedin-find-profile-url': {
		slug: 'linkedin-find-profile-url',
		id: 105,
		inputFields: ['first_name', 'last_name'],
		optionalInputFields: ['company_name'],
		kind: 'single',
		pageSize: 1,
		defaultMaxResults: 1,
		maxMaxResults: 1,
		identityRequired: false,
		creditsPerResult: 1,
		uniqueField: 'linkedin_profile_id',
	},
	'linkedin-extract-connections': {
		slug: 'linkedin-extract-connections',
		id: 106,
		inputFields: [],
		optionalInputFields: [],
		kind: 'list',
		pageSize: 50,
		defaultMaxResults: 500,
		maxMaxResults: 30000,
		identityRequired: true,
		creditsPerResult: 1,
		uniqueField: 'linkedin_profile_id',
	},
};

/** Markers a test puts in an input URL or name to choose the input's outcome. */
export const NO_RESULT_MARKER = 'no-result';
export const FAIL_MARKER = 'fail-input';

export interface InputError {
	status: 'BLOCKED' | 'FAILED';
	status_code: number;
	label: string;
	message: string;
	validationErrors?: Record<string, string>;
}

/**
 * Decides what processing an (already schema-valid) input leads to: BLOCKED when its URL fails the action's
 * pattern (bad input, the docs' `linkedin.com/products/...` example), FAILED with NO_RESULT (424) or
 * LK_ERROR (424) when a test marker is present, otherwise null (success).
 */
export function classifyInput(spec: ActionSpec, data: Record<string, unknown>): InputError | null {
	if (spec.urlField && spec.urlPattern) {
		const value = data[spec.urlField];
		if (typeof value !== 'string' || !spec.urlPattern.test(value)) {
			return {
				status: 'BLOCKED',
				status_code: 400,
				label: 'BAD_INPUT',
				message: `${spec.urlField} is not a valid URL for ${spec.slug}: ${String(value)}`,
				validationErrors: { [spec.urlField]: `must match pattern "${spec.urlPattern.source}"` },
			};
		}
	}
	const text = Object.values(data)
		.filter((v): v is string => typeof v === 'string')
		.join(' ');
	if (text.includes(NO_RESULT_MARKER)) {
		return { status: 'FAILED', status_code: 424, label: 'NO_RESULT', message: 'No results' };
	}
	if (text.includes(FAIL_MARKER)) {
		return {
			status: 'FAILED',
			status_code: 424,
			label: 'LK_ERROR',
			message: 'LinkedIn answered with an unexpected error',
		};
	}
	return null;
}

export function errorFromInputError(error: InputError, ref: string): EdgesErrorBody {
	return {
		error_label: error.label,
		error_scope: 'input',
		error_ref: ref,
		message: error.message,
		status_code: error.status_code,
		params: {},
	};
}

/** A stable 32-bit identity of an input's entity (same input -> same person, same ids). */
export function inputIdentity(
	seed: number,
	spec: ActionSpec,
	data: Record<string, unknown>,
): number {
	const fields = [...spec.inputFields, ...spec.optionalInputFields].map(
		(f) => `${f}=${String(data[f])}`,
	);
	return hash32(seed, spec.slug, ...fields);
}

/**
 * How many results a list input yields in total. A `sim_results=N` query parameter in the input URL sets it
 * (tests use it for exact counts); otherwise: searches 1000 (LinkedIn's cap), likers 40..200, connections
 * 150..500, chosen from the input's identity.
 */
export function availableResults(
	spec: ActionSpec,
	data: Record<string, unknown>,
	identity: number,
): number {
	if (spec.kind === 'single') return 1;
	const url = spec.urlField ? data[spec.urlField] : undefined;
	if (typeof url === 'string') {
		const match = /[?&]sim_results=(\d+)/.exec(url);
		if (match) return Number(match[1]);
	}
	if (spec.slug === 'linkedin-search-people') return 1000;
	if (spec.slug === 'linkedin-extract-post-likers') return 40 + (identity % 161);
	return 150 + (identity % 351);
}

/** A deterministic input of the action for seeded runs (input `index` of a seeded run). */
export function sampleInput(
	spec: ActionSpec,
	seed: number,
	index: number,
): Record<string, unknown> {
	const rng = mulberry32(hash32(seed, 'sample', spec.slug, index));
	const first = pickFrom(FIRST_NAMES, rng);
	const last = pickFrom(LAST_NAMES, rng);
	const slugPart = `${asciiSlug(first)}-${asciiSlug(last)}-${index.toString(16)}`;
	switch (spec.slug) {
		case 'linkedin-extract-people':
			return { linkedin_profile_url: `https://www.linkedin.com/in/${slugPart}/` };
		case 'linkedin-extract-company':
			return {
				linkedin_company_url: `https://www.linkedin.com/company/${asciiSlug(last)}-${index}/`,
			};
		case 'linkedin-search-people':
			return {
				linkedin_people_search_url: `https://www.linkedin.com/search/results/people/?keywords=${asciiSlug(pickFrom(TITLES, rng))}&page=${index}`,
			};
		case 'linkedin-extract-post-likers':
			return {
				linkedin_post_url: `https://www.linkedin.com/feed/update/urn:li:activity:${7100000000000000000 + index}/`,
			};
		case 'linkedin-find-profile-url':
			return { first_name: first, last_name: last };
		default:
			return {};
	}
}

export interface OutputContext {
	seed: number;
	spec: ActionSpec;
	input: Record<string, unknown>;
	identity: number;
	/** Index of the result within its input (0 for single actions). */
	k: number;
	extractedAt: string;
	parameters: Record<string, unknown>;
	/** Pad each output's JSON to about this many bytes. */
	outputBytes?: number;
	/** Fields left out of the output (`hideInputInOutputs`: results that do not repeat their input). */
	omitFields?: readonly string[];
}

/**
 * One output as JSON text, padded to about `outputBytes` when asked. The last key of every output is a text
 * field (summary, description or headline) whose value never ends in a quote or backslash, so filler text is
 * spliced into the serialised JSON without serialising twice.
 */
export function outputJson(ctx: OutputContext): string {
	const value = outputValue(ctx);
	if (ctx.omitFields) for (const field of ctx.omitFields) delete value[field];
	const json = stringify(value);
	if (!ctx.outputBytes || json.length >= ctx.outputBytes) return json;
	const missing = ctx.outputBytes - json.length;
	const start = (ctx.identity + ctx.k * 7) % 512;
	const separator = json.endsWith('""}') ? '' : ' ';
	return `${json.slice(0, -2)}${separator}${filler(start, max(0, missing - separator.length))}"}`;
}

/** One output as an object (callbacks carry objects; the outputs endpoint uses `outputJson`). */
export function outputObject(ctx: OutputContext): Record<string, unknown> {
	if (!ctx.outputBytes && !ctx.omitFields) return outputValue(ctx);
	return JSON.parse(outputJson(ctx)) as Record<string, unknown>;
}

function outputValue(ctx: OutputContext): Record<string, unknown> {
	const { spec, input, identity, k } = ctx;
	const rng = mulberry32(hash32(ctx.seed, spec.slug, identity, k));
	switch (spec.slug) {
		case 'linkedin-extract-people':
			return person(
				ctx,
				rng,
				1_000_000_000 + identity,
				nameFromProfileUrl(input.linkedin_profile_url),
			);
		case 'linkedin-find-profile-url': {
			const names = {
				first: String(input.first_name ?? pickFrom(FIRST_NAMES, rng)),
				last: String(input.last_name ?? pickFrom(LAST_NAMES, rng)),
			};
			const handle = `${asciiSlug(names.first)}-${asciiSlug(names.last)}-${(identity % 0xfffff).toString(16)}`;
			return {
				first_name: names.first,
				last_name: names.last,
				full_name: `${names.first} ${names.last}`,
				linkedin_profile_id: 1_000_000_000 + identity,
				linkedin_profile_url: `https://www.linkedin.com/in/${handle}/`,
				company_name: input.company_name ?? null,
				extracted_at: ctx.extractedAt,
				headline: `${pickFrom(TITLES, rng)} at ${String(input.company_name ?? pickFrom(COMPANIES, rng))}`,
			};
		}
		case 'linkedin-extract-company':
			return company(ctx, rng);
		default: {
			// List actions: one person per result, with an id unique per (input, k).
			const id = ((identity % 900_000) + 100_000) * 10_000_000 + k;
			const base = person(ctx, rng, id, undefined);
			if (spec.slug === 'linkedin-extract-post-likers') {
				return {
					full_name: base.full_name,
					first_name: base.first_name,
					last_name: base.last_name,
					linkedin_profile_id: id,
					linkedin_profile_url: base.linkedin_profile_url,
					reaction_type: pickFrom(REACTIONS, rng),
					extracted_at: ctx.extractedAt,
					headline: base.headline,
				};
			}
			if (spec.slug === 'linkedin-extract-connections') {
				return {
					full_name: base.full_name,
					first_name: base.first_name,
					last_name: base.last_name,
					linkedin_profile_id: id,
					linkedin_profile_url: base.linkedin_profile_url,
					connected_at: new Date(Date.UTC(2020, 0, 1) + (id % 1500) * 86_400_000).toISOString(),
					extracted_at: ctx.extractedAt,
					headline: base.headline,
				};
			}
			// The padded text field must stay last: move it after connection_degree.
			const summary = base.summary;
			delete base.summary;
			base.connection_degree = pickFrom(['1st', '2nd', '3rd'], rng);
			base.summary = summary;
			return base;
		}
	}
}

function person(
	ctx: OutputContext,
	rng: () => number,
	id: number,
	names: { first: string; last: string } | undefined,
): Record<string, unknown> {
	const first = names?.first ?? pickFrom(FIRST_NAMES, rng);
	const last = names?.last ?? pickFrom(LAST_NAMES, rng);
	const handle =
		typeof ctx.input.linkedin_profile_url === 'string' &&
		ctx.spec.slug === 'linkedin-extract-people'
			? profileHandle(ctx.input.linkedin_profile_url)
			: `${asciiSlug(first)}-${asciiSlug(last)}-${(id % 0xffffff).toString(16)}`;
	const [city, country] = pickFrom(PLACES, rng);
	const title = pickFrom(TITLES, rng);
	const employer = pickFrom(COMPANIES, rng);
	const value: Record<string, unknown> = {
		first_name: first,
		last_name: last,
		full_name: `${first} ${last}`,
		headline: `${title} at ${employer}`,
		linkedin_profile_id: id,
		sales_navigator_profile_id: `ACwAA${(hash32(id, 'sn') % 0xffffffff).toString(36).toUpperCase()}${(id % 100000).toString(36)}`,
		linkedin_profile_url: `https://www.linkedin.com/in/${handle}/`,
		linkedin_profile_handle: handle,
		location: `${city}, ${country}`,
		profile_country: country,
		open_to_work: rng() < 0.1,
		profile_image_url: `https://media.licdn.com/dms/image/sim/${id}/profile-displayphoto.jpg`,
	};
	if (ctx.parameters.skills === true)
		value.skills = [{ name: title.split(' ')[0] }, { name: 'Leadership' }];
	if (ctx.parameters.experiences === true) {
		value.experiences = [{ company_name: employer, job_title: title, start_date: '2021-03' }];
	}
	value.extracted_at = ctx.extractedAt;
	value.summary = '';
	return value;
}

function company(ctx: OutputContext, rng: () => number): Record<string, unknown> {
	const url = String(ctx.input.linkedin_company_url ?? '');
	const slug = /\/(company|school|showcase)\/([^/?#]+)/.exec(url)?.[2] ?? `company-${ctx.identity}`;
	const name = slug
		.split('-')
		.filter((t) => t && !/\d/.test(t))
		.map(capitalize)
		.join(' ');
	const size = pickFrom(SIZES, rng);
	const domain = `${asciiSlug(slug).replace(/-/g, '') || 'company'}.example`;
	const [city, country] = pickFrom(PLACES, rng);
	return {
		company_name: name || 'Unnamed Company',
		linkedin_company_id: 1000 + ctx.identity,
		linkedin_company_url: `https://www.linkedin.com/company/${slug}/`,
		website: `https://www.${domain}`,
		domain,
		number_employees: size[0] + (ctx.identity % Math.max(1, size[1] - size[0])),
		employees_range: `${size[0]}-${size[1]}`,
		industries: [pickFrom(INDUSTRIES, rng)],
		headquarters: `${city}, ${country}`,
		type: pickFrom(['Privately Held', 'Public Company', 'Self-Employed', 'Nonprofit'], rng),
		extracted_at: ctx.extractedAt,
		description: '',
	};
}

function nameFromProfileUrl(url: unknown): { first: string; last: string } | undefined {
	if (typeof url !== 'string') return undefined;
	const handle = profileHandle(url);
	const words = handle.split('-').filter((t) => t && /^\p{L}+$/u.test(t));
	if (words.length < 2) return undefined;
	return { first: capitalize(words[0]), last: words.slice(1).map(capitalize).join(' ') };
}

function profileHandle(url: string): string {
	const raw = /\/(in|pub|sales\/people|sales\/lead)\/([^/?#]+)/.exec(url)?.[2] ?? 'unknown';
	try {
		return decodeURIComponent(raw);
	} catch {
		return raw;
	}
}

function capitalize(word: string): string {
	return word.charAt(0).toUpperCase() + word.slice(1);
}

function asciiSlug(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[^\w\s-]/g, '')
		.trim()
		.toLowerCase()
		.replace(/\s+/g, '-');
}

function pickFrom<T>(items: readonly T[], rng: () => number): T {
	return items[floor(rng() * items.length)];
}

let fillerText = '';
/** Plain ASCII words (nothing JSON would escape), so padding can be spliced into serialised JSON. */
function filler(start: number, length: number): string {
	while (fillerText.length < start + length) {
		fillerText +=
			'Experienced professional focused on building reliable data pipelines, growing teams and ' +
			'shipping products customers love. Previously led sales operations and partnerships across ' +
			'several markets; enjoys mentoring, public speaking and long walks in the mountains. ';
	}
	return fillerText.slice(start, start + length);
}

const FIRST_NAMES = [
	'Elisa',
	'Astrid',
	'Liam',
	'Noah',
	'Emma',
	'Olivia',
	'Lucas',
	'Mia',
	'Hugo',
	'Léa',
	'Sofia',
	'Mateo',
	'Chloé',
	'Ines',
	'Jonas',
	'Freya',
	'Arjun',
	'Priya',
	'Kenji',
	'Yuki',
	'Amara',
	'Kwame',
	'Zoé',
	'Mohamed',
	'Fatima',
	'Diego',
	'Lucía',
	'Björn',
	'Anna',
	'Tomás',
];
const LAST_NAMES = [
	'Morgera',
	'Puentes Riaño',
	'Martin',
	'Bernard',
	'Dubois',
	'Smith',
	'Johnson',
	'García',
	'Müller',
	'Rossi',
	'Nowak',
	'Svensson',
	'Tanaka',
	'Okafor',
	'Mensah',
	'Kumar',
	'Patel',
	'Silva',
	'Santos',
	'Novak',
	'Lefèvre',
	'Moreau',
	'Kowalski',
	'Andersen',
	"O'Brien",
	'Nguyen',
	'Haddad',
	'Cohen',
	'Ivanova',
	'Costa',
];
const TITLES = [
	'Head of Sales',
	'Software Engineer',
	'Product Manager',
	'Growth Marketer',
	'Chief Executive Officer',
	'Data Scientist',
	'Account Executive',
	'Recruiter',
	'Operations Lead',
	'Customer Success Manager',
];
const COMPANIES = [
	'Acme Corp',
	'Globex',
	'Initech',
	'Umbrella Labs',
	'Hooli',
	'Vandelay Industries',
	'Stark Analytics',
	'Wayne Logistics',
	'Soylent Foods',
	'Tyrell Systems',
];
const PLACES: ReadonlyArray<[string, string]> = [
	['Paris', 'France'],
	['Lyon', 'France'],
	['Berlin', 'Germany'],
	['London', 'United Kingdom'],
	['Madrid', 'Spain'],
	['New York', 'United States'],
	['San Francisco', 'United States'],
	['Toronto', 'Canada'],
	['São Paulo', 'Brazil'],
	['Bengaluru', 'India'],
	['Tokyo', 'Japan'],
	['Lagos', 'Nigeria'],
];
const INDUSTRIES = [
	'Software Development',
	'Financial Services',
	'Staffing and Recruiting',
	'Hospitals and Health Care',
	'Retail',
	'Manufacturing',
	'Higher Education',
	'Marketing Services',
];
const SIZES: ReadonlyArray<[number, number]> = [
	[2, 10],
	[11, 50],
	[51, 200],
	[201, 500],
	[501, 1000],
	[1001, 5000],
	[5001, 10000],
];
const REACTIONS = ['LIKE', 'PRAISE', 'EMPATHY', 'INTEREST', 'APPRECIATION', 'ENTERTAINMENT'];
