import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { storedSize, toBinary } from '../../helpers/binary';
import { readText } from '../../sdk/http';
import type { Transformation } from '../../sdk/transformation';
import { getTask } from '../../sdk/catalogue';
import {
	binaryPropertyProperty,
	readStoreOptions,
	readStoreTimeoutMs,
	storeOptionsProperty,
	storeTimeoutProperty,
} from '../common';

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
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 15,
		description:
			"How long the URL's signature lasts, when the credential has an app secret. The signature allows reading and processing only what the URL reads: its one stored file, its external URLs. A URL that reads several stored files (a Zip of handles, a collage or watermark of other files) cannot be limited to them, as a Filestack policy names one handle: whoever has it can read any file of the application until it expires, so keep it short.",
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
		const minutes = context.getNodeParameter('urlLifetime', itemIndex, 15) as number;
		const url = transformation.url(['read', 'convert'], Math.round(minutes * 60));
		return { json: { url, tasks: chain } };
	}

	const file = await transformation.download();
	const last = transformation.tasks[transformation.tasks.length - 1];
	if (last && getTask(last.name)?.responds === 'json') {
		return { json: { ...(JSON.parse(await readText(file.stream)) as object) } };
	}
	const binaryPropertyName = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = await toBinary(context, file, 'result');
	const input = context.getInputData()[itemIndex];
	return {
		json: {
			filename: binary.fileName,
			mimetype: binary.mimeType,
			size: await storedSize(context, binary),
			tasks: chain,
		},
		binary: { ...input.binary, [binaryPropertyName]: binary },
	};
}
