import type { Operation } from '../operation';
import { leastPrivilege, POLICY_CALLS, PolicyCall } from '../../sdk/security';
import { parseTaskChain } from '../../sdk/url';
import { handleProperty, MAX_EXPIRES_IN_SECONDS, readHandle, readNumber } from '../common';

export const signUrl: Operation = {
	option: {
		name: 'Sign URL',
		value: 'signUrl',
		action: 'Create a signed URL for a file',
		description:
			'Make a CDN URL of the file of a handle, optionally with processing tasks, signed to be valid for a while (needs the app secret)',
	},
	makesNoRequest: true,
	properties: [
		handleProperty,
		{
			displayName: 'Task Chain',
			name: 'taskChain',
			type: 'string',
			default: '',
			placeholder: 'e.g. resize=width:300/output=format:webp',
			description:
				'Processing tasks to include in the URL, as in a Filestack processing URL (optional)',
		},
		{
			displayName: 'Expires In (Seconds)',
			name: 'expiresIn',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3600,
			description: 'How long the URL stays valid from now',
		},
		{
			displayName: 'Calls',
			name: 'calls',
			type: 'multiOptions',
			options: POLICY_CALLS.map((call) => ({ name: call, value: call })),
			default: ['read', 'convert'],
			description: "The calls the URL's policy allows (reading the file, processing it, …)",
		},
	],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		const chain = (this.getNodeParameter('taskChain', itemIndex, '') as string).trim();
		const calls = this.getNodeParameter('calls', itemIndex) as PolicyCall[];
		const ttlSeconds = Math.round(
			readNumber(this, itemIndex, {
				name: 'expiresIn',
				label: 'Expires In (Seconds)',
				min: 1,
				max: MAX_EXPIRES_IN_SECONDS,
			}),
		);
		const transformation = client
			.filelink(handle)
			.transform()
			.add(...(chain ? parseTaskChain(chain) : []));
		// Limited to what the chain reads: the file, and any other file or URL its tasks name.
		const scope = transformation.scope();
		const security = client.security((secret) =>
			leastPrivilege(secret, { call: calls, ...scope, ttlSeconds }),
		);
		return {
			json: {
				handle,
				url: transformation.url(security),
				expiresAt: new Date(security.policy.expiry * 1000).toISOString(),
			},
		};
	},
};
