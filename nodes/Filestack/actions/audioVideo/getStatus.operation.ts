import type { Operation } from '../operation';
import { REDACTED } from '../../helpers/redact';
import { conversionJson } from './result';

export const getStatus: Operation = {
	option: {
		name: 'Get Status',
		value: 'getStatus',
		action: 'Get the status of an audio or video conversion',
		description:
			'Check a conversion started earlier by its status URL; returns its status and, once completed, the new file',
	},
	properties: [
		{
			displayName: 'Status URL',
			name: 'statusUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder:
				'e.g. https://cdn.filestackcontent.com/video_convert=preset:h264/2h25ZGRHTmSNxxVbVhVs',
			description:
				"The statusUrl returned by the Convert operation; only a URL on this credential's Filestack CDN is accepted",
		},
	],
	async execute(itemIndex, client) {
		// A status URL copied from a message has the API key redacted: it is this credential's key.
		const statusUrl = (this.getNodeParameter('statusUrl', itemIndex) as string)
			.trim()
			.replace(`/${REDACTED}/`, `/${client.apiKey}/`);
		const conversion = client.audioVisual(statusUrl);
		return { json: conversionJson(conversion, await conversion.status()) };
	},
};
