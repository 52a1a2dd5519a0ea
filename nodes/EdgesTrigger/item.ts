/**
 * The item the Edges Trigger emits for a callback: the run as Edges confirmed it (GET /runs/{uid}) plus
 * what only the callback carries (input, custom_data, callback ref). `run_uid` is at the top level because
 * the Edges Run Outputs node reads `$json.run_uid` by default.
 */
import type { CallbackPayload, Run } from '../shared/client';

export interface CallbackMeta {
	ref: string;
	/** `X-Run-Callback`: new on every delivery attempt, useful to find the attempt in Edges' history. */
	deliveryId?: string;
	receivedAt: string;
}

export type TriggerItem = Record<string, unknown> & { run_uid: string; kind: 'run' | 'batch' };

/**
 * One item for one callback. `kind` is `run` for the end of a run and `batch` for a batch of a streaming
 * run (only emitted when the user asked for all callbacks). `status` is the CONFIRMED status; when the
 * callback claimed another one, `callback_status` differs and `status_mismatch` says so.
 */
export function buildItem(
	kind: 'run' | 'batch',
	payload: CallbackPayload,
	run: Run,
	meta: CallbackMeta,
): TriggerItem {
	const claimed = payload.run.status;
	const confirmed = run.status ?? claimed;
	const item: TriggerItem = {
		kind,
		run_uid: payload.run.run_uid,
		status: confirmed,
		callback_status: claimed,
		status_mismatch:
			confirmed === claimed
				? null
				: `The callback said ${claimed} but Edges reports the run as ${confirmed}; status is what Edges reports.`,
		action_name: run.action_name ?? null,
		output_count: run.output_count ?? null,
		custom_data: payload.custom_data ?? null,
		input: payload.input ?? null,
		error: payload.error ?? run.last_error ?? null,
		callback_ref: meta.ref,
		delivery_id: meta.deliveryId ?? null,
		batch_uid: payload.run.batch_uid ?? null,
		scheduled_run_uid: run.scheduled_run_uid ?? null,
		created_at: run.created_at ?? null,
		started_at: run.started_at ?? null,
		finished_at: run.finished_at ?? null,
		received_at: meta.receivedAt,
		// The run as Edges returned it, except callback headers: they hold the secret of this trigger.
		run: run.callback ? { ...run, callback: { url: run.callback.url } } : run,
	};
	if (kind === 'batch') item.results = payload.results ?? null;
	return item;
}

/**
 * Replaces every occurrence of the secret in the item. Belt and braces: Edges' answers are not supposed to
 * carry callback headers, but a field Edges adds one day (or a secret a user put in custom_data) must not
 * end up in execution data, which n8n keeps and shows.
 */
export function withoutSecret(item: TriggerItem, secret: string | undefined): TriggerItem {
	if (!secret) return item;
	const text = JSON.stringify(item);
	if (!text.includes(secret)) return item;
	return JSON.parse(text.split(secret).join('[redacted]')) as TriggerItem;
}
