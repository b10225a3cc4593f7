import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

import { parseIncomingMessage } from 'n8n-core';
import { jsonParse } from 'n8n-workflow';

/** An HTTP request as a test describes it. An object body is sent as JSON. */
export interface WebhookRequest {
	body?: Buffer | string | object;
	headers?: Record<string, string>;
	method?: string;
	query?: Record<string, string>;
}

/** The request a webhook node gets from `getRequestObject()`: an IncomingMessage with what express and n8n add. */
export type HarnessRequest = IncomingMessage & {
	query: Record<string, string>;
	params: Record<string, string>;
	body?: unknown;
};

function bodyBytes(body: WebhookRequest['body']): { bytes: Buffer; json: boolean } {
	if (body === undefined) return { bytes: Buffer.alloc(0), json: false };
	if (Buffer.isBuffer(body) || typeof body === 'string')
		return { bytes: Buffer.from(body), json: false };
	return { bytes: Buffer.from(JSON.stringify(body)), json: true };
}

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/**
 * Builds the request the way n8n's webhook server prepares it before calling `webhook()` (cli body-parser and
 * webhook-helpers): headers lower-cased, `readRawBody()` that undoes gzip/deflate, and the body read up front for
 * typeVersion 1 nodes, or for JSON, text, form and XML bodies on later versions.
 */
export async function webhookRequest(
	spec: WebhookRequest,
	path: string,
	typeVersion: number,
): Promise<HarnessRequest> {
	const { bytes, json } = bodyBytes(spec.body);
	const headers: Record<string, string> = { 'content-length': String(bytes.length) };
	if (json) headers['content-type'] = 'application/json';
	for (const [name, value] of Object.entries(spec.headers ?? {}))
		headers[name.toLowerCase()] = value;

	const request = Object.assign(new IncomingMessage(new Socket()), {
		query: spec.query ?? {},
		params: {},
		async readRawBody() {
			if (request.rawBody) return;
			const encoding = headers['content-encoding'];
			const decoded =
				encoding === 'gzip'
					? request.pipe(createGunzip())
					: encoding === 'deflate'
						? request.pipe(createInflate())
						: request;
			request.rawBody = await readAll(decoded);
		},
	}) as HarnessRequest;
	request.method = spec.method ?? 'POST';
	request.url = `/webhook/${path}`;
	request.headers = headers;
	if (bytes.length > 0) request.push(bytes);
	request.push(null);
	parseIncomingMessage(request);

	const { contentType } = request;
	if (contentType === 'multipart/form-data')
		throw new Error('The harness does not build multipart webhook requests');
	const readUpFront =
		typeVersion === 1 ||
		['application/json', 'text/plain', 'application/x-www-form-urlencoded'].some((type) =>
			contentType?.startsWith(type),
		) ||
		contentType?.endsWith('/xml') ||
		contentType?.endsWith('+xml');
	if (readUpFront) await parseBody(request);
	return request;
}

async function parseBody(request: HarnessRequest): Promise<void> {
	await request.readRawBody();
	const { rawBody, contentType, encoding } = request;
	if (!rawBody?.length) return;
	const text = rawBody.toString(encoding);
	if (contentType === 'application/json') request.body = jsonParse(text);
	else if (contentType === 'application/x-www-form-urlencoded')
		request.body = parseQueryString(text);
	else if (contentType === 'text/plain') request.body = text;
	else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml')) {
		throw new Error('The harness does not parse XML webhook bodies');
	}
}
