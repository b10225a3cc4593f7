import type { INodeProperties } from 'n8n-workflow';

import { audioVideo } from './audioVideo';
import { file } from './file';
import { itemsAtOnceProperty } from './itemsAtOnce';
import type { Operation, Resource } from './operation';
import { security } from './security';
import { transformation } from './transformation';

/**
 * Every resource of the node, in menu order; the node's parameters are generated from this table. Each entry checks
 * its own default operation (`satisfies Resource<…>` in its index.ts).
 */
export const resources = { file, transformation, audioVideo, security } satisfies Record<
	string,
	Resource
>;

/** The resource and operation a workflow names (any strings: a saved workflow may hold anything); throws if unknown. */
export function operationNamed(
	resourceName: string,
	operationName: string,
): { resource: Resource; operation: Operation } {
	const table: Record<string, Resource> = resources;
	if (!Object.hasOwn(table, resourceName))
		throw new Error(`The resource "${resourceName}" is not known`);
	const resource = table[resourceName];
	if (!Object.hasOwn(resource.operations, operationName))
		throw new Error(`The operation "${operationName}" of "${resource.option.name}" is not known`);
	return { resource, operation: resource.operations[operationName] };
}

/** An operation's parameters as the editor shows them: its own, then Items at Once where it calls Filestack. */
export function parametersOf(operation: Operation): INodeProperties[] {
	return [...operation.properties, ...(operation.makesNoRequest ? [] : [itemsAtOnceProperty])];
}

export const nodeProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: Object.values(resources).map((resource) => resource.option),
		default: 'file',
	},
	...Object.entries(resources).flatMap(([resourceName, resource]) => [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options' as const,
			noDataExpression: true,
			displayOptions: { show: { resource: [resourceName] } },
			options: Object.values(resource.operations).map((operation) => operation.option),
			default: resource.defaultOperation,
		},
		...Object.entries(resource.operations).flatMap(([operationName, operation]) =>
			parametersOf(operation).map((property) => ({
				...property,
				displayOptions: {
					...property.displayOptions,
					show: {
						...property.displayOptions?.show,
						resource: [resourceName],
						operation: [operationName],
					},
				},
			})),
		),
	]),
];
