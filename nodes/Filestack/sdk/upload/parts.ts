import { FilestackValidationError } from '../errors';
import type { ByteStream } from '../transport';
import type { PartMemory } from './partMemory';

/** The bytes to upload: a stream of chunks of any size, and their total, known up front. */
export interface UploadSource {
	size: number;
	stream: ByteStream;
}

export interface Part {
	/** 1-based. */
	number: number;
	/** Where the part starts in the file. */
	offset: number;
	bytes: Uint8Array;
}

/**
 * Cuts the stream into parts while reading it. Each part is yielded as soon as it is full; the stream is not read
 * further until the consumer asks for the next part, which is how back-pressure reaches the source. A stream that
 * turns out longer or shorter than its declared size is an error, never a silently different file. A file of
 * 0 bytes is one empty part: Filestack refuses to complete an upload without parts ("invalid params: parts").
 */
export async function* readParts(
	source: UploadSource,
	partSize: number,
	memory: PartMemory,
): AsyncGenerator<Part> {
	const { size } = source;
	const capacity = Math.min(partSize, size);
	let number = 1;
	let start = 0;
	/** The part being filled: its buffer is given back if reading stops before it is handed on. */
	let part: Uint8Array | undefined = await memory.take(capacity);
	let filled = 0;
	try {
		for await (const chunk of source.stream) {
			for (let at = 0; at < chunk.length; ) {
				if (!part) {
					throw new FilestackValidationError(
						`The file has more bytes than its declared size of ${size} bytes`,
					);
				}
				const length = Math.min(part.length - filled, chunk.length - at);
				part.set(chunk.subarray(at, at + length), filled);
				filled += length;
				at += length;
				if (filled === part.length) {
					const full = part;
					part = undefined;
					yield { number, offset: start, bytes: full };
					number++;
					start += full.length;
					filled = 0;
					if (start < size)
						part = (await memory.take(capacity)).subarray(0, Math.min(partSize, size - start));
				}
			}
		}
		if (start + filled < size) {
			throw new FilestackValidationError(
				`The file ended after ${start + filled} of its declared ${size} bytes`,
			);
		}
		if (size === 0 && part) {
			const empty = part;
			part = undefined;
			yield { number, offset: 0, bytes: empty };
		}
	} finally {
		if (part) memory.giveBack(part);
	}
}
