/**
 * Parameters only the tool variant of the node shows (`@tool` display option: n8n's wrapped node type,
 * whose name ends in `Tool`), so the node outside an agent looks and behaves exactly as before.
 *
 * How n8n 2.41 builds what the model sees (n8n-core `createNodeAsTool`, n8n-workflow `NodeHelpers`):
 * - the tool's description is the node's `toolDescription` parameter, unless `descriptionType` is `auto`
 *   or it is empty. n8n adds its own `descriptionType` ("Set Automatically": "Run an action live in Edges")
 *   and `toolDescription` only when the node has no `toolDescription`; this node has one per catalog
 *   action, whose default is that action's description, so two Edges tools on one agent differ;
 * - the tool's input schema is made only of the `$fromAI(key, description, type)` calls found in the
 *   parameters, defaults included. The editor's "let the model decide" button writes an empty description,
 *   so Input Fields From › From the Model gives each catalog field a parameter whose default is a `$fromAI`
 *   call with the field's description from the catalog.
 * `$fromAI` has no enum type: where the model chooses the action, the slugs are listed in the descriptions
 * and an unknown slug comes back from Edges as an error naming the known ones.
 */
import type { INodeProperties } from 'n8n-workflow';

import {
	ACTION_CATALOG,
	actionChoiceDescription,
	fieldDescription,
	genericInputDescription,
	genericToolDescription,
	toolDescriptionFor,
} from '../../actionCatalog';
import {
	TOOL_DEFAULT_LIMIT,
	toolMaxBytesProperty,
	TOOL_DEFAULT_MAX_WAIT_MINUTES,
} from '../../../shared/toolMode';

const TOOL = { '@tool': [true] };
const ACTION_OPS = ['runLive', 'runAsync', 'schedule'];
const SLUGS = ACTION_CATALOG.map((entry) => entry.slug);

/** `$fromAI` inside a default, with the description quoted as n8n's editor quotes it. */
function fromAi(key: string, description: string, type: 'string' | 'json'): string {
	return `={{ $fromAI('${key}', \`${description.replace(/[`\\$]/g, '')}\`, '${type}') }}`;
}

/** The Description a model reads: one definition per catalog action, and one for any other case. */
function toolDescriptionProperties(): INodeProperties[] {
	const base = {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string' as const,
		typeOptions: { rows: 4 },
		description:
			"What the AI agent is told about this tool. It starts as the chosen action's description from the catalog; what you write here replaces it.",
	};
	const perAction = (operation: 'runLive' | 'runAsync'): INodeProperties[] =>
		ACTION_CATALOG.map((entry) => ({
			...base,
			default: toolDescriptionFor(entry, operation === 'runLive' ? 'live' : 'async'),
			displayOptions: {
				show: { ...TOOL, resource: ['action'], operation: [operation], action: [entry.slug] },
				hide: { actionFrom: ['model'] },
			},
		}));
	// Display options AND their conditions, so "the model chooses, or the action is not in the catalog" is
	// two definitions.
	const generic = (operation: 'runLive' | 'runAsync'): INodeProperties[] => [
		{
			...base,
			default: genericToolDescription(operation === 'runLive' ? 'live' : 'async'),
			displayOptions: {
				show: { ...TOOL, resource: ['action'], operation: [operation], actionFrom: ['model'] },
			},
		},
		{
			...base,
			default: genericToolDescription(operation === 'runLive' ? 'live' : 'async'),
			displayOptions: {
				show: { ...TOOL, resource: ['action'], operation: [operation], actionFrom: ['fixed'] },
				hide: { action: SLUGS },
			},
		},
	];
	return [
		...perAction('runLive'),
		...perAction('runAsync'),
		...generic('runLive'),
		...generic('runAsync'),
		{
			...base,
			default: '',
			description:
				'What the AI agent is told about this tool. Leave it empty to let n8n describe it from the resource and operation.',
			displayOptions: { show: TOOL, hide: { operation: ['runLive', 'runAsync'] } },
		},
	];
}

/**
 * Who picks the action: the node (one tool per action, the recommended way: each tool then has its own
 * description) or the model, from the catalog. The editor's "let the model decide" on Action would give the
 * model a bare "Action" string; this gives it a described `action` field listing the slugs.
 */
export const toolActionFrom: INodeProperties[] = [
	{
		displayName: 'Action Chosen By',
		name: 'actionFrom',
		type: 'options',
		default: 'fixed',
		displayOptions: { show: { ...TOOL, resource: ['action'], operation: ACTION_OPS } },
		options: [
			{
				name: 'This Node',
				value: 'fixed',
				description: 'The action below; the tool is described as that action (recommended)',
			},
			{
				name: 'The Model',
				value: 'model',
				description: 'The model picks an action of the catalog at each call',
			},
		],
	},
	{
		displayName: 'Action',
		name: 'toolAction',
		type: 'string',
		default: fromAi('action', actionChoiceDescription(), 'string'),
		description: 'The action slug, filled by the model from the catalog',
		displayOptions: {
			show: { ...TOOL, resource: ['action'], operation: ACTION_OPS, actionFrom: ['model'] },
		},
	},
];

