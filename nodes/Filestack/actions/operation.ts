import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { Client } from '../sdk/client';

/** One resource/operation of the Filestack node: its menu entry, its parameters, and what it does for one item. */
export interface Operation {
	option: INodePropertyOptions;
	/** Parameters without displayOptions: the resource adds `show: { resource, operation }`. */
	properties: INodeProperties[];
	/** Works without asking Filestack (signing is local): it gets no Items at Once, as it has nothing to wait for. */
	makesNoRequest?: boolean;
	execute(this: IExecuteFunctions, itemIndex: number, client: Client): Promise<INodeExecutionData>;
}

/**
 * A resource of the node and its operations by name. A resource declares itself `satisfies Resource<keyof typeof
 * operations>`, so its default operation must be one of its own: a misspelt default does not compile.
 */
export interface Resource<OperationName extends string = string> {
	option: INodePropertyOptions;
	operations: Record<OperationName, Operation>;
	defaultOperation: OperationName;
}
