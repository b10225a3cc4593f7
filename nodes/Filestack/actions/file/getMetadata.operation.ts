import type { Operation } from '../operation';
import { METADATA_ATTRIBUTES, MetadataAttribute } from '../../sdk/filelink';
import { handleProperty, readHandle } from '../common';

export const getMetadata: Operation = {
	option: {
		name: 'Get Metadata',
		value: 'getMetadata',
		action: 'Get the metadata of a file',
		description:
			'Get the size, type, name, checksums, dimensions or storage details of the file of a handle',
	},
	properties: [
		handleProperty,
		{
			displayName: 'Attributes',
			name: 'attributes',
			type: 'multiOptions',
			options: METADATA_ATTRIBUTES.map((name) => ({ name, value: name })),
			default: [],
			description:
				"The attributes to return; none means Filestack's default set (size, mimetype, filename, uploaded, writeable, location, path, container)",
		},
	],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		const attributes = this.getNodeParameter('attributes', itemIndex, []) as MetadataAttribute[];
		const metadata = await client.filelink(handle).metadata(attributes);
		return { json: { handle, ...metadata } };
	},
};
