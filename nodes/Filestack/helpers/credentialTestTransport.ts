import type { ICredentialTestFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { HttpRequest, HttpResponse, Transport } from '../sdk/transport';
import { lowerCaseHeaders, parseBody } from './n8nTransport';

interface FullResponse {
	statusCode: number;
	headers: IN8nHttpFullResponse['headers'];
	body: unknown;
}

/**
 * The SDK's Transport on the one HTTP helper n8n gives a credential test, `helpers.request`, so proxies and n8n's
 * request settings apply there too. JSON and text only: a credential test sends and receives no files.
 */
export function credentialTestTransport(helpers: ICredentialTestFunctions['helpers']): Transport {
	return {
		async request(request: HttpRequest): Promise<HttpResponse> {
			if (request.responseType === 'stream' || (request.body && typeof request.body !== 'string'))
				throw new Error('A credential test sends and receives no streams');
			const json = request.json !== undefined;
			const response = (await helpers.request({
				method: request.method,
				uri: request.url,
				qs: request.query,
				headers: {
					...(json && { 'Content-Type': 'application/json' }),
					...request.headers,
				},
				body: json ? JSON.stringify(request.json) : request.body,
				json: false,
				simple: false,
				resolveWithFullResponse: true,
				// As in n8nTransport: a redirect is the SDK's to refuse, never followed with the credential.
				followRedirect: false,
				timeout: request.timeoutMs,
			})) as FullResponse;
			return {
				status: response.statusCode,
				headers: lowerCaseHeaders(response.headers),
				body: parseBody(response.body, request.responseType),
			};
		},
		sleep: async (ms: number) => await sleep(ms),
	};
}
