import { createHash } from 'crypto';
import { createWriteStream } from 'fs';
import { rm } from 'fs/promises';
import { pipeline } from 'stream/promises';

/** A file written to disk, with what was learnt while writing it. */
export interface Spooled {
	path: string;
	size: number;
	/** Lowercase hex MD5 of the bytes. */
	md5: string;
}

/** Bytes in pieces: a stream, a generator, or simply an array of buffers. */
export type Bytes = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Writes a stream of bytes to `path` as they come (never holding more than a chunk), hashing on the way. */
export async function spool(source: Bytes, path: string): Promise<Spooled> {
	const hash = createHash('md5');
	let size = 0;
	await pipeline(
		source,
		async function* (chunks: Bytes) {
			for await (const chunk of chunks) {
				hash.update(chunk);
				size += chunk.length;
				yield chunk;
			}
		},
		createWriteStream(path),
	);
	return { path, size, md5: hash.digest('hex') };
}

/** Digests of bytes, computed in one pass as they stream by. */
export async function digests(
	bytes: Bytes,
	algorithms: readonly string[],
): Promise<Record<string, string>> {
	const hashes = algorithms.map((algorithm) => createHash(algorithm));
	for await (const chunk of bytes) for (const hash of hashes) hash.update(chunk);
	return Object.fromEntries(algorithms.map((algorithm, i) => [algorithm, hashes[i].digest('hex')]));
}

/** Waits for `work` that writes `path`; if it fails, deletes `path`, so no half-written file is left behind. */
export async function removedOnFailure<T>(path: string, work: Promise<T>): Promise<T> {
	let succeeded = false;
	try {
		const result = await work;
		succeeded = true;
		return result;
	} finally {
		if (!succeeded) await rm(path, { force: true });
	}
}
