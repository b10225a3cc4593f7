import { FilestackApiError, FilestackValidationError } from '../errors';
import type { Http } from '../http';
import type { StoredFile } from '../storedFile';
import { ChunkSize, FII_PART_SIZE, uploadIntelligentPart } from './intelligent';
import { uploadRegularPart } from './multipart';
import { PartMemory } from './partMemory';
import { type Part, readParts, UploadSource } from './parts';
import { uploadParts } from './pipeline';
import { UploadSession, type Signer, type UploadTarget } from './session';
import { type StoreOptions, uploadStoreBody, validateStoreOptions } from './storeOptions';

export type { Signer, StoreOptions, UploadSource, UploadTarget };
export { PART_MEMORY_BUDGET, PartMemory } from './partMemory';
export { STORAGE_LOCATIONS, type StorageLocation, validateStoreOptions } from './storeOptions';

/** `auto`: when the app has it (the start answer says so); `on`: required; `off`: regular multipart. */
export type IntelligentIngestion = 'auto' | 'on' | 'off';

export interface UploadOptions {
	filename: string;
	/** `application/octet-stream` when not given. */
	mimetype?: string;
	/** Where and how to store the file; its `filename` and `mimetype` are the ones above. */
	store?: StoreOptions;
	intelligent?: IntelligentIngestion;
	/** Parts uploaded at once, 1–20; 4 by default. */
	concurrency?: number;
	/** Bytes per part of a regular upload, at least 5 MiB; 8 MiB by default. Intelligent Ingestion uses 8 MiB. */
	partSize?: number;
	sign?: Signer;
	/** The part memory this upload shares with the client's other uploads; its own budget when not given. */
	memory?: PartMemory;
}

const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * MiB;
export const MIN_PART_SIZE = 5 * MiB;
/** S3 takes at most 10,000 parts: a bigger file gets bigger parts. */
const MAX_PARTS = 10_000;
const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 20;
const MODES: readonly IntelligentIngestion[] = ['auto', 'on', 'off'];

/**
 * Uploads a stream of `source.size` bytes as a new Filestack file: multipart, split into parts while reading,
 * at most `concurrency` parts in flight (and one more being read) within the part memory shared with the client's
 * other uploads, every request retried where that may help.
 * Everything is checked before the first request. The result is the stored file as Filestack describes it.
 * The stream is the upload's: it is closed when the upload ends, even if it failed before reading it.
 */
export async function uploadStream(
	http: Http,
	target: UploadTarget,
	source: UploadSource,
	options: UploadOptions,
): Promise<StoredFile> {
	try {
		const policy = http.policy();
		// Each of an upload's many requests gets the upload's budget of tries (RetryPolicy.uploadAttempts).
		const uploadHttp = http.withRetry({ attempts: policy.uploadAttempts ?? policy.attempts });
		return await upload(uploadHttp, target, source, options);
	} finally {
		await close(source.stream);
	}
}

async function upload(
	http: Http,
	target: UploadTarget,
	source: UploadSource,
	options: UploadOptions,
): Promise<StoredFile> {
	const store: StoreOptions = {
		...options.store,
		filename: options.filename,
		mimetype: options.mimetype,
	};
	validateUpload(source, options, store);
	const mode = options.intelligent ?? 'auto';
	const start = {
		filename: options.filename,
		mimetype: options.mimetype || 'application/octet-stream',
		size: source.size,
		store: uploadStoreBody(store),
	};
	const begin = async (fii: boolean) =>
		await UploadSession.begin(http, target, start, { fii, sign: options.sign });
	const session = mode === 'auto' ? await beginAsking(begin) : await begin(mode === 'on');
	const intelligent = mode !== 'off' && session.intelligent;
	if (mode === 'on' && !intelligent) {
		throw new FilestackValidationError(
			'Intelligent Ingestion is not enabled for this Filestack application: ' +
				'set Intelligent Ingestion to "auto" or "off", or ask Filestack to enable it',
		);
	}

	const partSize = Math.max(
		intelligent ? FII_PART_SIZE : (options.partSize ?? DEFAULT_PART_SIZE),
		Math.ceil(source.size / MAX_PARTS),
	);
	const memory = options.memory ?? new PartMemory();
	const parts = readParts(source, partSize, memory);
	const partDone = (part: Part, reusable: boolean) => memory.giveBack(part.bytes, reusable);
	const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
	const tags =
		store.uploadTags && Object.keys(store.uploadTags).length
			? { upload_tags: store.uploadTags }
			: {};

	if (intelligent) {
		const chunkSize = new ChunkSize();
		await uploadParts(
			parts,
			concurrency,
			async (part, stop) =>
				await uploadIntelligentPart(http, session, part, chunkSize, stop, source.size),
			partDone,
		);
		return await session.complete({ fii: true, ...tags });
	}

	const etags: string[] = [];
	await uploadParts(
		parts,
		concurrency,
		async (part, stop) => {
			etags[part.number - 1] = await uploadRegularPart(http, session, part, stop);
		},
		partDone,
	);
	const partList = etags.map((etag, index) => ({ part_number: index + 1, etag }));
	return await session.complete({ parts: partList, ...tags });
}

/**
 * `auto` asks for Intelligent Ingestion, as the start answer alone tells whether the app has it. An app that refuses
 * the question (400; a 401 or 403 concerns the credential and would come again) is asked again for a regular upload,
 * which answers for itself: a start creates nothing.
 */
async function beginAsking(
	begin: (fii: boolean) => Promise<UploadSession>,
): Promise<UploadSession> {
	const asked = await begin(true).then(
		(session) => ({ session }),
		(error: unknown) => ({ error }),
	);
	if ('session' in asked) return asked.session;
	const refused = asked.error instanceof FilestackApiError && asked.error.status === 400;
	if (!refused) throw asked.error;
	return await begin(false);
}

/**
 * Ends a stream that may not have been read: a file stream holds a file descriptor until it ends. A Node stream
 * is destroyed (ending an iterator that never started would not reach it); any other iterable is told to return.
 */
async function close(stream: UploadSource['stream']): Promise<void> {
	try {
		const destroy = (stream as { destroy?: unknown } | undefined)?.destroy;
		if (typeof destroy === 'function') destroy.call(stream);
		else await stream?.[Symbol.asyncIterator]?.().return?.();
	} catch {
		// Closing is tidying up: an error here says nothing about the upload.
	}
}

function validateUpload(source: UploadSource, options: UploadOptions, store: StoreOptions): void {
	const fail = (message: string): never => {
		throw new FilestackValidationError(message);
	};
	if (typeof options.filename !== 'string' || options.filename.trim() === '')
		fail('The file name must not be empty');
	validateStoreOptions(store);
	if (!Number.isSafeInteger(source.size) || source.size < 0) {
		fail(`The file size must be a whole number of bytes, 0 or more (got ${String(source.size)})`);
	}
	const { concurrency, partSize, intelligent } = options;
	if (
		concurrency !== undefined &&
		(!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
	) {
		fail(
			`Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${String(concurrency)})`,
		);
	}
	if (partSize !== undefined && (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE)) {
		fail(`The part size must be at least ${MIN_PART_SIZE} bytes (5 MiB) (got ${String(partSize)})`);
	}
	if (intelligent !== undefined && !MODES.includes(intelligent)) {
		fail(`Intelligent Ingestion must be one of ${MODES.join(', ')} (got ${String(intelligent)})`);
	}
}
