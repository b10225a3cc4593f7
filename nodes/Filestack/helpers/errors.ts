import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	FilestackApiError,
	FilestackNetworkError,
	FilestackUnknownOutcomeError,
} from '../sdk/errors';
import { redact } from './redact';

/**
 * Filestack's answers become NodeApiErrors, everything else NodeOperationErrors; both name the operation and the
 * item (`… (File → Download) [item 2]`), and neither shows the credential's secrets (`secrets`) or a policy,
 * signature or key derived from them.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: ReadonlyArray<string | undefined>,
	operation?: string,
): NodeApiError | NodeOperationError {
	const hide = (text: string) => redact(text, secrets);
	const where = operation ? ` (${operation})` : '';
	// n8n's own errors may end in the item already; every other message gets it.
	const inContext = (text: string) =>
		hide(text).replace(/( \[item \d+\])?$/, `${where} [item ${itemIndex}]`);
	if (error instanceof NodeApiError) {
		error.context.itemIndex = itemIndex;
		error.message = inContext(error.message);
		if (typeof error.description === 'string') error.description = hide(error.description);
		return error;
	}
	// Always a new error, also for one of n8n's own: the same one can reach several items (the credential they
	// share), each naming its own.
	const message = inContext(error instanceof Error ? error.message : String(error));
	const nodeError =
		error instanceof FilestackApiError
			? new NodeApiError(
					node,
					{ message: hide(error.message), detail: hide(error.detail) } as JsonObject,
					{
						message,
						description: explain(error),
						httpCode: String(error.status),
						itemIndex,
					},
				)
			: new NodeOperationError(node, message, {
					itemIndex,
					description: describeFailure(error, hide),
				});
	// n8n swaps a message that mentions a system error code (ECONNREFUSED, EPERM…) for a generic text of its own,
	// which would lose the item and the call that failed: keep ours.
	nodeError.message = message;
	return nodeError;
}

function describeFailure(error: unknown, hide: (text: string) => string): string | undefined {
	if (error instanceof NodeOperationError)
		return typeof error.description === 'string' ? hide(error.description) : undefined;
	if (error instanceof FilestackUnknownOutcomeError) {
		return 'Filestack may have done it already: running the workflow again could do it twice.';
	}
	if (!(error instanceof FilestackNetworkError)) return undefined;
	if (error.bytesReceived !== undefined) {
		return 'The connection broke while the file was arriving; running the node again downloads the file again.';
	}
	return error.tries > 1 ? 'Filestack could not be reached after several tries.' : undefined;
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
