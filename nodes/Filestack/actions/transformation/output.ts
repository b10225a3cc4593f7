import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { outputBinary } from '../../helpers/binary';
import { readText } from '../../sdk/http';
import type { Transformation } from '../../sdk/transformation';
import { getTask } from '../../sdk/catalogue';
import {
	binaryPropertyProperty,
	readNumber,
	readStoreOptions,
	readStoreTimeoutMs,
	storeOptionsProperty,
	storeTimeoutProperty,
} from '../common';

/** A handed-out URL lives at most a week: one that reads several stored files can read any while it lives. */
const MAX_URL_LIFETIME_MINUTES = 7 * 24 * 60;

/** What a transformation, screenshot or zip gives back: its URL, the processed file, or a stored copy. */
export const outputFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description:
					'Download the result into a binary field (a JSON result, such as tags, goes to the item)',
			},
			{
				name: 'Stored File',
				value: 'store',
				description: 'Store the result as a new file and return it',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'Only build the URL of the result (signed when needed)',
			},
		],
		default: 'url',
		description: 'What the operation returns',
	},
	{
		displayName: 'URL Lifetime (Minutes)',
		name: 'urlLifetime',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_URL_LIFETIME_MINUTES, numberPrecision: 0 },
		default: 15,
		description:
			"How long the URL's signature lasts when the credential has an app secret, from 1 minute to 1 week. The signature allows reading and processing only. A URL that reads exactly one stored file is limited to that file (and to its external URLs, if any). A URL that reads several stored files (a Zip of handles, a collage or watermark of other files), or no stored file (an external URL, a screenshot), cannot be limited to stored files, as a Filestack policy names at most one handle: whoever has it can read any stored file of the application until it expires, so keep it short.",
		displayOptions: { show: { output: ['url'] } },
	},
	{ ...binaryPropertyProperty('output'), displayOptions: { show: { output: ['binary'] } } },
	{ ...storeOptionsProperty(), displayOptions: { show: { output: ['store'] } } },
	{ ...storeTimeoutProperty, displayOptions: { show: { output: ['store'] } } },
];

export async function deliver(
	context: IExecuteFunctions,
	itemIndex: number,
	transformation: Transformation,
): Promise<INodeExecutionData> {
	const output = context.getNodeParameter('output', itemIndex) as 'url' | 'binary' | 'store';
	const chain = transformation.tasks.map((task) => task.name);
	if (output === 'store') {
		return {
			json: {
				...(await transformation.store(readStoreOptions(context, itemIndex), {
					timeoutMs: readStoreTimeoutMs(context, itemIndex),
				})),
			} as IDataObject,
		};
	}
	if (output === 'url') {
		const minutes = readNumber(
			context,
			itemIndex,
			{
				name: 'urlLifetime',
				label: 'URL Lifetime (Minutes)',
				min: 1,
				max: MAX_URL_LIFETIME_MINUTES,
				whole: true,
			},
			15,
		);
		const url = transformation.url(['read', 'convert'], minutes * 60);
		return { json: { url, tasks: chain } };
	}

	const file = await transformation.download();
	const last = transformation.tasks[transformation.tasks.length - 1];
	if (last && getTask(last.name)?.responds === 'json') {
		return { json: { ...(JSON.parse(await readText(file.stream)) as object) } };
	}
	const { stored, binary, size } = await outputBinary(context, itemIndex, file, 'result');
	return {
		json: {
			filename: stored.fileName,
			mimetype: stored.mimeType,
			size,
			tasks: chain,
		},
		binary,
	};
}
