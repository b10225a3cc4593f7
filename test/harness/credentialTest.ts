import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { LoadedPackage } from './nodeTypes';

/**
 * The credential test n8n's CredentialsTester runs when the "Test" button of the credential dialog is pressed: the
 * credential type's own `test` request if it has one, else `methods.credentialTest[testedBy]` of the first node that
 * lists the credential with a `testedBy` name (n8n takes that node's method even when it is missing).
 */
export function credentialTestOf(loaded: LoadedPackage, type: string): ICredentialTestFunction {
	if (loaded.credentialTypes[type]?.test)
		throw new Error(`${type} has a declarative test, which the harness does not run`);
	for (const [nodeName, node] of Object.entries(loaded.nodeTypes)) {
		if (!('description' in node) || !('credentials' in node.description)) continue;
		const testedBy = node.description.credentials?.find(({ name }) => name === type)?.testedBy;
		if (typeof testedBy !== 'string') continue;
		const test = 'methods' in node ? node.methods?.credentialTest?.[testedBy] : undefined;
		if (!test) throw new Error(`${nodeName} names the credential test ${testedBy} but has none`);
		return test;
	}
	throw new Error(`No credential test found for ${type}`);
}

/** Runs a credential test in n8n-core's context for credential tests, as n8n does. */
export async function runCredentialTest(
	loaded: LoadedPackage,
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const test = credentialTestOf(loaded, type);
	return await test.call(new CredentialTestContext(), {
		id: 'harness',
		name: `Harness ${type}`,
		type,
		data,
	});
}
