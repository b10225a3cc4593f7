import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { createClient } from '../helpers/client';
import { toNodeError } from '../helpers/errors';
import { runAtOnce } from '../helpers/runAtOnce';
import type { Client } from '../sdk/client';
import { FilestackUnknownOutcomeError } from '../sdk/errors';
import { readItemsAtOnce } from './itemsAtOnce';
import { operationNamed } from './resources';

/**
 * Runs the chosen operation for every input item, Items at Once of them at a time. The output keeps the input's
 * order and pairs each item with its input item. A failure becomes the item's error item with Continue On Fail;
 * otherwise no further item starts and, once the items in flight have ended, the node fails with the failure of
 * the first item in input order, saying which later items were done beside it (running again repeats them) and
 * which may have been. Stopping the workflow aborts the requests in flight and starts no further item.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	// One client for the run: its part memory and its back-off after a 429 are shared by all items. Made on first
	// use, inside an item's `try`, so that a credential the client refuses fails each item, as Continue On Fail wants.
	let clientMade: Promise<Client> | undefined;
	let apiKey: string | undefined;
	const clientForItems = async () => {
		clientMade ??= createClient(this).then((client) => {
			apiKey = client.apiKey;
			return client;
		});
		return await clientMade;
	};
	let itemsAtOnce = 1;
	let setupError: unknown;
	try {
		itemsAtOnce = readItemsAtOnce(this);
	} catch (error) {
		setupError = error;
	}

	/** Items whose failure leaves unknown whether Filestack did the work. */
	const outcomeUnknown = new Set<number>();
	const { results, failures } = await runAtOnce(items.length, itemsAtOnce, async (itemIndex) => {
		// Every error names the operation as the user picked it, e.g. "File → Upload From URL".
		let operationLabel: string | undefined;
		try {
			const resourceName = this.getNodeParameter('resource', itemIndex) as string;
			// n8n has no Operation parameter for a resource the node does not know: the fallback keeps the message ours.
			const operationName = String(this.getNodeParameter('operation', itemIndex, ''));
			const { resource, operation } = operationNamed(resourceName, operationName);
			operationLabel = `${resource.option.name} → ${operation.option.name}`;
			if (setupError) throw setupError;
			if (this.getExecutionCancelSignal?.()?.aborted)
				throw new Error('The workflow was stopped before this item was started');
			const result = await operation.execute.call(this, itemIndex, await clientForItems());
			return { ...result, pairedItem: { item: itemIndex } };
		} catch (error) {
			if (error instanceof FilestackUnknownOutcomeError) outcomeUnknown.add(itemIndex);
			const nodeError = toNodeError(this.getNode(), error, itemIndex, [apiKey], operationLabel);
			if (!this.continueOnFail()) throw nodeError;
			// With `error` set, n8n keeps the whole error (description included) and, with "Continue (using error
			// output)", routes the item to the error output; it makes the JSON `{ error: message }` itself.
			return {
				json: { error: nodeError.message },
				error: nodeError,
				pairedItem: { item: itemIndex },
			};
		}
	});
	if (failures.length === 0) return [results as INodeExecutionData[]];
	const [first] = failures;
	const doneBeside = results.flatMap((result, index) =>
		result && index > first.index ? [index] : [],
	);
	const unknownBeside = failures.flatMap(({ index }) =>
		index !== first.index && outcomeUnknown.has(index) ? [index] : [],
	);
	throw withWhatRanBeside(first.error, doneBeside, unknownBeside);
}

/**
 * The failure that fails the node, its description telling what an item-after-item run would not have done: later
 * items, run beside it (Items at Once), that were done, and those whose outcome is unknown.
 */
function withWhatRanBeside(error: unknown, done: number[], unknown: number[]): unknown {
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) return error;
	const notes = [
		done.length > 0 &&
			`Items done beside it (Items at Once), which running the workflow again repeats: ${done.join(', ')}.`,
		unknown.length > 0 &&
			`Items that may have been done too, their answer lost: ${unknown.join(', ')}.`,
	].filter((note): note is string => typeof note === 'string');
	if (notes.length > 0) error.description = [error.description, ...notes].filter(Boolean).join(' ');
	return error;
}
