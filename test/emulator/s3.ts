import { rename, rm } from 'fs/promises';
import { join } from 'path';
import { EmulatorError } from './errors';
import type { Exchange } from './routes';
import { removedOnFailure, spool, type Spooled } from './spool';
import type { EmulatorState } from './state';
import type { PutTarget } from './uploads';

/**
 * PUT on a presigned URL: the headers must be exactly those handed out, the body is streamed to disk while its MD5
 * is computed, and only a complete body with the declared length and MD5 becomes the part (or FII chunk).
 */
export async function putPart(state: EmulatorState, { req, res, url }: Exchange): Promise<void> {
	const token = url.searchParams.get('X-Amz-Signature') ?? '';
	const target = state.putTargets.get(token);
	const upload = target && state.uploads.get(target.uploadId);
	if (!target || !upload || url.pathname !== `/s3${upload.uri}/${target.part}`) {
		throw new EmulatorError(
			403,
			'The request signature we calculated does not match the signature you provided.',
			'SignatureDoesNotMatch',
		);
	}
	for (const [name, value] of Object.entries(target.headers)) {
		if (req.headers[name.toLowerCase()] !== value) {
			throw new EmulatorError(
				403,
				`The request signature we calculated does not match the signature you provided. Header ${name} is not the one that was signed.`,
				'SignatureDoesNotMatch',
			);
		}
	}
	if (req.headers['content-length'] === undefined) {
		throw new EmulatorError(
			411,
			'You must provide the Content-Length HTTP header.',
			'MissingContentLength',
		);
	}

	const temp = state.tempPath('put');
	const received = await removedOnFailure(temp, spool(req, temp));
	const refusal = refuse(received, target, state.uploads.has(upload.id) && !upload.result);
	if (refusal) {
		await rm(received.path, { force: true });
		throw refusal;
	}

	// Named after the content, so a concurrent retry with other bytes cannot overwrite a recorded part.
	const name =
		target.offset === undefined ? `part-${target.part}` : `chunk-${target.part}-${target.offset}`;
	const path = join(upload.dir, `${name}-${received.md5}`);
	await rename(received.path, path);
	const stored = { ...received, path };
	if (target.offset === undefined) {
		upload.parts.set(target.part, { ...stored, etag: `"${received.md5}"` });
	} else {
		const chunks = upload.chunks.get(target.part) ?? new Map();
		chunks.set(target.offset, stored);
		upload.chunks.set(target.part, chunks);
	}
	res.writeHead(200, { ETag: `"${received.md5}"`, 'Content-Length': 0 });
	res.end();
}

/** Why a fully received body cannot become the part, if it cannot. */
function refuse(
	received: Spooled,
	target: PutTarget,
	uploadOpen: boolean,
): EmulatorError | undefined {
	if (received.size !== target.size) {
		return new EmulatorError(
			400,
			`The body has ${received.size} bytes, ${target.size} were declared.`,
			'IncompleteBody',
		);
	}
	if (Buffer.from(received.md5, 'hex').toString('base64') !== target.md5) {
		return new EmulatorError(
			400,
			'The Content-MD5 you specified did not match what was received.',
			'BadDigest',
		);
	}
	if (!uploadOpen)
		return new EmulatorError(
			404,
			'The specified upload does not exist or is already complete.',
			'NoSuchUpload',
		);
	return undefined;
}
