import type { Operation } from '../operation';
import { outputBinary } from '../../helpers/binary';
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
		const { stored, binary, size } = await outputBinary(this, itemIndex, file, handle);
		return {
			json: {
				handle,
				filename: stored.fileName,
				mimetype: stored.mimeType,
				size,
			},
			binary,
		};
	},
};
