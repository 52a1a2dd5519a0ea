import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type ResourceMapperFields,
} from 'n8n-workflow';

import { findAction, pairingNote, searchActions } from './actionCatalog';
import * as action from './actions/action';
import { resumeFromCallback } from './actions/action/wait';
import * as callback from './actions/callback';
import { router } from './actions/router';
import * as run from './actions/run';
import * as schedule from './actions/schedule';
import * as workspace from './actions/workspace';

/**
 * The resume webhook of Run Async › Wait for Completion: Edges' final callback POSTs to the execution's
 * resume URL and n8n runs `webhook()` below (`restartWebhook`). It is not a trigger: nothing is registered
 * at Edges, the URL is given with each run, so the node has no `webhookMethods` lifecycle.
 */
const RESUME_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		isFullPath: true,
	},
];

export class Edges implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edges',
		name: 'edges',
		icon: { light: 'file:../../icons/edges.svg', dark: 'file:../../icons/edges.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Run Edges actions (LinkedIn and web data) on your items, wait for their results, and manage runs',
		defaults: { name: 'Edges' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'edgesApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Action', value: 'action', description: 'Run an Edges action' },
					{
						name: 'Callback',
						value: 'callback',
						description: 'The history of callbacks Edges sent',
					},
					{ name: 'Run', value: 'run', description: 'Runs started in Edges' },
					{ name: 'Schedule', value: 'schedule', description: 'Scheduled runs' },
					{
						name: 'Workspace',
						value: 'workspace',
						description: 'Your Edges workspace and credits',
					},
				],
				default: 'action',
			},
			...action.description,
			...run.description,
			...callback.description,
			...schedule.description,
			...workspace.description,
		],
	};

	methods = {
		listSearch: {
			async searchActions(
				this: ILoadOptionsFunctions,
				filter?: string,
			): Promise<INodeListSearchResult> {
				return {
					results: searchActions(filter).map((entry) => ({
						name: `${entry.label} (${entry.slug})`,
						value: entry.slug,
						description: `${entry.description} (${pairingNote(entry)})`,
					})),
				};
			},
		},
		resourceMapping: {
			async getActionFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
				const slug = String(
					this.getCurrentNodeParameter('action', { extractValue: true }) ?? '',
				).trim();
				const entry = findAction(slug);
				if (!entry) {
					return {
						fields: [],
						emptyFieldsNotice: slug
							? `The node does not know the input fields of "${slug}". Choose JSON in "Input Fields From".`
							: 'Choose an action first.',
					};
				}
				const field = (id: string, required: boolean) => ({
					id,
					displayName: id,
					required,
					defaultMatch: false,
					display: true,
					type: 'string' as const,
					canBeUsedToMatch: false,
				});
				return {
					fields: [
						...entry.requiredFields.map((id) => field(id, true)),
						...entry.optionalFields.map((id) => field(id, false)),
					],
					emptyFieldsNotice: `${entry.label} takes no input fields.`,
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback(this);
	}
}
