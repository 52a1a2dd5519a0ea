/**
 * Parameters shared by Run Async, Run Live and Schedule: which action, where each item's input fields come
 * from, and the run options (parameters, identity, callback). Also the code that reads them back.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CallbackConfig, IdentityMode } from '../../../shared/client';
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../../../shared/callbackSecret';
import { EDGES_CREDENTIAL, type EdgesCredentialData } from '../../../shared/transport';
import {
	InputError,
	checkCallbackUrl,
	isN8nWebhookUrl,
	isPlainObject,
	parseHeaders,
	parseJsonObject,
	type InputFields,
} from '../../helpers/validation';
import { NOT_TOOL, TOOL_INPUT_JSON, toolFieldParameter } from './toolProperties';
import { findAction } from '../../actionCatalog';

type Operation = 'runAsync' | 'runLive' | 'schedule';

/**
 * What an action slug looks like. Checked here, when the node runs, and not as the resource locator's
 * `validation` regex: n8n runs those in a `node:vm` script with a 250 ms wall-clock timeout before every
 * execution, and on a busy machine that timeout fired on this microsecond match (docs/decisions.md).
 */
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export function actionProperties(operations: Operation[]): INodeProperties[] {
	const show = { resource: ['action'], operation: operations };
	return [
		{
			displayName: 'Action',
			name: 'action',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The Edges action to run',
			// `actionFrom` exists only in the tool variant (./toolProperties.ts).
			displayOptions: { show, hide: { actionFrom: ['model'] } },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchActions', searchable: true },
				},
				{
					displayName: 'By Slug',
					name: 'slug',
					type: 'string',
					placeholder: 'e.g. linkedin-extract-people',
					hint: 'The action name from the Edges Actions Library (docs.edges.run), in lowercase with dashes',
				},
			],
		},
		{
			displayName: 'Input Fields From',
			name: 'inputSource',
			type: 'options',
			default: 'fields',
			// The tool variant has its own, with From the Model as the default (./toolProperties.ts).
			displayOptions: { show, hide: NOT_TOOL },
			options: [
				{
					name: 'Mapped Fields',
					value: 'fields',
					description: 'Map each input field of the action below',
				},
				{
					name: 'JSON',
					value: 'json',
					description: 'Give all input fields of an item as one JSON object',
				},
			],
		},
		{
			displayName: 'Input Fields',
			name: 'inputFields',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			displayOptions: { show: { ...show, inputSource: ['fields'] } },
			typeOptions: {
				loadOptionsDependsOn: ['action.value'],
				resourceMapper: {
					resourceMapperMethod: 'getActionFields',
					mode: 'add',
					fieldWords: { singular: 'field', plural: 'fields' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: true,
					noFieldsError:
						'This action has no known input fields. Pick "JSON" above to give its inputs.',
				},
			},
		},
		{
			displayName: 'Input JSON',
			name: 'inputJson',
			type: 'json',
			default: '{\n  "linkedin_profile_url": "https://www.linkedin.com/in/..."\n}',
			required: true,
			description:
				'The input fields of one item as a JSON object, built with an expression from the item',
			hint: 'Use an expression to build it from each incoming item',
			displayOptions: { show: { ...show, inputSource: ['json'] } },
		},
	];
}

