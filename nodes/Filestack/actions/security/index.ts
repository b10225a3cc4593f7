import type { Resource } from '../operation';
import { createPolicy } from './createPolicy.operation';
import { signUrl } from './signUrl.operation';

export const security: Resource = {
	option: { name: 'Security', value: 'security', description: 'Policies and signed URLs' },
	operations: { createPolicy, signUrl },
	defaultOperation: 'createPolicy',
};
