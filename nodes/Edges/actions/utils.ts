/** Helpers shared by the operation modules: per-item loops, error items, Return All / Limit. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type IPairedItemData,
	type IWebhookFunctions,
	type NodeApiError,
} from 'n8n-workflow';

import { toNodeError } from '../../shared/nodeErrors';
import { fieldDescription } from '../actionCatalog';
import { toolErrorMessage } from '../../shared/toolMode';
import { UncertainStartError } from '../helpers/uncertainStart';
import { InputError } from '../helpers/validation';

/** The error each n8n error was made from, so tool mode can word it for a model (toolNodeError). */
const originals = new WeakMap<object, unknown>();

/** Maps our pre-request InputError to a NodeOperationError; everything else as the shared module does. */
export function nodeErrorFor(
	node: INode,
	error: unknown,
	itemIndex = 0,
): NodeOperationError | NodeApiError {
	const nodeError = nodeErrorOf(node, error, itemIndex);
	if (
		nodeError !== error &&
		typeof error === 'object' &&
		error !== null &&
		!originals.has(nodeError)
	)
		originals.set(nodeError, originals.get(error) ?? error);
	return nodeError;
}

function nodeErrorOf(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeOperationError | NodeApiError {
	if (error instanceof UncertainStartError) {
		// Edges' own error (status, label, reference) stays the details; what to do about it is ours.
		const nodeError = toNodeError(node, error.original, itemIndex);
		nodeError.message = error.message;
		nodeError.description = error.description;
		return nodeError;
	}
	if (error instanceof InputError) {
		return new NodeOperationError(node, error.message, {
			itemIndex: error.itemIndex ?? itemIndex,
			description: error.description,
		});
	}
	return toNodeError(node, error, error instanceof InputError ? error.itemIndex : itemIndex);
}

/**
 * The error a model gets in tool mode. n8n hands the model only the message of a tool's error (no
 * description, hint or details), so the message says it all: Edges' label, what happened without our
 * "METHOD /path" prefix, whether retrying helps, and what to do (../helpers/toolMode.ts).
 */
export function toolNodeError(node: INode, error: unknown, itemIndex = 0): NodeOperationError {
	const original =
		(typeof error === 'object' && error !== null ? originals.get(error) : undefined) ?? error;
	let message: string;
	if (original instanceof UncertainStartError) {
		message = `${toolErrorMessage(original.original)} ${original.message.replace(/\.?$/, '.')}`;
	} else if (original instanceof InputError) {
		message = toolInputMessage(original);
	} else {
		const described = original as { message?: unknown; description?: unknown };
		message = toolErrorMessage(original, {
			message: typeof described?.message === 'string' ? described.message : String(original),
			description: typeof described?.description === 'string' ? described.description : undefined,
		});
	}
	return new NodeOperationError(node, message, { itemIndex });
}

/** An input refused before anything was sent, worded for a model: which field, and what it holds. */
function toolInputMessage(error: InputError): string {
	const missing = /^Item \d+ has no (.+), which the action (\S+) needs$/.exec(error.message);
	if (missing) {
		const fields = [...missing[1].matchAll(/"([^"]+)"/g)].map((match) => match[1]);
		return `Edges error BAD_INPUT (nothing was sent): the input has no ${missing[1]}, which ${missing[2]} needs. Retrying will not help until it is given. ${fields.map((field) => `${field}: ${fieldDescription(field)}.`).join(' ')}`;
	}
	return `Edges error BAD_INPUT (nothing was sent): ${error.message.replace(/^Item \d+/, 'the input').replace(/\.?$/, '.')} Retrying will not help until it is fixed.${error.description ? ` ${error.description}` : ''}`;
}

/** An error item as n8n's own nodes make them under "continue on fail". */
export function errorItem(
	node: INode,
	error: unknown,
	pairedItem: IPairedItemData | IPairedItemData[],
	extra: IDataObject = {},
): INodeExecutionData {
	const nodeError = nodeErrorFor(node, error);
	const json: IDataObject = { error: nodeError.message, ...extra };
	if (error instanceof UncertainStartError && error.found) {
		json[error.found.kind === 'run' ? 'existing_run_uid' : 'existing_schedule_uid'] =
			error.found.uid;
	}
	if (nodeError.description) json.description = nodeError.description;
	const context = (nodeError as { context?: IDataObject }).context;
	if (context?.data && typeof context.data === 'object') json.details = context.data as IDataObject;
	return { json, pairedItem };
}

export function pairedTo(items: number[]): IPairedItemData | IPairedItemData[] {
	return items.length === 1 ? { item: items[0] } : items.map((item) => ({ item }));
}

/**
 * Runs `fn` once per item. Results are paired to their item; a failure becomes an error item under
 * "continue on fail", otherwise the node fails with the item index in the error.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	fn: (itemIndex: number) => Promise<object | object[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await fn(i);
			for (const json of Array.isArray(result) ? result : [result]) {
				out.push({ json: json as IDataObject, pairedItem: { item: i } });
			}
		} catch (error) {
			if (context.continueOnFail()) {
				out.push(errorItem(context.getNode(), error, { item: i }));
				continue;
			}
			throw nodeErrorFor(context.getNode(), error, i);
		}
	}
	return out;
}

/** "Return All" + "Limit" parameters, shown for the given operation. */
export function returnAllOrLimit(
	resource: string,
	operation: string,
	maxLimit?: number,
): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** How many results to collect: everything (bounded) or the limit. */
export function resultLimit(context: IExecuteFunctions, itemIndex: number): number {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return Number.MAX_SAFE_INTEGER;
	return context.getNodeParameter('limit', itemIndex, 50) as number;
}

/** Reads a required uid parameter and trims it; an empty one is an error before any request. */
export function requiredUid(
	context: IExecuteFunctions | IWebhookFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string {
	const value = String(
		(context as IExecuteFunctions).getNodeParameter(name, itemIndex, '') ?? '',
	).trim();
	if (!value) {
		throw new InputError(`${label} is empty`, {
			itemIndex,
			description: `Give the ${label} (a uid such as 3f2b…), or map it from an earlier node.`,
		});
	}
	return value;
}

export function toDataObject(value: unknown): IDataObject {
	if (value !== null && typeof value === 'object' && !Array.isArray(value))
		return value as IDataObject;
	return { result: value as IDataObject[keyof IDataObject] };
}
