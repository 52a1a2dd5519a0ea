/**
 * Every shape Edges sends us, in one place, as zod schemas.
 *
 * The schemas check the fields the package relies on and let everything else through (`passthrough`):
 * Edges adds fields over time (its docs of different ages disagree, see docs/edges-api.md §2.2), and a field we do
 * not know about must reach the user's workflow, not break it. Fields whose presence differs between
 * crawls of the docs are optional.
 */
import { z } from 'zod';

export const RUN_STATUSES = [
	'CREATED',
	'INVALID',
	'QUEUED',
	'SCHEDULED',
	'BLOCKED',
	'STOPPED',
	'RUNNING',
	'FAILED',
	'PARTIAL_SUCCEEDED',
	'SUCCEEDED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which Edges does no more work on its own. BLOCKED is not terminal (it can be resumed). */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [
	'SUCCEEDED',
	'PARTIAL_SUCCEEDED',
	'FAILED',
];
/** Statuses in which a run waits for a person (resume, continue) or is over without success. */
export const HALTED_RUN_STATUSES: readonly RunStatus[] = ['BLOCKED', 'STOPPED', 'INVALID'];

/**
 * What the nodes ask of a run's status, in one place. Edges sends statuses as plain strings and may add
 * new ones: an unknown status is never finished, halted or failed, so a node keeps waiting or says the run
 * is not finished rather than reading outputs that are not final.
 */
export function isRunStatus(status: unknown): status is RunStatus {
	return (RUN_STATUSES as readonly unknown[]).includes(status);
}
/** SUCCEEDED, PARTIAL_SUCCEEDED or FAILED: Edges does no more work on it, its outputs are final. */
export function isFinishedRunStatus(status: unknown): boolean {
	return isRunStatus(status) && FINISHED_RUN_STATUSES.includes(status);
}
/** BLOCKED, STOPPED or INVALID: nothing more happens until somebody acts. */
export function isHaltedRunStatus(status: unknown): boolean {
	return isRunStatus(status) && HALTED_RUN_STATUSES.includes(status);
}
/** Finished or halted: the run does no more work on its own (a final callback is about such a run). */
export function hasRunStopped(status: unknown): boolean {
	return isFinishedRunStatus(status) || isHaltedRunStatus(status);
}
/** FAILED or halted: the run ended without the results it was started for. */
export function isUnsuccessfulRunStatus(status: unknown): boolean {
	return status === 'FAILED' || isHaltedRunStatus(status);
}

/** Statuses of one input of a run that did not produce its results. */
const FAILED_INPUT_STATUSES: readonly string[] = ['FAILED', 'BLOCKED'];
/** An input that failed or is blocked, or that carries an error. */
export function isFailedInput(input: {
	status?: string | null;
	last_error?: { has_failed?: boolean | null } | null;
}): boolean {
	if (input.status && FAILED_INPUT_STATUSES.includes(input.status)) return true;
	return input.last_error?.has_failed === true;
}

export const CALLBACK_DELIVERY_STATUSES = ['PENDING', 'RUNNING', 'FAILED', 'SUCCESS'] as const;
export type CallbackDeliveryStatus = (typeof CALLBACK_DELIVERY_STATUSES)[number];

export const SCHEDULE_STATUSES = ['ACTIVE', 'PAUSED', 'CANCELLED', 'COMPLETED'] as const;

/** Edges' standard error body (docs/edges-api.md §5). Every field is optional: 401/404/429 bodies are undocumented. */
export const errorBodySchema = z
	.object({
		error_label: z.string().optional(),
		error_scope: z.string().optional(),
		error_ref: z.string().optional(),
		message: z.string().optional(),
		status_code: z.number().optional(),
		params: z.record(z.unknown()).nullable().optional(),
	})
	.passthrough();
export type EdgesErrorBody = z.infer<typeof errorBodySchema>;

const nullableString = z.string().nullable().optional();

export const runSchema = z
	.object({
		uid: z.string(),
		id: z.number().optional(),
		action_name: z.string().nullable().optional(),
		status: z.string().nullable().optional(),
		execution_mode: z.string().nullable().optional(),
		output_count: z.number().nullable().optional(),
		retry_count: z.number().nullable().optional(),
		last_error: z
			.object({ label: z.string().optional(), message: z.string().optional() })
			.passthrough()
			.nullable()
			.optional(),
		parameters: z.record(z.unknown()).nullable().optional(),
		callback: z.object({ url: z.string().optional() }).passthrough().nullable().optional(),
		scheduled_run_uid: nullableString,
		workspace_uid: nullableString,
		started_at: nullableString,
		finished_at: nullableString,
		created_at: nullableString,
		updated_at: nullableString,
	})
	.passthrough();
export type Run = z.infer<typeof runSchema>;

export const runStatusSchema = z
	.object({
		uid: z.string(),
		status: z.string().nullable().optional(),
		postponed_until: nullableString,
		started_at: nullableString,
		finished_at: nullableString,
	})
	.passthrough();
