import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createClient } from '../helpers/client';
import { toNodeError } from '../helpers/errors';
import type { Client } from '../sdk/client';
import { resources } from './resources';

/** Runs the chosen operation once per input item; each output item is paired with its input item. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	// Made inside the loop, so that a credential the client refuses fails each item, which Continue On Fail honours.
	let client: Client | undefined;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
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
			client ??= await createClient(this);
			const result = await operation.execute.call(this, itemIndex, client);
			output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			const secrets = [client?.apiKey];
			const nodeError = toNodeError(this.getNode(), error, itemIndex, secrets, operationLabel);
			if (!this.continueOnFail()) throw nodeError;
			// With `error` set, n8n keeps the whole error (description included) and, with "Continue (using error
			// output)", routes the item to the error output; it makes the JSON `{ error: message }` itself.
			output.push({
				json: { error: nodeError.message },
				error: nodeError,
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [output];
}
