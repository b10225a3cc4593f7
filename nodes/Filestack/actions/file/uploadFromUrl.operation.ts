import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import type { StoreOptions } from '../../sdk/upload';
import {
	readStoreOptions,
	readStoreTimeoutMs,
	readUrl,
	storeOptionsProperty,
	storeTimeoutProperty,
} from '../common';

export const uploadFromUrl: Operation = {
	option: {
		name: 'Upload From URL',
		value: 'uploadFromUrl',
		action: 'Upload a file from a URL',
		description:
			'Have Filestack fetch a public URL and store the file; returns the stored file (handle, URL, size, type)',
	},
	properties: [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://example.com/report.pdf',
			description: 'The public URL of the file; Filestack fetches it itself',
		},
		storeOptionsProperty(),
		storeTimeoutProperty,
	],
	async execute(itemIndex, client) {
		const url = readUrl(this, itemIndex, 'URL', false);
		const stored = await client.uploadFromUrl(
			url,
			readStoreOptions(this, itemIndex) as StoreOptions,
			{ timeoutMs: readStoreTimeoutMs(this, itemIndex) },
		);
		return { json: { ...stored } as IDataObject };
	},
};
