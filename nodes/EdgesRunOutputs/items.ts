/**
 * The shapes of the items the Edges Run Outputs node emits, built from a RunReadReport. No n8n imports:
 * the node wraps these JSON objects into items with their pairing.
 */
import type { FailedInput, OutputResult, RunReadReport } from './readRun';

/** Field added to results (and the only field of a status item) when the run's results are not complete. */
export const MARK_FIELD = '_edges_run';

export interface RunSummary {
	run_uid: string;
	status: string | null;
	finished: boolean;
	complete: boolean;
	output_count: number | null;
	received_count: number;
	/** The run's `last_error` (label, message, params) as Edges gives it, when it has one. */
	last_error?: Record<string, unknown>;
	issue?: string;
	// An index signature keeps it assignable to n8n's IDataObject.
	[key: string]: unknown;
}

/**
 * The run uid to read: the parameter when set, else the incoming item's `run_uid` (Edges Trigger, Edges
 * node), `uid` (a run object) or `run.run_uid` (a raw callback payload).
 */
export function runUidOf(parameter: unknown, json: Record<string, unknown>): string | undefined {
	const fromParameter = typeof parameter === 'string' ? parameter.trim() : '';
	if (fromParameter) return fromParameter;
	const run = json.run as Record<string, unknown> | undefined;
	for (const candidate of [json.run_uid, json.uid, run?.run_uid]) {
		if (typeof candidate === 'string' && candidate.trim()) return candidate.trim();
	}
	return undefined;
}

export function summaryOf(report: RunReadReport): RunSummary {
	const summary: RunSummary = {
		run_uid: report.runUid,
		status: report.status,
		finished: report.finished,
		complete: report.complete,
		output_count: report.outputCount,
		received_count: report.received,
	};
	// Why a FAILED or BLOCKED run has no results, without a second node (Run › Get) to find out.
	if (report.run.last_error) summary.last_error = report.run.last_error;
	if (report.issue) summary.issue = report.issue;
	return summary;
}

/** "One item per run": the run's summary, its results and, when asked for, its failed inputs. */
export function runItemFor(
	report: RunReadReport,
	results: OutputResult[],
): Record<string, unknown> {
	const item: Record<string, unknown> = { ...summaryOf(report), results };
	if (report.failedInputs) item.failed_inputs = report.failedInputs;
	return item;
}

/** The one item that stands for a run that gave no results to mark (not finished, or nothing arrived). */
export function statusItemFor(report: RunReadReport): Record<string, unknown> {
	return { [MARK_FIELD]: summaryOf(report) };
}

/** Adds the run's summary to every result item from `from` on, so each one says what is missing. */
export function markResults(
	items: Array<{ json: Record<string, unknown> }>,
	from: number,
	report: RunReadReport,
): void {
	const summary = summaryOf(report);
	for (let i = from; i < items.length; i++) items[i].json[MARK_FIELD] = summary;
}

/** "One item per result": failed inputs follow the results, one item each, told apart by `failed_input`. */
export function failedInputItemsFor(
	report: RunReadReport,
): Array<{ run_uid: string; failed_input: FailedInput }> {
	return (report.failedInputs ?? []).map((failed_input) => ({
		run_uid: report.runUid,
		failed_input,
	}));
}
