import type { INodeProperties } from 'n8n-workflow';

import { audioVideo } from './audioVideo';
import { file } from './file';
import { itemsAtOnceProperty } from './itemsAtOnce';
import type { Resource } from './operation';
import { security } from './security';
import { transformation } from './transformation';

/** Every resource of the node, in menu order; the node's parameters are generated from this table. */
export const resources: Record<string, Resource> = { file, transformation, audioVideo, security };

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
			[...operation.properties, ...(operation.makesNoRequest ? [] : [itemsAtOnceProperty])].map(
				(property) => ({
					...property,
					displayOptions: {
						...property.displayOptions,
						show: {
							...property.displayOptions?.show,
							resource: [resourceName],
							operation: [operationName],
						},
					},
				}),
			),
		),
	]),
];
