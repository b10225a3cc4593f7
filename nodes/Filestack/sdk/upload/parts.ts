import { FilestackValidationError } from '../errors';
import type { ByteStream } from '../transport';

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
 * Part-sized buffers, reused once their part is uploaded: however big the file, the upload allocates only as many
 * as there are parts in memory at once.
 */
export class PartBuffers {
	private readonly free: Uint8Array[] = [];

	constructor(private readonly capacity: number) {}

	take(length: number): Uint8Array {
		return (this.free.pop() ?? new Uint8Array(this.capacity)).subarray(0, length);
	}

	giveBack(bytes: Uint8Array): void {
		this.free.push(new Uint8Array(bytes.buffer, bytes.byteOffset, this.capacity));
	}
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
	buffers: PartBuffers,
): AsyncGenerator<Part> {
	const { size } = source;
	let number = 1;
	let start = 0;
	let part = buffers.take(Math.min(partSize, size));
	let filled = 0;
	for await (const chunk of source.stream) {
		for (let at = 0; at < chunk.length; ) {
			if (start === size) {
				throw new FilestackValidationError(
					`The file has more bytes than its declared size of ${size} bytes`,
				);
			}
			const length = Math.min(part.length - filled, chunk.length - at);
			part.set(chunk.subarray(at, at + length), filled);
			filled += length;
			at += length;
			if (filled === part.length) {
				yield { number, offset: start, bytes: part };
				number++;
				start += part.length;
				filled = 0;
				if (start < size) part = buffers.take(Math.min(partSize, size - start));
			}
		}
	}
	if (start + filled < size) {
		throw new FilestackValidationError(
			`The file ended after ${start + filled} of its declared ${size} bytes`,
		);
	}
	if (size === 0) yield { number, offset: 0, bytes: part };
}
