import { createHash } from 'crypto';

import { FilestackApiError } from '../errors';
import type { Http } from '../http';
import type { HttpRequest } from '../transport';
import type { Part } from './parts';
import type { UploadStop } from './pipeline';
import type { UploadSession } from './session';

/** Where and how to PUT some bytes, as the Upload API answers `/multipart/upload`. */
export interface PutTarget {
	url: string;
	headers: Record<string, string>;
}

/** Base64 of the raw MD5 digest, as the Upload API wants it. */
export function md5Base64(bytes: Uint8Array): string {
	return createHash('md5').update(bytes).digest('base64');
}

/**
 * Uploads one part of a regular multipart upload and answers its ETag, verbatim (S3 quotes it). Each try asks
 * `/multipart/upload` for a fresh URL and PUTs the same bytes again, so a failed try never leaves a corrupt part.
 */
export async function uploadRegularPart(
	http: Http,
	session: UploadSession,
	part: Part,
	stop: UploadStop,
): Promise<string> {
	const md5 = md5Base64(part.bytes);
	const describe = { part: part.number, size: part.bytes.length, md5 };
	const response = await http.send(`Upload of part ${part.number}`, async () => {
		stop.check();
		const target = await askPutTarget(http, session, `URL for part ${part.number}`, describe);
		return putRequest(target, part.bytes);
	});
	const etag = response.headers.etag;
	if (!etag) {
		throw new FilestackApiError(
			response.status,
			'the storage answered without an ETag header; if it is your own S3 bucket, expose ETag in its CORS settings',
			`Upload of part ${part.number}`,
		);
	}
	return etag;
}

/** `/multipart/upload`: the presigned URL and headers for some bytes of a part. */
export async function askPutTarget(
	http: Http,
	session: UploadSession,
	what: string,
	fields: Record<string, unknown>,
	options: { attempts?: number } = {},
): Promise<PutTarget> {
	const body = await http.json(what, session.request('upload', fields), {
		retry: options.attempts ? { attempts: options.attempts } : undefined,
	});
	if (typeof body.url !== 'string' || !body.url) {
		throw new FilestackApiError(
			200,
			`the answer has no upload URL: ${JSON.stringify(body).slice(0, 300)}`,
			what,
		);
	}
	const headers: Record<string, string> = {};
	if (typeof body.headers === 'object' && body.headers !== null) {
		for (const [name, value] of Object.entries(body.headers)) headers[name] = String(value);
	}
	return { url: body.url, headers };
}

/** The PUT to storage: exactly the headers Filestack handed out, nothing of our own. */
export function putRequest(target: PutTarget, bytes: Uint8Array): HttpRequest {
	return {
		method: 'PUT',
		url: target.url,
		headers: target.headers,
		body: bytes,
		responseType: 'text',
	};
}
