import { FilestackApiError, FilestackNetworkError } from '../errors';
import { type Http, isRetryableFailure } from '../http';
import { askPutTarget, md5Base64, putRequest } from './multipart';
import type { Part } from './parts';
import type { UploadStop } from './pipeline';
import type { UploadSession } from './session';

/** Intelligent Ingestion sends parts of 8 MiB, as chunks no smaller than 32 KiB. */
export const FII_PART_SIZE = 8 * 1024 * 1024;
export const MIN_CHUNK_SIZE = 32 * 1024;

/**
 * The chunk size of one upload, shared by its parts. A failed chunk halves it, down to 32 KiB; a chunk that
 * gets through doubles it again, up to the part size, so that a passing network hiccup does not slow the rest of
 * a long upload down for good, nor wear it down to the floor.
 */
export class ChunkSize {
	constructor(private current = FII_PART_SIZE) {}

	get bytes(): number {
		return this.current;
	}

	/** After a failed chunk of `length` bytes; answers false when the chunk was already as small as allowed. */
	shrink(length: number): boolean {
		if (length <= MIN_CHUNK_SIZE) return false;
		// Parts failing together shrink the size once, not once per part.
		if (this.current >= length)
			this.current = Math.max(MIN_CHUNK_SIZE, Math.floor(this.current / 2));
		return true;
	}

	grow(): void {
		this.current = Math.min(FII_PART_SIZE, this.current * 2);
	}
}

/**
 * Uploads one part as chunks (each: `/multipart/upload` with its offset inside the part, then a PUT), then commits
 * it. A chunk that fails in a way that may pass (no answer, cut off, 429, 5xx) is sent again smaller; once chunks
 * are at the 32 KiB floor they are retried with backoff like any request, and then the upload fails.
 */
export async function uploadIntelligentPart(
	http: Http,
	session: UploadSession,
	part: Part,
	chunkSize: ChunkSize,
	stop: UploadStop,
	fileSize: number,
): Promise<void> {
	let offset = 0;
	let failuresAtFloor = 0;
	do {
		stop.check();
		const chunk = part.bytes.subarray(
			offset,
			offset + Math.min(chunkSize.bytes, part.bytes.length - offset),
		);
		const failure = await sendChunk(http, session, part.number, offset, chunk).then(
			() => undefined,
			(error: unknown) => error,
		);
		if (failure === undefined) {
			offset += chunk.length;
			failuresAtFloor = 0;
			chunkSize.grow();
			continue;
		}
		if (!isRetryableFailure(failure)) throw failure;
		if (!chunkSize.shrink(chunk.length) && ++failuresAtFloor >= http.policy().attempts) {
			throw givenUp(part.number, failure, failuresAtFloor);
		}
		await http.pause(Math.max(1, failuresAtFloor), failure);
	} while (offset < part.bytes.length);

	await http.send(`Commit of part ${part.number}`, {
		...session.request('commit', { part: part.number, size: fileSize }),
		responseType: 'text',
	});
}

/** One try of one chunk: its URL, then its PUT. Retrying is the caller's business (it resizes the chunk). */
async function sendChunk(
	http: Http,
	session: UploadSession,
	part: number,
	offset: number,
	chunk: Uint8Array,
) {
	const where = `part ${part} at offset ${offset}`;
	const fields = { part, size: chunk.length, md5: md5Base64(chunk), offset, fii: true };
	const target = await askPutTarget(http, session, `URL for ${where}`, fields, { attempts: 1 });
	await http.send(`Upload of ${where}`, putRequest(target, chunk), { retry: { attempts: 1 } });
}

function givenUp(part: number, cause: unknown, tries: number): Error {
	const what = `Upload of part ${part} (Intelligent Ingestion, down to chunks of ${MIN_CHUNK_SIZE / 1024} KiB)`;
	return cause instanceof FilestackApiError
		? new FilestackApiError(cause.status, cause.detail, what, cause.correlationId, tries)
		: new FilestackNetworkError(what, cause, tries);
}
