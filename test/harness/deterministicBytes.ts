import { createCipheriv, createHash } from 'node:crypto';

import type { ByteStream } from '../../nodes/Filestack/sdk/transport';

/**
 * `size` pseudo-random bytes that depend only on `seed`, produced piece by piece (AES-128-CTR keystream, fast and
 * incompressible), so that tests and the benchmark can stream files of any size without ever holding one.
 */
export async function* deterministicBytes(
	size: number,
	seed: number,
	pieceSize = 64 * 1024 + 1,
): AsyncGenerator<Buffer> {
	const key = createHash('sha256').update(`seed:${seed}`).digest().subarray(0, 16);
	const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
	const zeros = Buffer.alloc(pieceSize);
	for (let left = size; left > 0; left -= pieceSize) {
		yield cipher.update(zeros.subarray(0, Math.min(pieceSize, left)));
	}
}

/** Hex digest of a stream, read piece by piece. */
export async function digestOf(stream: ByteStream, algorithm = 'sha256'): Promise<string> {
	const hash = createHash(algorithm);
	for await (const piece of stream) hash.update(piece);
	return hash.digest('hex');
}
