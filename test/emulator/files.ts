import { randomInt } from 'crypto';
import { rename } from 'fs/promises';
import { join } from 'path';
import { Content } from './content';
import type { Spooled } from './spool';

/** Where and how a file is stored, as given in `store` options. */
export interface StoreOptions {
	location?: string;
	path?: string;
	container?: string;
	region?: string;
	access?: string;
}

/** A file the emulator holds; its bytes are on disk, in one or more segments. */
export interface StoredFile {
	handle: string;
	apiKey: string;
	filename: string;
	mimetype: string;
	size: number;
	/** The bytes (`content.bytes()`, `content.read()`) and their MD5 (`content.md5()`). */
	content: Content;
	location: string;
	container: string;
	key: string;
	region?: string;
	access?: string;
	uploadTags?: Record<string, string>;
	workflows?: string[];
	/** Unix milliseconds. */
	uploaded: number;
	/** The URL it was stored from (`/process`, transformations of URLs). */
	sourceUrl?: string;
}

export interface NewFile {
	apiKey: string;
	filename: string;
	mimetype: string;
	store?: StoreOptions;
	uploadTags?: Record<string, string>;
	workflows?: string[];
	sourceUrl?: string;
}

const HANDLE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_CONTAINER = 'emulator-bucket';

/** The stored files by handle; the files holding their bytes are moved into `dir` when stored. */
export class FileStore {
	readonly records = new Map<string, StoredFile>();
	/** Segments moved in so far: numbers the next one's name. */
	private segmentCount = 0;

	constructor(private readonly dir: string) {}

	/** Takes ownership of spooled files (moves them), whose bytes in order are the file, under a new handle. */
	async add(pieces: readonly Spooled[], file: NewFile): Promise<StoredFile> {
		const handle = this.newHandle();
		const content = await this.moveIn(handle, pieces);
		const store = file.store ?? {};
		const record: StoredFile = {
			handle,
			apiKey: file.apiKey,
			filename: file.filename,
			mimetype: file.mimetype,
			size: sizeOf(pieces),
			content,
			location: store.location ?? 'S3',
			container: store.container ?? DEFAULT_CONTAINER,
			key: storageKey(handle, file.filename, store.path),
			region: store.region,
			access: store.access,
			uploadTags: file.uploadTags,
			workflows: file.workflows,
			uploaded: Date.now(),
			sourceUrl: file.sourceUrl,
		};
		this.records.set(handle, record);
		return record;
	}

	/** New content for an existing handle (overwrite), swapped in at once; reads already begun see the old bytes. */
	async replace(
		handle: string,
		pieces: readonly Spooled[],
		mimetype?: string,
	): Promise<StoredFile> {
		const record = this.require(handle);
		const content = await this.moveIn(handle, pieces);
		const updated = {
			...record,
			size: sizeOf(pieces),
			content,
			mimetype: mimetype ?? record.mimetype,
		};
		this.records.set(handle, updated);
		await record.content.remove();
		return updated;
	}

	async remove(handle: string): Promise<void> {
		const record = this.require(handle);
		this.records.delete(handle);
		await record.content.remove();
	}

	get(handle: string): StoredFile | undefined {
		return this.records.get(handle);
	}

	async clear(): Promise<void> {
		const contents = [...this.records.values()].map((record) => record.content);
		this.records.clear();
		await Promise.all(contents.map(async (content) => await content.remove()));
	}

	/** Renames the pieces into the store (no bytes copied): they become the segments of a file's content. */
	private async moveIn(handle: string, pieces: readonly Spooled[]): Promise<Content> {
		const moved: Spooled[] = [];
		for (const piece of pieces) {
			const path = join(this.dir, `${handle}.${this.segmentCount++}`);
			await rename(piece.path, path);
			moved.push({ ...piece, path });
		}
		return Content.of(moved);
	}

	private require(handle: string): StoredFile {
		const record = this.records.get(handle);
		if (!record) throw new Error(`No stored file ${handle}`);
		return record;
	}

	private newHandle(): string {
		let handle: string;
		do {
			handle = Array.from(
				{ length: 20 },
				() => HANDLE_ALPHABET[randomInt(HANDLE_ALPHABET.length)],
			).join('');
		} while (this.records.has(handle));
		return handle;
	}
}

function sizeOf(pieces: readonly Spooled[]): number {
	return pieces.reduce((sum, piece) => sum + piece.size, 0);
}

/** Filestack's key rule: a `path` ending in `/` is a folder (`<path><handle>_<filename>`), otherwise the key itself. */
function storageKey(handle: string, filename: string, path: string | undefined): string {
	if (path === undefined || path === '') return `${handle}_${filename}`;
	return path.endsWith('/') ? `${path}${handle}_${filename}` : path;
}
