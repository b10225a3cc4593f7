import { randomInt } from 'crypto';
import { rename, rm } from 'fs/promises';
import { join } from 'path';
import type { Spooled } from './spool';

/** Where and how a file is stored, as given in `store` options. */
export interface StoreOptions {
	location?: string;
	path?: string;
	container?: string;
	region?: string;
	access?: string;
}

/** A file the emulator holds; its bytes are on disk at `path`. */
export interface StoredFile {
	handle: string;
	apiKey: string;
	filename: string;
	mimetype: string;
	size: number;
	/** Lowercase hex MD5 of the content. */
	md5: string;
	path: string;
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

/** The stored files by handle; each one's content is moved into `dir` when stored. */
export class FileStore {
	readonly records = new Map<string, StoredFile>();

	constructor(private readonly dir: string) {}

	/** Takes ownership of a spooled file (moves it) and records it under a new handle. */
	async add(content: Spooled, file: NewFile): Promise<StoredFile> {
		const handle = this.newHandle();
		const path = join(this.dir, handle);
		await rename(content.path, path);
		const store = file.store ?? {};
		const record: StoredFile = {
			handle,
			apiKey: file.apiKey,
			filename: file.filename,
			mimetype: file.mimetype,
			size: content.size,
			md5: content.md5,
			path,
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

	/** New content for an existing handle (overwrite), swapped in atomically. */
	async replace(handle: string, content: Spooled, mimetype?: string): Promise<StoredFile> {
		const record = this.require(handle);
		await rename(content.path, record.path);
		const updated = { ...record, size: content.size, md5: content.md5, mimetype: mimetype ?? record.mimetype };
		this.records.set(handle, updated);
		return updated;
	}

	async remove(handle: string): Promise<void> {
		const record = this.require(handle);
		this.records.delete(handle);
		await rm(record.path, { force: true });
	}

	get(handle: string): StoredFile | undefined {
		return this.records.get(handle);
	}

	async clear(): Promise<void> {
		const paths = [...this.records.values()].map((record) => record.path);
		this.records.clear();
		await Promise.all(paths.map((path) => rm(path, { force: true })));
	}

	private require(handle: string): StoredFile {
		const record = this.records.get(handle);
		if (!record) throw new Error(`No stored file ${handle}`);
		return record;
	}

	private newHandle(): string {
		let handle: string;
		do {
			handle = Array.from({ length: 20 }, () => HANDLE_ALPHABET[randomInt(HANDLE_ALPHABET.length)]).join('');
		} while (this.records.has(handle));
		return handle;
	}
}

/** Filestack's key rule: a `path` ending in `/` is a folder (`<path><handle>_<filename>`), otherwise the key itself. */
function storageKey(handle: string, filename: string, path: string | undefined): string {
	if (path === undefined || path === '') return `${handle}_${filename}`;
	return path.endsWith('/') ? `${path}${handle}_${filename}` : path;
}
