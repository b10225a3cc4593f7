import type { Resource } from '../operation';
import { createPolicy } from './createPolicy.operation';
import { signUrl } from './signUrl.operation';

const operations = { createPolicy, signUrl };

export const security = {
	option: { name: 'Security', value: 'security', description: 'Policies and signed URLs' },
	operations,
	defaultOperation: 'createPolicy',
} satisfies Resource<keyof typeof operations>;
