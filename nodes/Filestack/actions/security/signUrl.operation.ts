import type { Operation } from '../operation';
import { leastPrivilege, PolicyCall } from '../../sdk/security';
import { parseTaskChain } from '../../sdk/url';
import { handleProperty, readHandle } from '../common';
import { callsProperty, expiresInProperty, readExpiresIn } from './policyFields';

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
		expiresInProperty('URL'),
		callsProperty(
			['read', 'convert'],
			"The calls the URL's policy allows (reading the file, processing it, …)",
		),
	],
	async execute(itemIndex, client) {
		const handle = readHandle(this, itemIndex);
		const chain = (this.getNodeParameter('taskChain', itemIndex, '') as string).trim();
		const calls = this.getNodeParameter('calls', itemIndex) as PolicyCall[];
		const ttlSeconds = readExpiresIn(this, itemIndex);
		const transformation = client
			.filelink(handle)
			.transform()
			.add(...(chain ? parseTaskChain(chain) : []));
		// Limited to what the chain reads: the file, and any other file or URL its tasks name.
		const scope = transformation.scope();
		const security = client.signOwnPolicy((secret) =>
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
