import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import { getTask } from '../../sdk/catalogue';
import { readUrl } from '../common';
import { deliver, outputFields } from './output';
import { paramsCollection } from './taskFields';

const screenshotTask = getTask('urlscreenshot')!;

export const screenshot: Operation = {
	option: {
		name: 'Screenshot',
		value: 'screenshot',
		action: 'Take a screenshot of a web page',
		description: 'Capture a web page as an image; returns its URL, the image or a stored copy',
	},
	properties: [
		{
			displayName: 'Page URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://example.com',
			description: 'The web page to capture',
		},
		{ ...paramsCollection(screenshotTask, 'screenshotOptions'), displayName: 'Screenshot Options' },
		...outputFields,
	],
	async execute(itemIndex, client) {
		const url = readUrl(this, itemIndex, 'Page URL', false);
		const params = this.getNodeParameter('screenshotOptions', itemIndex, {}) as IDataObject;
		return await deliver(this, itemIndex, client.screenshot(url, params));
	},
};
