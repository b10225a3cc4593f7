import type { Resource } from '../operation';
import { screenshot } from './screenshot.operation';
import { transform } from './transform.operation';
import { zip } from './zip.operation';

export const transformation: Resource = {
	option: {
		name: 'Transformation',
		value: 'transformation',
		description: 'Process images and documents, take screenshots, make ZIP archives',
	},
	operations: { transform, screenshot, zip },
	defaultOperation: 'transform',
};
