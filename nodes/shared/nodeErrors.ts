/** Turns the client's typed errors into the errors n8n shows, with the item they belong to. */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { EdgesApiError, EdgesNetworkError, EdgesResponseError } from './client';
import { TooManyResultsForMemoryError } from './outputsInMemory';

export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex = 0,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof EdgesApiError) {
		const details: JsonObject = {
			status: error.status,
			error_label: error.label ?? null,
			error_ref: error.ref ?? null,
			message: error.message,
			params: (error.params ?? null) as JsonObject | null,
		};
		const description = [
			error.label ? `Edges error label: ${error.label}.` : undefined,
			error.hint,
			error.ref ? `Edges error reference: ${error.ref} (give it to Edges support).` : undefined,
		]
			.filter(Boolean)
			.join(' ');
		return new NodeApiError(node, details, {
			message: error.message,
			description: description || undefined,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof EdgesNetworkError) {
		return new NodeApiError(
			node,
			{ message: error.message, code: error.code ?? null },
			{
				message: error.message,
				description: error.mayHaveReachedServer
					? 'The request may have reached Edges. A request that changes something is not repeated automatically: check in Edges whether it took effect before trying again.'
					: 'Check the Base URL of the Edges credential and the network or proxy between n8n and Edges.',
				itemIndex,
			},
		);
	}
	if (error instanceof EdgesResponseError) {
		return new NodeApiError(
			node,
			{ message: error.message, status: error.status },
			{ message: error.message, itemIndex },
		);
	}
	if (error instanceof TooManyResultsForMemoryError) {
		return new NodeOperationError(node, error.message, { description: error.wayOut, itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
