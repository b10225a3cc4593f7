import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ByteStream, HttpRequest, HttpResponse, Transport } from '../sdk/transport';

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
				// A redirect would carry the key, the signature or the signed body to wherever it points: the SDK refuses it.
				disableFollowRedirect: true,
				timeout: request.timeoutMs,
				abortSignal: signal(),
			};
			if (request.json !== undefined) {
				options.body = JSON.stringify(request.json);
				options.headers = { 'Content-Type': 'application/json', ...options.headers };
			} else {
				if (request.body !== undefined) options.body = await requestBody(request.body);
				// n8n's client gives a POST or PUT without one `application/x-www-form-urlencoded`; false keeps it out,
				// so that a part reaches storage with only the headers Filestack handed out.
				if (!hasHeader(options.headers, 'content-type'))
					options.headers = { ...options.headers, 'Content-Type': false };
			}
			const response = (await context.helpers.httpRequest(options)) as IN8nHttpFullResponse;
			return {
				status: response.statusCode,
				headers: lowerCaseHeaders(response.headers),
				body:
					request.responseType === 'stream'
						? response.body
						: parseBody(response.body, request.responseType),
			};
		},
		sleep: async (ms: number) => await cancellableSleep(ms, signal()),
	};
}

/**
 * Waits, and stops waiting with a rejection as soon as the workflow is stopped. (n8n-workflow 1.x has
 * `sleepWithAbort` for this, 2.x only `sleep`; the package runs on the host's copy of either.)
 */
async function cancellableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new Error('The workflow was stopped');
	let onAbort = () => {};
	const stopped = new Promise<never>((_, reject) => {
		onAbort = () => reject(new Error('The workflow was stopped'));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), stopped]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/**
 * A body as n8n's HTTP client sends it unchanged: a Buffer (a view of a plain Uint8Array would otherwise be sent as
 * its whole underlying memory), a string, or a Node stream. Any other byte iterable holds a file that is in memory
 * already (n8n's memory binary mode), so it is gathered.
 */
async function requestBody(
	body: NonNullable<HttpRequest['body']>,
): Promise<IHttpRequestOptions['body']> {
	if (typeof body === 'string') return body;
	if (body instanceof Uint8Array) return asBuffer(body);
	if (typeof (body as { pipe?: unknown }).pipe === 'function')
		return body as unknown as IHttpRequestOptions['body'];
	const chunks: Buffer[] = [];
	for await (const chunk of body as ByteStream) chunks.push(asBuffer(chunk));
	return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function asBuffer(bytes: Uint8Array): Buffer {
	return Buffer.isBuffer(bytes)
		? bytes
		: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function parseBody(body: unknown, responseType: HttpRequest['responseType']): unknown {
	if (typeof body !== 'string' || responseType === 'text') return body;
	if (body === '') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function hasHeader(headers: IHttpRequestOptions['headers'], name: string): boolean {
	return Object.keys(headers ?? {}).some((key) => key.toLowerCase() === name);
}

export function lowerCaseHeaders(
	headers: IN8nHttpFullResponse['headers'],
): Record<string, string | undefined> {
	const result: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		result[name.toLowerCase()] = Array.isArray(value)
			? value.join(', ')
			: (value as string | undefined);
	}
	return result;
}
