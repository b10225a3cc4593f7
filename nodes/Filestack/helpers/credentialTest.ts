import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { Access } from '../sdk/accessCheck';
import type { Client } from '../sdk/client';
import { clientFor, type FilestackCredentials } from './client';
import { credentialTestTransport } from './credentialTestTransport';
import { redact } from './redact';

/**
 * The credential dialog's "Test": asks Filestack about the API key and app secret, and says which of them is wrong,
 * or that the Upload API cannot be reached. Never shows the secret, a policy or a signature, nor the API key.
 */
export async function testFilestackCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = (credential.data ?? {}) as unknown as FilestackCredentials;
	let client: Client;
	try {
		client = clientFor(credentials, credentialTestTransport(this.helpers));
	} catch (error) {
		// The SDK refuses an empty API key or an endpoint that is no URL before sending anything.
		const message = error instanceof Error ? error.message : String(error);
		return { status: 'Error', message: redact(message, [credentials.apiKey]) };
	}
	const access = await client.checkAccess();
	// Filestack's own error text may quote the API key or the request (some of its answers do).
	const message = redact(describe(access, client.signsRequests), [client.apiKey]);
	return { status: access.verdict === 'accepted' ? 'OK' : 'Error', message };
}

function describe(access: Access, hasSecret: boolean): string {
	switch (access.verdict) {
		case 'accepted':
			if (access.security === 'on')
				return 'Filestack accepts the API key and the requests signed with the App Secret';
			return hasSecret
				? 'Filestack accepts the API key. Security is off for this application, so the App Secret is not needed (requests are signed with it all the same)'
				: 'Filestack accepts the API key (security is off for this application)';
		case 'unknownApiKey':
			return `The API key is not known to Filestack (${access.error.message}). Copy it from the top of the dashboard in the Filestack Developer Portal.`;
		case 'secretNeeded':
			return 'The API key is known, but the application has security turned on: enter its App Secret (Developer Portal → Security → App Secret)';
		case 'signatureRefused':
			return 'The App Secret does not match: Filestack refuses the requests signed with it. Copy it again from the Developer Portal (Security → App Secret).';
		case 'unreachable':
			return `Filestack cannot be reached at ${access.url} (${access.error.message}). Check the credential's endpoints, and that this n8n can reach them.`;
		case 'unexpectedAnswer':
			return `Unexpected answer from ${access.url} (${access.error.message}). Check the credential's endpoints, or try again later.`;
	}
}
