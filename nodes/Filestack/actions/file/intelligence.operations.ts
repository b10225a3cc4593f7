import type { Operation } from '../operation';
import type { Filelink } from '../../sdk/filelink';
import { handleProperty, readHandle } from '../common';

/** The three read-only intelligence tasks on a file differ only in their task. */
function intelligence(
	value: string,
	name: string,
	action: string,
	description: string,
	run: (file: Filelink) => Promise<Record<string, unknown>>,
): Operation {
	return {
		option: { name, value, action, description },
		properties: [handleProperty],
		async execute(itemIndex, client) {
			const handle = readHandle(this, itemIndex);
			return { json: { handle, ...(await run(client.filelink(handle))) } };
		},
	};
}

export const getTags = intelligence(
	'getTags',
	'Get Tags',
	'Get the tags of an image',
	'Label what an image shows; returns the tags with a confidence for each (needs the app secret)',
	async (file) => await file.tags(),
);

export const checkSafeForWork = intelligence(
	'checkSafeForWork',
	'Check Safe for Work',
	'Check whether an image is safe for work',
	'Tell whether an image is safe for work; returns sfw: true or false (needs the app secret)',
	async (file) => await file.sfw(),
);

export const ocr = intelligence(
	'ocr',
	'OCR',
	'Read the text in an image or document',
	'Find the text in an image or scanned document; returns the text with its position (needs the app secret)',
	async (file) => await file.ocr(),
);
