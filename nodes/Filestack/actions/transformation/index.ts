import type { Resource } from '../operation';
import { screenshot } from './screenshot.operation';
import { transform } from './transform.operation';
import { zip } from './zip.operation';

const operations = { transform, screenshot, zip };

export const transformation = {
	option: {
		name: 'Transformation',
		value: 'transformation',
		description: 'Process images and documents, take screenshots, make ZIP archives',
	},
	operations,
	defaultOperation: 'transform',
} satisfies Resource<keyof typeof operations>;
