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

export interface Resource {
	option: INodePropertyOptions;
	operations: Record<string, Operation>;
	defaultOperation: string;
}
