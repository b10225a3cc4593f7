import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import { outputBinary } from '../../helpers/binary';
import { getTask } from '../../sdk/catalogue';
import { download } from '../../sdk/download';
import { binaryPropertyProperty, readSource, sourceProperties } from '../common';
import { paramsCollection } from '../transformation/taskFields';
import { conversionJson } from './result';

const videoConvert = getTask('video_convert')!;

export const convert: Operation = {
	option: {
		name: 'Convert',
		value: 'convert',
		action: 'Convert audio or video',
		description:
			'Convert an audio or video file (format, size, bitrate, clip, watermark); returns the new file once done, or the status URL to check later',
	},
	properties: [
		...sourceProperties(
			'convert',
			'https://example.com/clip.mov',
			'The public URL of the audio or video file',
		),
		{ ...paramsCollection(videoConvert, 'conversionOptions'), displayName: 'Conversion Options' },
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the conversion is done; otherwise the node returns at once with the status URL',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 900,
			description:
				'How long to wait; the conversion goes on at Filestack afterwards and Get Status can pick it up',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: 5,
			description: 'The first wait between status checks; it grows up to 30 seconds',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		{
			displayName: 'Download Result',
			name: 'downloadResult',
			type: 'boolean',
			default: false,
			description: 'Whether to download the converted file into a binary field, streamed',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		{
			...binaryPropertyProperty('output'),
			displayOptions: { show: { waitForCompletion: [true], downloadResult: [true] } },
		},
	],
	async execute(itemIndex, client) {
		const source = readSource(this, itemIndex);
		const params = this.getNodeParameter('conversionOptions', itemIndex, {}) as IDataObject;
		const conversion = await client.transformation(source).videoConvert(params);
		if (!(this.getNodeParameter('waitForCompletion', itemIndex) as boolean)) {
			return {
				json: conversionJson(conversion, conversion.lastStatus ?? (await conversion.status())),
			};
		}
		const pollSeconds = this.getNodeParameter('pollInterval', itemIndex) as number;
		const done = await conversion.waitForCompletion({
			timeoutMs: (this.getNodeParameter('timeout', itemIndex) as number) * 1000,
			intervalMs: pollSeconds * 1000,
			maxIntervalMs: Math.max(pollSeconds * 1000, 30_000),
		});
		const json = conversionJson(conversion, done);
		if (
			!(this.getNodeParameter('downloadResult', itemIndex, false) as boolean) ||
			typeof json.url !== 'string'
		) {
			return { json };
		}
		const { handle } = json;
		if (typeof handle !== 'string') {
			throw new Error(
				`The conversion's file URL names no stored file (${json.url}), so it cannot be downloaded`,
			);
		}
		const file = await download(
			client.http,
			'Download of the converted file',
			client.filelink(handle).url(),
		);
		const { binary } = await outputBinary(this, itemIndex, file, handle);
		return { json, binary };
	},
};
