import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	FilestackApiError,
	FilestackNetworkError,
	FilestackUnknownOutcomeError,
} from '../sdk/errors';

/** Filestack's answers become NodeApiErrors, everything else NodeOperationErrors; both name the item. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof FilestackApiError) {
		return new NodeApiError(node, { message: error.message, detail: error.detail } as JsonObject, {
			message: `${error.message} [item ${itemIndex}]`,
			description: explain(error),
			httpCode: String(error.status),
			itemIndex,
		});
	}
	const message = `${error instanceof Error ? error.message : String(error)} [item ${itemIndex}]`;
	const nodeError = new NodeOperationError(node, message, {
		itemIndex,
		description: describeFailure(error),
	});
	// n8n swaps a message that mentions a network code (ECONNRESET, ETIMEDOUT, …) for a generic one, which names
	// neither the call nor the item: ours says both, and what to do.
	nodeError.message = message;
	return nodeError;
}

function describeFailure(error: unknown): string | undefined {
	if (error instanceof FilestackUnknownOutcomeError) {
		return 'Filestack may have done it already: running the workflow again could do it twice.';
	}
	if (error instanceof FilestackNetworkError && error.tries > 1) {
		return 'Filestack could not be reached after several tries.';
	}
	return undefined;
}

function explain(error: FilestackApiError): string | undefined {
	if (error.status === 401 || error.status === 403) {
		return 'Check the API key and, if the application has security turned on, the app secret of the Filestack credential.';
	}
	if (error.status === 404)
		return 'Check that the handle or URL exists and belongs to this Filestack application.';
	if (error.status === 429)
		return 'Filestack is throttling requests; try again later or lower the request rate.';
	return undefined;
}
