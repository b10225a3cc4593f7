import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import { parseTaskChain } from '../../sdk/url';
import { readSource, sourceProperties } from '../common';
import { deliver, outputFields } from './output';
import { readTaskList, taskListField } from './taskFields';

export const transform: Operation = {
	option: {
		name: 'Transform',
		value: 'transform',
		action: 'Transform an image or document',
		description:
			'Apply a chain of tasks (resize, crop, convert, watermark, compress, detect faces, …) to a stored file or a public URL; returns the URL of the result, the processed file or a stored copy',
	},
	properties: [
		...sourceProperties(
			'transform',
			'https://example.com/photo.jpg',
			'The public URL of the image or document',
		),
		{
			displayName: 'Define Tasks',
			name: 'chainInput',
			type: 'options',
			options: [
				{ name: 'From List', value: 'list', description: 'Pick tasks and their parameters' },
				{ name: 'As Text', value: 'text', description: 'Write the chain as in a Filestack URL' },
			],
			default: 'list',
			description: 'How to give the tasks: picked from a list, or written as text',
		},
		{ ...taskListField, displayOptions: { show: { chainInput: ['list'] } } },
		{
			displayName: 'Task Chain',
			name: 'taskChain',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. resize=width:300,fit:crop/flip/output=format:webp',
			description: 'Tasks separated by /, each task=key:value,… as in a Filestack processing URL',
			displayOptions: { show: { chainInput: ['text'] } },
		},
		...outputFields,
	],
	async execute(itemIndex, client) {
		const source = readSource(this, itemIndex);
		const tasks =
			this.getNodeParameter('chainInput', itemIndex) === 'text'
				? parseTaskChain(this.getNodeParameter('taskChain', itemIndex) as string)
				: readTaskList(this.getNodeParameter('tasks', itemIndex, {}) as IDataObject);
		return await deliver(this, itemIndex, client.transformation(source).add(...tasks));
	},
};
