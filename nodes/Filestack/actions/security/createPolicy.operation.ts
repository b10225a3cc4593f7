import type { Operation } from '../operation';
import { Policy, PolicyCall, Security, validatePolicy } from '../../sdk/security';
import { callsProperty, expiresInProperty, readExpiresIn } from './policyFields';

export const createPolicy: Operation = {
	option: {
		name: 'Create Policy',
		value: 'createPolicy',
		action: 'Create a security policy',
		description:
			'Create a policy and its signature for the calls and expiry given, to hand to a browser or another system (needs the app secret)',
	},
	makesNoRequest: true,
	properties: [
		expiresInProperty('policy'),
		callsProperty(['read'], 'The calls the policy allows; none means every call except exif'),
		{
			displayName: 'Restrictions',
			name: 'restrictions',
			type: 'collection',
			placeholder: 'Add Restriction',
			default: {},
			options: [
				{
					displayName: 'Container (Regular Expression)',
					name: 'container',
					type: 'string',
					default: '',
					description: 'Only containers (buckets) matching this pattern',
				},
				{
					displayName: 'Handle',
					name: 'handle',
					type: 'string',
					default: '',
					description: 'Only this file',
				},
				{
					displayName: 'Maximum Size (Bytes)',
					name: 'maxSize',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description: 'Largest file that may be stored',
				},
				{
					displayName: 'Minimum Size (Bytes)',
					name: 'minSize',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 0,
					description: 'Smallest file that may be stored',
				},
				{
					displayName: 'Path (Regular Expression)',
					name: 'path',
					type: 'string',
					default: '',
					description: 'Only storage paths matching this pattern',
				},
				{
					displayName: 'URL (Regular Expression)',
					name: 'url',
					type: 'string',
					default: '',
					placeholder: 'e.g. https://example\\.com/.*',
					description: 'Only external URLs matching this pattern may be processed',
				},
			],
		},
	],
	async execute(itemIndex, client) {
		const expiresIn = readExpiresIn(this, itemIndex);
		const calls = this.getNodeParameter('calls', itemIndex, []) as PolicyCall[];
		const restrictions = this.getNodeParameter('restrictions', itemIndex, {}) as Partial<Policy>;
		const now = Math.floor(Date.now() / 1000);
		const policy: Policy = { expiry: now + expiresIn };
		if (calls.length > 0) policy.call = calls;
		for (const [name, value] of Object.entries(restrictions)) {
			if (value !== '' && value !== undefined) Object.assign(policy, { [name]: value });
		}
		validatePolicy(policy, { now });
		const security = client.signOwnPolicy((secret) => new Security(policy, secret));
		return {
			json: {
				policy: security.policy,
				policyBase64: security.policyB64,
				signature: security.signature,
				expiresAt: new Date(policy.expiry * 1000).toISOString(),
				urlSegment: security.urlSegment(),
			},
		};
	},
};
