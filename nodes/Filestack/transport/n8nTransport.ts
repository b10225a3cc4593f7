import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleepWithAbort } from 'n8n-workflow';

import type { HttpRequest, HttpResponse, Transport } from '../sdk/transport';

type HttpContext = Pick<IExecuteFunctions, 'helpers' | 'getExecutionCancelSignal'>;

/**
 * The SDK's Transport on n8n's own HTTP helper, so proxies and n8n's request settings apply, and stopping the
 * workflow aborts requests and waits. HTTP errors come back as responses: the SDK reads Filestack's error text itself.
 */
export function n8nTransport(context: HttpContext): Transport {
	const signal = () => context.getExecutionCancelSignal?.();
	return {
		async request(request: HttpRequest): Promise<HttpResponse> {
			const options: IHttpRequestOptions = {
				method: request.method,
				url: request.url,
				qs: request.query,
				headers: request.headers ?? {},
				encoding: request.responseType === 'stream' ? 'stream' : 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: request.timeoutMs,
				abortSignal: signal(),
			};
			if (request.json !== undefined) {
				options.body = JSON.stringify(request.json);
				options.headers = { 'Content-Type': 'application/json', ...options.headers };
			} else if (request.body !== undefined) {
				options.body = request.body as IHttpRequestOptions['body'];
			}
			const response = (await context.helpers.httpRequest(options)) as IN8nHttpFullResponse;
			return {
				status: response.statusCode,
				headers: lowerCaseHeaders(response.headers),
				body: request.responseType === 'stream' ? response.body : parseBody(response.body, request.responseType),
			};
		},
		sleep: async (ms: number) => await sleepWithAbort(ms, signal()),
	};
}

function parseBody(body: unknown, responseType: HttpRequest['responseType']): unknown {
	if (typeof body !== 'string' || responseType === 'text') return body;
	if (body === '') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function lowerCaseHeaders(headers: IN8nHttpFullResponse['headers']): Record<string, string | undefined> {
	const result: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : (value as string | undefined);
	}
	return result;
}
