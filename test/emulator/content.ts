import { type FileHandle, open, rm } from 'fs/promises';
import { digests, type Spooled } from './spool';

/**
 * The bytes of a file: files on disk ("segments"), read one after another. A multipart upload keeps its parts (or
 * Intelligent Ingestion chunks) as the segments, so completing it copies nothing. The MD5 of a single segment is
 * known from spooling it; the MD5 of several is computed in one pass when first asked, then kept.
 */
export class Content {
	private digest?: Promise<string>;

	constructor(
		readonly segments: readonly string[],
		md5?: string,
	) {
		if (md5 !== undefined) this.digest = Promise.resolve(md5);
	}

	/** The spooled files, where they lie, in order. */
	static of(pieces: readonly Spooled[]): Content {
		return new Content(
			pieces.map((piece) => piece.path),
			pieces.length === 1 ? pieces[0].md5 : undefined,
		);
	}

	/** The bytes in order. Every segment is opened before the first byte, so deleting meanwhile cuts no read short. */
	async *bytes(): AsyncGenerator<Buffer> {
		const handles: FileHandle[] = [];
		try {
			for (const segment of this.segments) handles.push(await open(segment, 'r'));
			for (const handle of handles)
				yield* handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>;
		} finally {
			await Promise.all(handles.map(async (handle) => await handle.close()));
		}
	}

	/** Lowercase hex MD5 of the bytes. */
	async md5(): Promise<string> {
		this.digest ??= digests(this.bytes(), ['md5']).then(({ md5 }) => md5);
		return await this.digest;
	}

	/** The bytes whole, for small files in tests. */
	async read(): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of this.bytes()) chunks.push(chunk);
		return Buffer.concat(chunks);
	}

	async remove(): Promise<void> {
		await Promise.all(this.segments.map(async (segment) => await rm(segment, { force: true })));
	}
}
