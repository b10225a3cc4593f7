import type { Operation } from '../operation';
import { storedSize, toBinary } from '../../helpers/binary';
import { binaryPropertyProperty, handleProperty, readHandle } from '../common';

export const download: Operation = {
	option: {
		name: 'Download',
		value: 'download',
		action: 'Download a file to a binary field',
		description:
			'Download the file of a handle into a binary field, streamed; the item also gets its name, type and size',
	},
	properties: [handleProperty, binaryPropertyProperty('output')],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		const file = await client.filelink(handle).download();
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		const binary = await toBinary(this, file, handle);
		const input = this.getInputData()[itemIndex];
		return {
			json: {
				handle,
				filename: binary.fileName,
				mimetype: binary.mimeType,
				size: await storedSize(this, binary),
			},
			binary: { ...input.binary, [binaryPropertyName]: binary },
		};
	},
};