export type RunStatusInfo = z.infer<typeof runStatusSchema>;

/** Answer to `POST /actions/{slug}/run/async`. Its `status` is lowercase (pending, running, ...). */
export const asyncRunCreatedSchema = z
	.object({
		run_uid: z.string(),
		run_id: z.number().optional(),
		workspace_uid: nullableString,
		action_name: nullableString,
		status: nullableString,
		created_at: nullableString,
	})
	.passthrough();
export type AsyncRunCreated = z.infer<typeof asyncRunCreatedSchema>;

/**
 * Answer to `POST /actions/{slug}/run/schedule`. The docs do not show the uid's key (docs/edges-api.md §7.3), so
 * any of the plausible keys is accepted and `scheduleUidOf` picks the one present.
 */
export const scheduleCreatedSchema = z
	.object({
		uid: z.string().optional(),
		scheduled_run_uid: z.string().optional(),
		schedule_uid: z.string().optional(),
		status: nullableString,
		cron: nullableString,
		timezone: nullableString,
		next_execution_at: nullableString,
		created_at: nullableString,
	})
	.passthrough()
	.refine((value) => Boolean(value.uid ?? value.scheduled_run_uid ?? value.schedule_uid), {
		message: 'the schedule has no uid (expected uid, scheduled_run_uid or schedule_uid)',
	});
export type ScheduleCreated = z.infer<typeof scheduleCreatedSchema>;

export function scheduleUidOf(created: ScheduleCreated): string {
	return (created.uid ?? created.scheduled_run_uid ?? created.schedule_uid) as string;
}

export const scheduleSchema = z
	.object({
		uid: z.string(),
		name: nullableString,
		status: nullableString,
		action_name: nullableString,
		cron: nullableString,
		timezone: nullableString,
		next_execution_at: nullableString,
		last_executed_at: nullableString,
		created_at: nullableString,
	})
	.passthrough();
export type Schedule = z.infer<typeof scheduleSchema>;

export const runInputSchema = z
	.object({
		uid: z.string(),
		status: z.string().nullable().optional(),
		input_data: z.record(z.unknown()).nullable().optional(),
		custom_data: z.record(z.unknown()).nullable().optional(),
		last_error: z.record(z.unknown()).nullable().optional(),
		output_count: z.number().nullable().optional(),
	})
	.passthrough();
export type RunInput = z.infer<typeof runInputSchema>;

/** A record of the callback history (`GET /runs/callbacks`), not the payload Edges POSTs. */
export const callbackRecordSchema = z
	.object({
		uid: z.string(),
		parent_uid: nullableString,
		run_uid: nullableString,
		batch_uid: nullableString,
		status: z.string(),
		retry_count: z.number().nullable().optional(),
		callback_url: nullableString,
		http_status: z.number().nullable().optional(),
		created_at: nullableString,
	})
	.passthrough();
export type CallbackRecord = z.infer<typeof callbackRecordSchema>;

export const workspaceSchema = z
	.object({
		uid: z.string(),
		name: z.string().nullable().optional(),
		credits_left: z.number().nullable().optional(),
		credits_used: z.number().nullable().optional(),
		credits_max: z.number().nullable().optional(),
		plan_name: nullableString,
	})
	.passthrough();
export type Workspace = z.infer<typeof workspaceSchema>;

export const consumptionSchema = z
	.object({
		credits_left: z.number().nullable().optional(),
		credits_used: z.number().nullable().optional(),
		credits_max: z.number().nullable().optional(),
		consumptions: z
			.array(
				z
					.object({ action_slug: z.string(), credits_used: z.number(), runs_count: z.number() })
					.passthrough(),
			)
			.optional(),
	})
	.passthrough();
export type Consumption = z.infer<typeof consumptionSchema>;

/**
 * The body Edges POSTs to `callback.url` (docs/edges-api.md §3). Only `run.run_uid` and `run.status` are
 * required: in final mode `batch_uid`, `input` and `custom_data` are undocumented (§7.9), and a
 * `callback_ref_uid` missing from the body may still arrive as the `X-Callback-Ref` header.
 */
export const callbackPayloadSchema = z
	.object({
		callback_ref_uid: z.string().min(1).optional(),
		run: z
			.object({
				run_uid: z.string().min(1),
				batch_uid: z.string().nullable().optional(),
				status: z.enum(RUN_STATUSES),
			})
			.passthrough(),
		input: z.record(z.unknown()).nullable().optional(),
		custom_data: z.record(z.unknown()).nullable().optional(),
		error: z.record(z.unknown()).nullable().optional(),
		results: z.array(z.unknown()).nullable().optional(),
	})
	.passthrough();
export type CallbackPayload = z.infer<typeof callbackPayloadSchema>;

/** Formats a zod error as one readable line: `run.status: Invalid enum value ...; results: Expected array`. */
export function describeZodError(error: z.ZodError): string {
	return error.issues
		.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
		.join('; ');
}
