import { createHash } from 'crypto';
import { get, type IncomingMessage } from 'http';
import { badRequest } from './errors';
import { isLoopbackHttp } from './loopback';
import { mimetypeOf } from './mime';
import { syntheticPng } from './png';
import { type Bytes, spool, type Spooled } from './spool';

/** Content taken from a URL, written to a temporary file. */
export interface SourceContent {
	spooled: Spooled;
	filename: string;
	mimetype: string;
}

/** Optional step between the bytes and the disk (e.g. base64 decoding). */
export type ByteFilter = (chunks: Bytes) => Bytes;

const passThrough: ByteFilter = (chunks) => chunks;

/**
 * Loopback http URLs are fetched for real (streamed, no redirects followed); any other URL is never contacted:
 * its content is synthesized from the URL itself, the same bytes every time.
 */
export async function contentOf(
	source: string,
	destination: string,
	headers: Record<string, string> = {},
	filter: ByteFilter = passThrough,
): Promise<SourceContent> {
	const url = parseUrl(source);
	const filename = decodeURIComponent(url.pathname.split('/').pop() || '') || 'file';
	if (isLoopbackHttp(url)) {
		const res = await fetchLoopback(url, headers);
		if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) {
			res.resume();
			throw badRequest(`Cannot fetch ${source}: it answered HTTP ${res.statusCode}`);
		}
		const type = res.headers['content-type']?.split(';')[0].trim();
		const spooled = await spool(filter(res), destination);
		return { spooled, filename, mimetype: type || mimetypeOf(filename) };
	}
	const mimetype =
		mimetypeOf(filename) === 'application/octet-stream' ? 'text/plain' : mimetypeOf(filename);
	const spooled = await spool(filter([synthesize(source, mimetype)]), destination);
	return { spooled, filename, mimetype };
}

export function parseUrl(source: string): URL {
	try {
		return new URL(source);
	} catch {
		throw badRequest(`Invalid source URL: ${source}`);
	}
}

/** A tiny PNG for image URLs, otherwise lines of text derived from a hash of the URL. */
function synthesize(source: string, mimetype: string): Buffer {
	if (mimetype.startsWith('image/')) return syntheticPng(64, 64, source);
	let digest = createHash('sha256').update(source).digest();
	const lines = [`Filestack emulator: synthetic content of ${source}`];
	for (let i = 0; i < 16 + (digest[0] % 48); i++) {
		digest = createHash('sha256').update(digest).digest();
		lines.push(digest.toString('hex'));
	}
	return Buffer.from(`${lines.join('\n')}\n`);
}

async function fetchLoopback(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
	return await new Promise<IncomingMessage>((resolve, reject) => {
		const req = get(url, { headers, timeout: 30_000 }, resolve);
		req.on('timeout', () => req.destroy(new Error(`Timed out fetching ${url.href}`)));
		req.on('error', (error) => reject(badRequest(`Cannot fetch ${url.href}: ${error.message}`)));
	});
}
