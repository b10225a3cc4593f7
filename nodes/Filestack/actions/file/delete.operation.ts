import type { Operation } from '../operation';
import { handleProperty, readHandle } from '../common';

export const deleteFile: Operation = {
	option: {
		name: 'Delete',
		value: 'delete',
		action: 'Delete a file',
		description:
			'Delete the file of a handle from Filestack and its storage; returns deleted: true (needs the app secret)',
	},
	properties: [handleProperty],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		await client.filelink(handle).delete();
		return { json: { handle, deleted: true } };
	},
};