/** The options collection of Run Async and Schedule. Callback options hide while waiting for completion. */
export function runOptions(operation: 'runAsync' | 'schedule'): INodeProperties {
	const notWaiting = operation === 'runAsync' ? { '/waitForCompletion': [false] } : undefined;
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['action'], operation: [operation] } },
		options: [
			{
				displayName: 'Callback Headers',
				name: 'callbackHeaders',
				type: 'json',
				default: '{}',
				description:
					'Headers Edges sends with every callback, as a JSON object, e.g. {"Authorization": "Bearer …"}',
				displayOptions: notWaiting ? { show: notWaiting } : undefined,
			},
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/…',
				description:
					'Where Edges sends results. Must be HTTPS. Use the production URL of an Edges Trigger node to receive them in another workflow.',
				displayOptions: notWaiting ? { show: notWaiting } : undefined,
			},
			{
				displayName: 'Callback When',
				name: 'callbackOn',
				type: 'options',
				default: 'final',
				options: [
					{
						name: 'Once, When the Run Ends',
						value: 'final',
						description: 'One callback with the run status; results are read afterwards',
					},
					{
						name: 'For Every Batch of Results',
						value: 'all',
						description: 'One callback per page of results, then a final one',
					},
				],
				displayOptions: notWaiting ? { show: notWaiting } : undefined,
			},
			{
				displayName: 'Custom Data',
				name: 'customData',
				type: 'json',
				default: '{}',
				description:
					'Your own data attached to each input and sent back with its results, as a JSON object. The node adds "n8n_item" itself.',
			},
			{
				displayName: 'Identity IDs',
				name: 'identityIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 0b6f…, 7c21…',
				description:
					'Comma-separated uids of the LinkedIn identities to use (needed with identity mode Direct)',
			},
			{
				displayName: 'Identity Mode',
				name: 'identityMode',
				type: 'options',
				default: 'auto',
				options: [
					{
						name: 'Auto',
						value: 'auto',
						description: 'Any identity of your workspace',
					},
					{
						name: 'Direct',
						value: 'direct',
						description: 'Only the identities listed in Identity IDs',
					},
					{
						name: 'Managed',
						value: 'managed',
						description: "Edges' own pool of identities (costs 1.5× credits)",
					},
				],
			},
			{
				displayName: 'Max Results',
				name: 'maxResults',
				type: 'number',
				default: 100,
				typeOptions: { minValue: 1 },
				description:
					'Max number of results per input (each action has its own default and maximum)',
			},
			{
				displayName: 'Other Parameters',
				name: 'parameters',
				type: 'json',
				default: '{}',
				description:
					'Other action parameters as a JSON object, e.g. {"sections": true} or {"sync_mode": "incremental"}',
			},
		],
	};
}

export function getActionSlug(context: IExecuteFunctions, itemIndex: number): string {
	// Tool mode only: the model fills `toolAction` (./toolProperties.ts).
	const byModel = context.getNodeParameter('actionFrom', itemIndex, 'fixed') === 'model';
	const value = String(
		(byModel
			? context.getNodeParameter('toolAction', itemIndex, '')
			: context.getNodeParameter('action', itemIndex, '', { extractValue: true })) ?? '',
	);
	const slug = value.trim();
	if (!slug) {
		throw new InputError('No action is selected', {
			itemIndex,
			description: 'Pick an Edges action from the list, or type its slug.',
		});
	}
	// A slug typed By Slug is checked as typed, spaces included, as n8n's check of the field did; what an
	// expression or the list gives is trimmed, as before.
	const checked = !byModel && typedBySlug(context) ? value : slug;
	if (!SLUG.test(checked)) {
		// JSON quoting shows a stray space or line break, which would otherwise be invisible.
		throw new InputError(`${JSON.stringify(checked)} is not an Edges action slug`, {
			itemIndex,
			description:
				'Action slugs use lowercase letters, digits and dashes, e.g. linkedin-extract-people.',
		});
	}
	return slug;
}

function typedBySlug(context: IExecuteFunctions): boolean {
	const locator = context.getNode().parameters.action as
		| { mode?: unknown; value?: unknown }
		| undefined;
	return (
		locator?.mode === 'slug' && typeof locator.value === 'string' && !locator.value.startsWith('=')
	);
}

/** The input fields of one item, from the mapped fields or from the JSON parameter. */
export function readInputFields(context: IExecuteFunctions, itemIndex: number): InputFields {
	const source = context.getNodeParameter('inputSource', itemIndex, 'fields') as string;
	if (source === 'model') return readModelFields(context, itemIndex);
	if (source === 'json') {
		return parseJsonObject(
			context.getNodeParameter('inputJson', itemIndex, '{}'),
			`Input JSON of item ${itemIndex}`,
			itemIndex,
		);
	}
	const mapper = context.getNodeParameter('inputFields', itemIndex, {}) as {
		mappingMode?: string;
		value?: IDataObject | null;
	};
	if (mapper.mappingMode === 'autoMapInputData') {
		// Auto-map: the incoming item's fields are the input fields, as they are.
		return { ...context.getInputData()[itemIndex].json };
	}
	return isPlainObject(mapper.value) ? { ...mapper.value } : {};
}

