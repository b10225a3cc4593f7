import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { HttpRequest, HttpResponse, Transport } from '../../nodes/Filestack/sdk/transport';

export interface NodeTransportOptions {
	/** Replaces the real wait, e.g. to record backoff delays in unit tests without spending them. */
	sleep?: (ms: number) => Promise<void>;
	/** Keep-alive connections per host (default 32): parts in flight reuse sockets like a browser or axios would. */
	maxSockets?: number;
}

/**
 * The SDK's Transport on Node's own `http`/`https`, for tests (nock intercepts it) and the benchmark. Any status is a
 * response; no response (refused, reset, timeout, a body cut off) is a rejection, as the Transport contract asks.
 */
export function nodeTransport(options: NodeTransportOptions = {}): Transport & { close(): void } {
	const agents = {
		'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 }),
		'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 }),
	};
	return {
		request: async (request) => await send(request, agents),
		sleep:
			options.sleep ??
			(async (ms) => await new Promise<void>((resolve) => setTimeout(resolve, ms))),
		close() {
			agents['http:'].destroy();
			agents['https:'].destroy();
		},
	};
}

async function send(
	request: HttpRequest,
	agents: Record<'http:' | 'https:', http.Agent>,
): Promise<HttpResponse> {
	const url = new URL(request.url);
	for (const [name, value] of Object.entries(request.query ?? {}))
		url.searchParams.append(name, value);
	const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
	const headers: Record<string, string> = { ...request.headers };
	let body: Buffer | Readable | undefined;
	if (request.json !== undefined) {
		body = Buffer.from(JSON.stringify(request.json));
		headers['content-type'] ??= 'application/json';
	} else if (typeof request.body === 'string') {
		body = Buffer.from(request.body);
	} else if (request.body instanceof Uint8Array) {
		// A view into a bigger buffer (a chunk of a part) must send only its own bytes: wrap, never copy.
		body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
	} else if (request.body !== undefined) {
		body = Readable.from(request.body, { objectMode: false });
	}
	if (Buffer.isBuffer(body) && !hasHeader(headers, 'content-length'))
		headers['content-length'] = String(body.length);

	const client = protocol === 'https:' ? https : http;
	const req = client.request(url, { method: request.method, headers, agent: agents[protocol] });
	if (request.timeoutMs) {
		req.setTimeout(request.timeoutMs, () =>
			req.destroy(new Error(`no data for ${request.timeoutMs} ms`)),
		);
	}
	const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
		req.once('response', resolve);
		req.on('error', reject);
	});
	if (body instanceof Readable) {
		// The server may answer (and close) before reading everything: that is the response, not a sending error.
		pipeline(body, req).catch((error: unknown) => req.destroy(error as Error));
	} else {
		req.end(body);
	}
	const response = await responded;
	const result = { status: response.statusCode ?? 0, headers: lowerCaseHeaders(response.headers) };
	if (request.responseType === 'stream') return { ...result, body: response };
	const text = (await readAll(response)).toString('utf8');
	return { ...result, body: request.responseType === 'text' ? text : parseJson(text) };
}

/** The whole body, or a rejection if the connection ends before the body does. */
async function readAll(response: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of response) chunks.push(chunk as Buffer);
	if (!response.complete) throw new Error('the response body was cut off');
	return Buffer.concat(chunks);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function lowerCaseHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
	const result: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(headers))
		result[name] = Array.isArray(value) ? value.join(', ') : value;
	return result;
}
