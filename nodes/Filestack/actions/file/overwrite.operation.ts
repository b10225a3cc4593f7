import type { Operation } from '../operation';
import { binarySource } from '../../helpers/binary';
import { binaryPropertyProperty, handleProperty, readHandle, readUrl } from '../common';

export const overwrite: Operation = {
	option: {
		name: 'Overwrite',
		value: 'overwrite',
		action: 'Overwrite the content of a file',
		description:
			'Replace the content of the file of a handle from a binary field or a URL, keeping the handle (needs the app secret)',
	},
	properties: [
		handleProperty,
		{
			displayName: 'New Content From',
			name: 'contentSource',
			type: 'options',
			options: [
				{
					name: 'Binary Field',
					value: 'binary',
					description: 'A file of the input item, streamed',
				},
				{
					name: 'URL',
					value: 'url',
					description: 'A public URL Filestack fetches the content from',
				},
			],
			default: 'binary',
			description: 'Where the new content comes from',
		},
		{ ...binaryPropertyProperty('input'), displayOptions: { show: { contentSource: ['binary'] } } },
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://example.com/new-version.pdf',
			description: 'The public URL of the new content; Filestack fetches it itself',
			displayOptions: { show: { contentSource: ['url'] } },
		},
		{
			displayName: 'Decode Base64',
			name: 'base64decode',
			type: 'boolean',
			default: false,
			description:
				'Whether the new content is base64 text that Filestack should decode before storing',
		},
	],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		const base64decode = this.getNodeParameter('base64decode', itemIndex, false) as boolean;
		const from = this.getNodeParameter('contentSource', itemIndex) as 'binary' | 'url';
		const content =
			from === 'url'
				? { url: readUrl(this, itemIndex, 'URL', false) }
				: await binarySource(
						this,
						itemIndex,
						this.getNodeParameter('binaryPropertyName', itemIndex) as string,
					);
		const result = await client.filelink(handle).overwrite(content, base64decode);
		return { json: { handle, ...result } };
	},
};
