import type { Operation } from '../operation';
import { checkFetchUrl } from '../../sdk/fetchUrl';
import { isHandle } from '../../sdk/url';
import { deliver, outputFields } from './output';

export const zip: Operation = {
	option: {
		name: 'Zip',
		value: 'zip',
		action: 'Create a ZIP archive of files',
		description:
			'Put several stored files or public URLs into one ZIP archive; returns its URL, the archive or a stored copy',
	},
	properties: [
		{
			displayName: 'Files',
			name: 'files',
			type: 'string',
			typeOptions: { multipleValues: true, multipleValueButtonText: 'Add File' },
			required: true,
			default: [],
			placeholder: 'e.g. 2h25ZGRHTmSNxxVbVhVs',
			description: 'Handles or public URLs of the files to put in the archive',
		},
		...outputFields,
	],
	async execute(itemIndex, client) {
		const value = this.getNodeParameter('files', itemIndex, []) as string[] | string;
		const files = (Array.isArray(value) ? value : String(value).split(','))
			.map((file) => file.trim())
			.filter(Boolean);
		for (const file of files) if (!isHandle(file)) checkFetchUrl('Files', file, true);
		return await deliver(this, itemIndex, client.zip(files));
	},
};
