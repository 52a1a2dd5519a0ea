import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { EdgesApiError, scheduleUidOf } from '../shared/client';
import { toNodeError } from '../shared/nodeErrors';
import { DEFAULT_MAX_RESULTS_IN_MEMORY } from '../shared/outputsInMemory';
import { EDGES_CREDENTIAL, edgesClientFor, loadEdgesCredentials } from '../shared/transport';
import {
	AUTHENTICATION,
	authenticationProperties,
	checkAuthentication,
	expectedSecret,
	testCallbackSecretCredential,
} from './authentication';
import { DEFAULT_EMITTED_STATUSES, EMITTABLE_STATUSES } from './callback';
import { mergedSeen, type TriggerState } from './dedupe';
import { handleCallback, TriggerMemory } from './handler';
import {
	readScheduleSettings,
	scheduleFingerprint,
	scheduleIsOver,
	scheduleRequest,
	type ScheduleSettings,
} from './schedule';

export class EdgesTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edges Trigger',
		name: 'edgesTrigger',
		icon: {
			light: 'file:../../icons/edgesTrigger.svg',
			dark: 'file:../../icons/edgesTrigger.dark.svg',
		},
		group: ['trigger'],
		// Version 2 no longer offers a secret typed into the node (see authentication.ts).
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{$parameter["ownSchedule"] ? "Schedule: " + $parameter["cron"] : "On finished runs"}}',
		description: 'Starts the workflow when an Edges run ends (final-mode callbacks)',
		defaults: { name: 'Edges Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: EDGES_CREDENTIAL, required: true },
			// Names written out: n8n's lint reads them from the source to check each credential is tested.
			{
				name: 'edgesCallbackSecretApi',
				required: true,
				displayOptions: { show: { authentication: [AUTHENTICATION.credential] } },
				testedBy: 'edgesCallbackSecretApi',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'edges',
			},
		],
		properties: [
			{
				displayName:
					'Use this node\'s Production URL as the callback URL of your Edges runs, with "on": "final". The Edges node does this for you when you pick this trigger as its callback. One item is emitted per finished run.',
				name: 'usageNotice',
				type: 'notice',
				default: '',
			},
			...authenticationProperties,
			{
				displayName:
					'Without authentication, anyone who learns this URL can send a made-up callback. The trigger still checks every run with Edges, so only runs of your workspace get through, but their status, input and custom data come from the caller.',
				name: 'noAuthNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: [AUTHENTICATION.none] } },
			},
			{
				displayName: 'Run Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: EMITTABLE_STATUSES.map((status) => ({
					name: statusLabel(status),
					value: status,
				})),
				default: [...DEFAULT_EMITTED_STATUSES],
				description:
					'Emit a run only when Edges reports one of these statuses for it. BLOCKED and STOPPED runs can still be resumed.',
			},
			{
				displayName: 'Attach Outputs',
				name: 'attachOutputs',
				type: 'boolean',
				default: false,
				description:
					'Whether to add all outputs of the run (every page) to the item as "outputs". Edges is answered first, so a long listing does not delay the callback.',
			},
			{
				displayName: 'Max Outputs to Attach',
				name: 'maxOutputsToAttach',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_MAX_RESULTS_IN_MEMORY,
				displayOptions: { show: { attachOutputs: [true] } },
				description:
					'A run with more outputs than this is emitted without them (with the reason in "outputs_error") instead of being read into memory: 100,000 outputs of 1 KB take about 500 MB. 0 turns the check off.',
			},
			{
				displayName: 'Create Edges Schedule',
				name: 'ownSchedule',
				type: 'boolean',
				default: false,
				description:
					'Whether this trigger creates an Edges schedule when the workflow is activated, with its own URL as callback, and cancels it when the workflow is deactivated',
			},
			{
				displayName: 'Action',
				name: 'scheduleAction',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'linkedin-extract-people',
				displayOptions: { show: { ownSchedule: [true] } },
				description: 'Slug of the Edges action the schedule runs',
			},
			{
				displayName: 'Inputs',
				name: 'scheduleInputs',
				type: 'json',
				required: true,
				default: '[{"linkedin_profile_url": "https://www.linkedin.com/in/someone"}]',
				displayOptions: { show: { ownSchedule: [true] } },
				description: 'JSON array of 1 to 100 inputs of the action; each may carry custom_data',
			},
			{
				displayName: 'Cron',
				name: 'cron',
				type: 'string',
				required: true,
				default: '0 8 * * 1',
				displayOptions: { show: { ownSchedule: [true] } },
				description:
					'When the schedule runs, as a 5-field cron expression (default: Mondays at 08:00)',
			},
			{
				displayName: 'Timezone',
				name: 'timezone',
				type: 'string',
				default: 'UTC',
				placeholder: 'Europe/Paris',
				displayOptions: { show: { ownSchedule: [true] } },
				description: 'IANA time zone of the cron expression',
			},
			{
				displayName: 'Schedule Options',
				name: 'scheduleOptions',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { ownSchedule: [true] } },
				options: [
					{
						displayName: 'First Run At',
						name: 'scheduleAt',
						type: 'dateTime',
						default: '',
						description:
							'When the first run happens (sent as schedule_at). Empty: Edges decides; its docs say a schedule without one starts now.',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Name of the schedule in Edges',
					},
					{
						displayName: 'Parameters',
						name: 'parameters',
						type: 'json',
						default: '{}',
						description: 'The action\'s parameters, e.g. {"max_results": 100}',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Callbacks to Emit',
						name: 'callbacks',
						type: 'options',
						options: [
							{
								name: 'Finished Runs Only',
								value: 'final',
								description:
									'One item per finished run. Batch callbacks of runs started with "on": "all" are acknowledged and ignored.',
							},
							{
								name: 'All Callbacks',
								value: 'all',
								description:
									'Also emit each batch of runs started with "on": "all", as an item of kind "batch" with its results',
							},
						],
						default: 'final',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { edgesCallbackSecretApi: testCallbackSecretCredential },
	};

	/**
	 * Activation: what the trigger keeps lives in the workflow's static data (see dedupe.ts). `create`
	 * records the URL it was activated with and, in schedule mode, creates the Edges schedule; `checkExists`
	 * (run at every activation and every n8n start) says whether both still hold; `delete` cancels the
	 * schedule and clears the activation. The refs of processed callbacks are kept on purpose: n8n runs
	 * delete + create when an active workflow is republished, and a delivery Edges retries across that must
	 * still be recognised.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await checkAuthentication(this);
				const state = this.getWorkflowStaticData('node') as TriggerState;
				const url = webhookUrlOf(this);
				if (!state.activation || state.activation.webhookUrl !== url) return false;
				const wanted = await wantedSchedule(this, url);
				if (!wanted) return state.schedule === undefined;
				if (!state.schedule || state.schedule.fingerprint !== wanted.fingerprint) return false;
				return await ownedScheduleIsLive(this, state);
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				const url = webhookUrlOf(this);
				const wanted = await wantedSchedule(this, url);
				if (state.schedule) {
					const reusable =
						wanted !== undefined &&
						state.schedule.fingerprint === wanted.fingerprint &&
						(await ownedScheduleIsLive(this, state));
					if (!reusable) await cancelOwnedSchedule(this, state);
				}
				if (wanted && !state.schedule) {
					const client = await edgesClientFor(this);
					try {
						const created = await client.scheduleRun(
							wanted.settings.action,
							scheduleRequest(wanted.settings, wanted.callback),
						);
						state.schedule = {
							uid: scheduleUidOf(created),
							fingerprint: wanted.fingerprint,
							createdAt: new Date().toISOString(),
						};
					} catch (error) {
						throw toNodeError(this.getNode(), error);
					}
				}
				state.activation = { webhookUrl: url, activatedAt: new Date().toISOString() };
				state.seen = mergedSeen(state.seen, []);
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				if (state.schedule) await cancelOwnedSchedule(this, state);
				delete state.activation;
				return true;
			},
		},
	};

	webhook: (this: IWebhookFunctions) => Promise<IWebhookResponseData>;

	constructor() {
		// One memory per instance of the node type: n8n creates one per process, so this is the process-wide
		// memory of callbacks being processed and recently processed (see dedupe.ts).
		const memory = new TriggerMemory();
		this.webhook = async function (this: IWebhookFunctions) {
			return await handleCallback(this, memory);
		};
	}
}

function statusLabel(status: string): string {
	return status
		.split('_')
		.map((word) => word.charAt(0) + word.slice(1).toLowerCase())
		.join(' ');
}

function webhookUrlOf(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

/** The secret header the trigger expects, as the schedule must send it; empty without authentication. */
async function callbackHeaders(context: IHookFunctions): Promise<Record<string, string>> {
	const expected = await expectedSecret(context, async () => await loadEdgesCredentials(context));
	return expected ? { [expected.header]: expected.secret } : {};
}

interface WantedSchedule {
	settings: ScheduleSettings;
	callback: { url: string; headers: Record<string, string> };
	fingerprint: string;
}

/** The schedule the node's settings ask for, or undefined when the trigger owns none. */
async function wantedSchedule(
	context: IHookFunctions,
	url: string,
): Promise<WantedSchedule | undefined> {
	if (!(context.getNodeParameter('ownSchedule', false) as boolean)) return undefined;
	const options = context.getNodeParameter('scheduleOptions', {}) as IDataObject;
	const reading = readScheduleSettings({
		action: context.getNodeParameter('scheduleAction', '') as string,
		inputs: context.getNodeParameter('scheduleInputs', '[]'),
		parameters: options.parameters,
		cron: context.getNodeParameter('cron', '') as string,
		timezone: context.getNodeParameter('timezone', 'UTC') as string,
		scheduleAt: options.scheduleAt as string | undefined,
		name: options.name as string | undefined,
	});
	if (!reading.ok) throw new NodeOperationError(context.getNode(), reading.message);
	const callback = { url, headers: await callbackHeaders(context) };
	return {
		settings: reading.settings,
		callback,
		fingerprint: scheduleFingerprint(reading.settings, callback),
	};
}

/** Asks Edges whether the owned schedule still exists and will run; forgets it when not. */
async function ownedScheduleIsLive(context: IHookFunctions, state: TriggerState): Promise<boolean> {
	const owned = state.schedule;
	if (!owned) return false;
	const client = await edgesClientFor(context);
	try {
		const schedule = await client.getSchedule(owned.uid);
		if (!scheduleIsOver(schedule.status)) return true;
		context.logger.info(`Edges schedule ${owned.uid} is ${schedule.status}; a new one is needed`);
	} catch (error) {
		if (!(error instanceof EdgesApiError && error.status === 404)) {
			throw toNodeError(context.getNode(), error);
		}
		context.logger.info(`Edges schedule ${owned.uid} no longer exists; a new one is needed`);
	}
	delete state.schedule;
	return false;
}

/**
 * Cancels the owned schedule. One that Edges no longer knows is fine; any other failure is reported and
 * the schedule is kept in static data, because a schedule forgotten while still active would go on
 * starting runs (and spending credits) with nobody to cancel it.
 */
async function cancelOwnedSchedule(context: IHookFunctions, state: TriggerState): Promise<void> {
	const owned = state.schedule;
	if (!owned) return;
	const client = await edgesClientFor(context);
	try {
		await client.changeSchedule(owned.uid, 'cancel');
	} catch (error) {
		if (!(error instanceof EdgesApiError && error.status === 404)) {
			const nodeError = toNodeError(context.getNode(), error);
			nodeError.description =
				`Could not cancel Edges schedule ${owned.uid}; it may still start runs. Cancel it at app.edges.run, or activate and deactivate the workflow again. ${nodeError.description ?? ''}`.trim();
			throw nodeError;
		}
		context.logger.info(`Edges schedule ${owned.uid} was already gone`);
	}
	delete state.schedule;
}
