import type { IncomingMessage, ServerResponse } from 'http';
import { pipeline } from 'stream/promises';
import type { Content } from './content';
import { badRequest, EmulatorError } from './errors';

type Headers = Record<string, string | number>;

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Headers = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

export function sendText(
	res: ServerResponse,
	status: number,
	text: string,
	headers: Headers = {},
): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** An S3-style error document. */
export function sendS3Error(
	res: ServerResponse,
	status: number,
	code: string,
	message: string,
	headers: Headers = {},
): void {
	const xml =
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>EMULATOR</RequestId></Error>`;
	res.writeHead(status, {
		'Content-Type': 'application/xml',
		'Content-Length': Buffer.byteLength(xml),
		...headers,
	});
	res.end(xml);
}

/** Streams a file's content (nothing for HEAD). */
export async function sendFile(
	req: IncomingMessage,
	res: ServerResponse,
	file: { content: Content; size: number; mimetype: string; filename: string },
	headers: Headers = {},
): Promise<void> {
	res.writeHead(200, {
		'Content-Type': file.mimetype,
		'Content-Length': file.size,
		'Content-Disposition': contentDisposition(file.filename, 'inline'),
		...headers,
	});
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	await pipeline(file.content.bytes(), res);
}

/** `inline; filename="…"` with an ASCII fallback and the exact UTF-8 name in `filename*`. */
export function contentDisposition(filename: string, type: 'inline' | 'attachment'): string {
	const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
	return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Reads a small body whole (JSON, forms); larger than `limit` is refused. */
export async function readSmallBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) throw new EmulatorError(413, `Request body larger than ${limit} bytes`);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON object body as received (`text`); an empty body is an empty object. */
export function parseJsonBody(text: string): Record<string, unknown> {
	if (text.trim() === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw badRequest('Invalid JSON body');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
		throw badRequest('JSON body must be an object');
	return parsed as Record<string, unknown>;
}

export function unixSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

function escapeXml(text: string): string {
	return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
