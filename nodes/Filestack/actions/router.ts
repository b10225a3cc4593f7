import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createClient } from '../helpers/client';
import { toNodeError } from '../helpers/errors';
import { runAtOnce } from '../helpers/runAtOnce';
import type { Client } from '../sdk/client';
import { readItemsAtOnce } from './itemsAtOnce';
import { resources } from './resources';

/**
 * Runs the chosen operation for every input item, Items at Once of them at a time. The output keeps the input's
 * order and pairs each item with its input item. A failure becomes the item's error item with Continue On Fail;
 * otherwise no further item starts and, once the items in flight have ended, the node fails with the failure of
 * the first item in input order. Stopping the workflow aborts the requests in flight and starts no further item.
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

	const output = await runAtOnce(items.length, itemsAtOnce, async (itemIndex) => {
		// Every error names the operation as the user picked it, e.g. "File → Upload From URL".
		let operationLabel: string | undefined;
		try {
			const resourceName = this.getNodeParameter('resource', itemIndex) as string;
			const operationName = this.getNodeParameter('operation', itemIndex) as string;
			const resource = resources[resourceName];
			const operation = resource?.operations[operationName];
			if (!operation)
				throw new Error(`The operation "${operationName}" of "${resourceName}" is not known`);
			operationLabel = `${resource.option.name} → ${operation.option.name}`;
			if (setupError) throw setupError;
			if (this.getExecutionCancelSignal?.()?.aborted)
				throw new Error('The workflow was stopped before this item was started');
			const result = await operation.execute.call(this, itemIndex, await clientForItems());
			return { ...result, pairedItem: { item: itemIndex } };
		} catch (error) {
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
	return [output];
}
