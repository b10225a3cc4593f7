import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { POLICY_CALLS, type PolicyCall } from '../../sdk/security';
import { readNumber } from '../common';

/** The longest Expires In a policy may have: a hundred years, well within what a date can hold. */
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 24 * 3600;

/** Expires In (Seconds): how long the policy or the signed URL stays valid. */
export function expiresInProperty(what: 'policy' | 'URL'): INodeProperties {
	return {
		displayName: 'Expires In (Seconds)',
		name: 'expiresIn',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3600,
		description: `How long the ${what} stays valid from now`,
	};
}

/** The whole seconds of Expires In, from 1 second to a hundred years. */
export function readExpiresIn(context: IExecuteFunctions, itemIndex: number): number {
	return Math.round(
		readNumber(context, itemIndex, {
			name: 'expiresIn',
			label: 'Expires In (Seconds)',
			min: 1,
			max: MAX_EXPIRES_IN_SECONDS,
		}),
	);
}

/** Calls: the calls a policy allows. */
export function callsProperty(defaults: PolicyCall[], description: string): INodeProperties {
	return {
		displayName: 'Calls',
		name: 'calls',
		type: 'multiOptions',
		options: POLICY_CALLS.map((call) => ({ name: call, value: call })),
		default: [...defaults],
		description,
	};
}
