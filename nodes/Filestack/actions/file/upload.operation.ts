import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import { binarySource } from '../../helpers/binary';
import { MAX_CONCURRENCY, type StoreOptions } from '../../sdk/upload';
import {
	binaryPropertyProperty,
	readNumber,
	readStoreOptions,
	storeOptionsProperty,
} from '../common';

export const upload: Operation = {
	option: {
		name: 'Upload',
		value: 'upload',
		action: 'Upload a file from a binary field',
		description:
			'Upload the file in a binary field of the input item, streamed in parts; returns the stored file (handle, URL, size, type)',
	},
	properties: [
		binaryPropertyProperty('input'),
		{
			displayName: 'Intelligent Ingestion',
			name: 'intelligent',
			type: 'options',
			options: [
				{
					name: 'Auto',
					value: 'auto',
					description: 'Use it when the Filestack application has it enabled',
				},
				{
					name: 'On',
					value: 'on',
					description: 'Always use it (the application must have it enabled)',
				},
				{ name: 'Off', value: 'off', description: 'Plain multipart upload' },
			],
			default: 'auto',
			description:
				'Intelligent Ingestion sends parts in chunks that shrink on a bad network, trading speed for reliability',
		},
		storeOptionsProperty([
			{
				displayName: 'MIME Type',
				name: 'mimetype',
				type: 'string',
				default: '',
				placeholder: 'e.g. application/pdf',
				description: 'The stored MIME type; by default that of the binary field',
			},
		]),
		{
			displayName: 'Upload Tags',
			name: 'uploadTags',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Tag',
			default: {},
			description:
				'Key/value pairs Filestack returns with the file and sends in the upload webhook (at most 10)',
			options: [
				{
					displayName: 'Tag',
					name: 'tag',
					values: [
						{ displayName: 'Key', name: 'key', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Parallel Parts',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: 4,
			description: 'How many parts are sent at once; memory use grows by one part (8 MiB) for each',
		},
	],
	async execute(itemIndex, client) {
		const concurrency = readNumber(
			this,
			itemIndex,
			{ name: 'concurrency', label: 'Parallel Parts', min: 1, max: MAX_CONCURRENCY, whole: true },
			4,
		);
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		const source = await binarySource(this, itemIndex, binaryPropertyName);
		const store = readStoreOptions(this, itemIndex) as StoreOptions;
		const tags = (this.getNodeParameter('uploadTags', itemIndex, {}) as IDataObject).tag as
			| Array<{ key: string; value: string }>
			| undefined;
		if (tags?.length)
			store.uploadTags = Object.fromEntries(tags.map(({ key, value }) => [key, value]));
		const stored = await client.upload(
			{ size: source.size, stream: await source.open() },
			{
				filename: store.filename || source.filename || 'file',
				mimetype: store.mimetype || source.mimetype,
				store,
				intelligent: this.getNodeParameter('intelligent', itemIndex) as 'auto' | 'on' | 'off',
				concurrency,
			},
		);
		return { json: { ...stored } as IDataObject };
	},
};
