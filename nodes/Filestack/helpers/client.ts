import type { IExecuteFunctions } from 'n8n-workflow';

import { Client } from '../sdk/client';
import { EndpointSettings, resolveEndpoints } from '../sdk/endpoints';
import type { Transport } from '../sdk/transport';
import { n8nTransport } from './n8nTransport';

export interface FilestackCredentials {
	apiKey: string;
	appSecret?: string;
	webhookSecret?: string;
	endpoints?: EndpointSettings['endpoints'];
	customDomain?: string;
	uploadUrl?: string;
	cdnUrl?: string;
	apiUrl?: string;
}

/** The SDK client for this execution, on the node's credential and n8n's HTTP helper. */
export async function createClient(context: IExecuteFunctions): Promise<Client> {
	const credentials = await context.getCredentials<FilestackCredentials>('filestackApi');
	return clientFor(credentials, n8nTransport(context));
}

/** The SDK client on a credential's values; throws when the SDK refuses them (no API key, an endpoint no URL). */
export function clientFor(credentials: FilestackCredentials, transport: Transport): Client {
	return new Client({
		apiKey: credentials.apiKey,
		appSecret: credentials.appSecret,
		endpoints: resolveEndpoints(endpointSettings(credentials)),
		transport,
	});
}

/** The endpoint choice of a credential, as the SDK takes it. */
export function endpointSettings(credentials: FilestackCredentials): EndpointSettings {
	switch (credentials.endpoints) {
		case 'customDomain':
			return { endpoints: 'customDomain', customDomain: credentials.customDomain ?? '' };
		case 'customUrls':
			return {
				endpoints: 'customUrls',
				uploadUrl: credentials.uploadUrl ?? '',
				cdnUrl: credentials.cdnUrl ?? '',
				apiUrl: credentials.apiUrl ?? '',
			};
		default:
			return { endpoints: 'cloud' };
	}
}
