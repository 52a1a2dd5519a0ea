/**
 * Action › Schedule: all incoming items (at most 100, Edges' limit for schedules) become the inputs of one
 * scheduled run, repeated by a cron expression or run once at a date. Output: the schedule, paired to all items.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { scheduleUidOf, type ScheduleCreated } from '../../../shared/client';
import { edgesClientFor } from '../../../shared/transport';
import { startFailure } from '../../helpers/uncertainStart';
import {
	InputError,
	MAX_SCHEDULE_INPUTS,
	buildInput,
	checkCron,
	parseJsonObject,
} from '../../helpers/validation';
import { errorItem, nodeErrorFor, pairedTo } from '../utils';
import { getActionSlug, readInputFields, readRunOptions, runOptions } from './shared';

const show = { resource: ['action'], operation: ['schedule'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Cron Expression',
		name: 'cron',
		type: 'string',
		default: '',
		placeholder: 'e.g. 0 9 * * 1-5',
		description:
			'When to repeat the run: 5 fields (minute hour day-of-month month day-of-week). Leave empty to run once, at Start At.',
		displayOptions: { show },
	},
	{
		displayName: 'Timezone',
		name: 'timezone',
		type: 'string',
		default: 'UTC',
		placeholder: 'e.g. Europe/Paris',
		description: 'Time zone of the cron expression (IANA name)',
		displayOptions: { show },
	},
	{
		displayName: 'Start At',
		name: 'scheduleAt',
		type: 'dateTime',
		default: '',
		description: 'When the one-off run, or the first run, happens. Empty means now.',
		displayOptions: { show },
	},
	{
		displayName: 'Schedule Name',
		name: 'scheduleName',
		type: 'string',
		default: '',
		description: 'A name to find the schedule by in Edges',
		displayOptions: { show },
	},
	runOptions('schedule'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const allItems = items.map((_, i) => i);
	try {
		if (items.length > MAX_SCHEDULE_INPUTS) {
			throw new InputError(
				`A schedule takes at most ${MAX_SCHEDULE_INPUTS} inputs and this node received ${items.length} items`,
				{
					description:
						'Edges limits scheduled runs to 100 inputs. Split the items (Loop Over Items with a batch size of 100) or use Run Async.',
				},
			);
		}
		const slug = getActionSlug(this, 0);
		const cronText = String(this.getNodeParameter('cron', 0, '') ?? '').trim();
		const cron = cronText ? checkCron(cronText) : undefined;
		const timezone = String(this.getNodeParameter('timezone', 0, '') ?? '').trim() || undefined;
		const scheduleAtText = String(this.getNodeParameter('scheduleAt', 0, '') ?? '').trim();
		let scheduleAt: string | undefined;
		if (scheduleAtText) {
			const date = new Date(scheduleAtText);
			if (Number.isNaN(date.getTime())) {
				throw new InputError(`Start At "${scheduleAtText}" is not a date`, {
					description: 'Give a date and time such as 2030-01-31T09:00:00Z.',
				});
			}
			scheduleAt = date.toISOString();
		}
		const name = String(this.getNodeParameter('scheduleName', 0, '') ?? '').trim() || undefined;
		const options = await readRunOptions(this, 0, true);
		const inputs = items.map((_, i) => {
			const itemOptions = this.getNodeParameter('options', i, {}) as IDataObject;
			return buildInput({
				slug,
				fields: readInputFields(this, i),
				customData: parseJsonObject(itemOptions.customData, 'Custom Data', i),
				itemIndex: i,
			});
		});
		const client = await edgesClientFor(this);
		const sentAt = Date.now();
		let created: ScheduleCreated;
		try {
			created = await client.scheduleRun(slug, {
				inputs,
				parameters: options.parameters,
				identity_mode: options.identity_mode,
				identity_ids: options.identity_ids,
				callback: options.callback,
				cron,
				timezone,
				schedule_at: scheduleAt,
				name,
			});
		} catch (error) {
			throw await startFailure(
				client,
				{ mode: 'schedule', slug, sentAt, cron, timezone, name },
				error,
			);
		}
		return [
			{
				json: { ...created, schedule_uid: scheduleUidOf(created), input_count: inputs.length },
				pairedItem: pairedTo(allItems),
			},
		];
	} catch (error) {
		if (this.continueOnFail()) return [errorItem(node, error, pairedTo(allItems))];
		throw nodeErrorFor(node, error, (error as InputError).itemIndex ?? 0);
	}
}
