// Why this file exists: every error the simulator answers must be in Edges' error format
// ({error_label, error_scope, error_ref, message, status_code, params}, docs/edges-api.md §5); this is the one
// place that builds it, so no route can answer an error in another shape.

import type { EdgesErrorBody } from './types';

/** Thrown by route handlers; the server turns it into an answer in Edges' error format. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly label: string,
		message: string,
		readonly params: Record<string, unknown> = {},
		readonly scope: string = 'request',
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export function errorBody(
	status: number,
	label: string,
	message: string,
	ref: string,
	params: Record<string, unknown> = {},
	scope = 'request',
): EdgesErrorBody {
	return {
		error_label: label,
		error_scope: scope,
		error_ref: ref,
		message,
		status_code: status,
		params,
	};
}

// Helpers named after the statuses the docs show, with the labels of the docs' error table.
export const badParameters = (message: string, params: Record<string, unknown> = {}) =>
	new ApiError(400, 'BAD_PARAMETERS', message, params);
export const badInput = (message: string, params: Record<string, unknown> = {}) =>
	new ApiError(400, 'BAD_INPUT', message, params, 'input');
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);
/** 422 for a state change the resource's current state does not allow (label chosen, docs silent). */
export const unprocessable = (
	label: string,
	message: string,
	params: Record<string, unknown> = {},
) => new ApiError(422, label, message, params);

/** Default label of an injected status fault. */
export function labelForStatus(status: number): string {
	if (status === 429) return 'STATUS_429';
	if (status >= 500) return 'INTERNAL_ERROR';
	if (status === 401) return 'UNAUTHORIZED';
	if (status === 404) return 'NOT_FOUND';
	return `STATUS_${status}`;
}
