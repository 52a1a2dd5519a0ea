/**
 * The Edges schedule a trigger can own (docs/edges-api.md §2.1 schedule mode, §2.4): its request, and the
 * fingerprint that tells `checkExists` whether the schedule in Edges still matches the node's settings.
 */
import { createHash } from 'crypto';

import type { ActionInput, ScheduleRunRequest } from '../shared/client';

export interface ScheduleSettings {
	action: string;
	inputs: ActionInput[];
	parameters?: Record<string, unknown>;
	cron: string;
	timezone: string;
	scheduleAt?: string;
	name?: string;
}

/** Edges' limit for the inputs of a schedule (docs/edges-api.md §2.1). */
export const MAX_SCHEDULE_INPUTS = 100;

export type SettingsReading =
	| { ok: true; settings: ScheduleSettings }
	| { ok: false; message: string };

/** Checks the node's schedule fields, so that a mistake is reported at activation in plain words. */
export function readScheduleSettings(raw: {
	action: string;
	inputs: unknown;
	parameters: unknown;
	cron: string;
	timezone: string;
	scheduleAt?: string;
	name?: string;
}): SettingsReading {
	const action = raw.action.trim();
	if (!/^[a-z0-9][a-z0-9-]*$/.test(action)) {
		return {
			ok: false,
			message: `"${raw.action}" is not an Edges action slug (lowercase letters, digits and dashes, e.g. linkedin-extract-people).`,
		};
	}
	const inputs = parseJsonField(raw.inputs, 'Inputs');
	if (!inputs.ok) return inputs;
	if (
		!Array.isArray(inputs.value) ||
		inputs.value.length === 0 ||
		inputs.value.some((item) => item === null || typeof item !== 'object' || Array.isArray(item))
	) {
		return {
			ok: false,
			message:
				'Inputs must be a JSON array of 1 to 100 objects, e.g. [{"linkedin_profile_url": "https://www.linkedin.com/in/someone"}].',
		};
	}
	if (inputs.value.length > MAX_SCHEDULE_INPUTS) {
		return {
			ok: false,
			message: `Edges accepts at most ${MAX_SCHEDULE_INPUTS} inputs per schedule; got ${inputs.value.length}.`,
		};
	}
	const parameters = parseJsonField(raw.parameters, 'Parameters');
	if (!parameters.ok) return parameters;
	if (
		parameters.value !== undefined &&
		(parameters.value === null ||
			typeof parameters.value !== 'object' ||
			Array.isArray(parameters.value))
	) {
		return { ok: false, message: 'Parameters must be a JSON object, e.g. {"max_results": 100}.' };
	}
	const cron = raw.cron.trim();
	if (cron.split(/\s+/).length !== 5) {
		return {
			ok: false,
			message: `"${raw.cron}" is not a 5-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 8 * * 1" for Mondays at 08:00).`,
		};
	}
	return {
		ok: true,
		settings: {
			action,
			inputs: inputs.value as ActionInput[],
			parameters: parameters.value as Record<string, unknown> | undefined,
			cron,
			timezone: raw.timezone.trim() || 'UTC',
			scheduleAt: raw.scheduleAt?.trim() || undefined,
			name: raw.name?.trim() || undefined,
		},
	};
}

function parseJsonField(
	value: unknown,
	label: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
	if (value === undefined || value === null || value === '') return { ok: true, value: undefined };
	if (typeof value !== 'string') return { ok: true, value };
	try {
		return { ok: true, value: JSON.parse(value) as unknown };
	} catch (error) {
		return {
			ok: false,
			message: `${label} is not valid JSON (${error instanceof Error ? error.message : 'unparseable'}).`,
		};
	}
}

/** The body of `POST /actions/{slug}/run/schedule`, with this trigger's URL as the final-mode callback. */
export function scheduleRequest(
	settings: ScheduleSettings,
	callback: { url: string; headers: Record<string, string> },
): ScheduleRunRequest {
	const request: ScheduleRunRequest = {
		inputs: settings.inputs,
		cron: settings.cron,
		timezone: settings.timezone,
		callback: { url: callback.url, headers: callback.headers, on: 'final' },
	};
	if (settings.parameters) request.parameters = settings.parameters;
	if (settings.scheduleAt) request.schedule_at = settings.scheduleAt;
	if (settings.name) request.name = settings.name;
	return request;
}

/**
 * A hash of everything the schedule was created with: its settings, the callback URL and the callback
 * headers (so a changed secret means a new schedule). Stored in static data instead of the settings
 * themselves, because static data is kept in plain text in n8n's database and the headers hold the secret.
 */
export function scheduleFingerprint(
	settings: ScheduleSettings,
	callback: { url: string; headers: Record<string, string> },
): string {
	return createHash('sha256')
		.update(JSON.stringify({ settings, url: callback.url, headers: callback.headers }))
		.digest('hex');
}

/** A schedule that will not call us again: cancelled, or a one-shot that has run. */
export function scheduleIsOver(status: string | null | undefined): boolean {
	return status === 'CANCELLED' || status === 'COMPLETED';
}