/**
 * Input Fields From › From the Model (tool mode only): one `$fromAI` parameter per field of a catalog action,
 * or one JSON object when the action is not in the catalog or the model chooses it (../toolProperties.ts).
 */
function readModelFields(context: IExecuteFunctions, itemIndex: number): InputFields {
	const slug = getActionSlug(context, itemIndex);
	const entry = findAction(slug);
	// Shown (so present) only when the action is not a catalog slug, e.g. a $fromAI expression.
	const generic = context.getNodeParameter(TOOL_INPUT_JSON, itemIndex, null) as unknown;
	if (!entry || (generic !== null && generic !== undefined)) {
		const fields = parseJsonObject(generic, 'The input', itemIndex);
		// $fromAI's json type refuses an empty object, so the description asks for {"none": true} instead.
		delete fields.none;
		return fields;
	}
	const fields: InputFields = {};
	for (const field of entry.requiredFields) {
		const value = context.getNodeParameter(toolFieldParameter(field), itemIndex, '') as unknown;
		if (value !== '' && value !== null && value !== undefined) fields[field] = value;
	}
	return fields;
}

export interface RunOptions {
	parameters?: Record<string, unknown>;
	identity_mode?: IdentityMode;
	identity_ids?: string[];
	customData: Record<string, unknown>;
	callback?: CallbackConfig;
}

/** Reads the options collection, checking headers and the callback URL before any request. */
export async function readRunOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	withCallback: boolean,
): Promise<RunOptions> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const parameters = parseJsonObject(options.parameters, 'Other Parameters', itemIndex);
	if (
		options.maxResults !== undefined &&
		options.maxResults !== null &&
		options.maxResults !== ''
	) {
		parameters.max_results = Number(options.maxResults);
	}
	const identityIds = String(options.identityIds ?? '')
		.split(',')
		.map((id) => id.trim())
		.filter(Boolean);
	const identityMode = options.identityMode as IdentityMode | undefined;
	if (identityMode === 'direct' && identityIds.length === 0) {
		throw new InputError('Identity mode Direct needs at least one identity uid', {
			itemIndex,
			description:
				'Fill Identity IDs with the uids of your LinkedIn identities in Edges, or use Auto.',
		});
	}
	const result: RunOptions = {
		parameters: Object.keys(parameters).length ? parameters : undefined,
		identity_mode: identityMode,
		identity_ids: identityIds.length ? identityIds : undefined,
		customData: parseJsonObject(options.customData, 'Custom Data', itemIndex),
	};
	const headers = parseHeaders(options.callbackHeaders, itemIndex);
	const url = String(options.callbackUrl ?? '').trim();
	if (withCallback && url) {
		result.callback = {
			url: checkCallbackUrl(url, 'Callback URL', itemIndex),
			headers: await withTriggerSecret(context, url, headers),
			on: (options.callbackOn as 'all' | 'final' | undefined) ?? 'final',
		};
	} else if (withCallback && Object.keys(headers).length > 0) {
		throw new InputError('Callback Headers are set but there is no Callback URL', {
			itemIndex,
			description: 'Set the Callback URL the headers are meant for, or remove the headers.',
		});
	}
	return result;
}

/**
 * When the callback goes to an n8n webhook (most likely an Edges Trigger node), Edges must send back the
 * secret that trigger checks (`CALLBACK_SECRET_HEADER`, derived from the shared credential's API key), or the
 * trigger refuses the callback. Only n8n webhook URLs get it: any other URL belongs to someone else.
 */
export async function withTriggerSecret(
	context: IExecuteFunctions,
	url: string,
	headers: Record<string, string>,
): Promise<Record<string, string> | undefined> {
	const out = { ...headers };
	if (isN8nWebhookUrl(url)) {
		const credentials = await context.getCredentials<EdgesCredentialData>(EDGES_CREDENTIAL);
		out[CALLBACK_SECRET_HEADER] = deriveCallbackSecret(credentials.apiKey);
	}
	return Object.keys(out).length ? out : undefined;
}