/** Where a tool call's input fields come from: From the Model (the default in tool mode) or as outside. */
export const toolInputSource: INodeProperties = {
	displayName: 'Input Fields From',
	name: 'inputSource',
	type: 'options',
	default: 'model',
	displayOptions: { show: { ...TOOL, resource: ['action'], operation: ACTION_OPS } },
	options: [
		{
			name: 'From the Model',
			value: 'model',
			description:
				"The model fills the action's input fields; each has a description from the action catalog",
		},
		{
			name: 'Mapped Fields',
			value: 'fields',
			description: 'Map each input field of the action below',
		},
		{
			name: 'JSON',
			value: 'json',
			description: 'Give all input fields as one JSON object',
		},
	],
};

/** The parameter holding one catalog field in From the Model, e.g. `toolInput_linkedin_profile_url`. */
export function toolFieldParameter(field: string): string {
	return `toolInput_${field}`;
}

export const TOOL_INPUT_JSON = 'toolInputJson';

function toolInputProperties(): INodeProperties[] {
	const fields = [...new Set(ACTION_CATALOG.flatMap((entry) => entry.requiredFields))];
	const model = { ...TOOL, resource: ['action'], operation: ACTION_OPS, inputSource: ['model'] };
	return [
		...fields.map(
			(field): INodeProperties => ({
				displayName: field,
				name: toolFieldParameter(field),
				type: 'string',
				default: fromAi(field, fieldDescription(field), 'string'),
				description: `${fieldDescription(field)}. Filled by the model unless you replace the expression.`,
				displayOptions: {
					show: {
						...model,
						action: ACTION_CATALOG.filter((entry) => entry.requiredFields.includes(field)).map(
							(entry) => entry.slug,
						),
					},
					hide: { actionFrom: ['model'] },
				},
			}),
		),
		...[
			{ show: { ...model, actionFrom: ['model'] } },
			{ show: { ...model, actionFrom: ['fixed'] }, hide: { action: SLUGS } },
		].map(
			(displayOptions): INodeProperties => ({
				displayName: 'Input',
				name: TOOL_INPUT_JSON,
				type: 'json',
				default: fromAi('input', genericInputDescription(), 'json'),
				description:
					'The input fields as a JSON object, filled by the model, for an action the model chooses or the catalog does not know',
				displayOptions,
			}),
		),
	];
}

/** Limit, Output and Max Result Size of Run Live in tool mode. */
function toolResultProperties(): INodeProperties[] {
	const show = { ...TOOL, resource: ['action'], operation: ['runLive'] };
	return [
		{
			// Not `limit`: n8n's lint wants 50 as the default of every `limit`, too many for a model.
			displayName: 'Limit',
			name: 'toolLimit',
			type: 'number',
			default: TOOL_DEFAULT_LIMIT,
			typeOptions: { minValue: 1 },
			description: 'Max number of results to return',
			displayOptions: { show },
		},
		{
			displayName: 'Output',
			name: 'toolOutput',
			type: 'options',
			default: 'compact',
			displayOptions: { show },
			options: [
				{
					name: 'Compact',
					value: 'compact',
					description:
						'The fields an agent reasons with (for a profile: ID, name, headline, location, current job, URL)',
				},
				{ name: 'Full', value: 'full', description: 'Every field Edges returns' },
			],
		},
		toolMaxBytesProperty({ show }),
	];
}

/** Maximum Wait of Run Async in tool mode: minutes, since a chat is waiting. */
function toolWaitProperties(): INodeProperties[] {
	const show = {
		...TOOL,
		resource: ['action'],
		operation: ['runAsync'],
		waitForCompletion: [true],
	};
	return [
		{
			displayName: 'Maximum Wait',
			name: 'maxWait',
			type: 'number',
			default: TOOL_DEFAULT_MAX_WAIT_MINUTES,
			typeOptions: { minValue: 0 },
			description:
				'How long the agent waits at most. If the run has not ended by then, the tool answers with its run_uid and tells the model to read it later with the Edges Run Outputs tool.',
			displayOptions: { show },
		},
		{
			displayName: 'Maximum Wait Unit',
			name: 'maxWaitUnit',
			type: 'options',
			default: 'minutes',
			options: [
				{ name: 'Minutes', value: 'minutes' },
				{ name: 'Hours', value: 'hours' },
				{ name: 'Days', value: 'days' },
			],
			displayOptions: { show },
		},
	];
}

export function toolProperties(): INodeProperties[] {
	return [
		...toolDescriptionProperties(),
		...toolActionFrom,
		toolInputSource,
		...toolInputProperties(),
		...toolResultProperties(),
		...toolWaitProperties(),
	];
}

/** Display options that keep a property out of the tool variant (where a tool property replaces it). */
export const NOT_TOOL = { '@tool': [true] };
