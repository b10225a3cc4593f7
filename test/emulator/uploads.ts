import type { StoreOptions } from './files';
import type { Spooled } from './spool';

/** A multipart upload between start and complete. */
export interface Upload {
	id: string;
	apiKey: string;
	uri: string;
	region: string;
	filename: string;
	mimetype: string;
	size: number;
	store: StoreOptions;
	/** Where its parts and chunks are kept. */
	dir: string;
	/** Regular parts that arrived whole, by part number. */
	parts: Map<number, Part>;
	/** Intelligent Ingestion chunks, by part number then offset inside the part (the latest one wins). */
	chunks: Map<number, Map<number, Spooled>>;
	/** Committed Intelligent Ingestion parts: their chunks in order. */
	commits: Map<number, Spooled[]>;
	/** How many times complete was answered 202 (fault `complete202Count`). */
	answered202: number;
	/** Complete is storing the file; calls meanwhile get 202. */
	completing: boolean;
	/** The answer of the complete that stored the file. */
	result?: Record<string, unknown>;
}

export interface Part extends Spooled {
	/** `"<hex md5>"`, quotes included, as S3 sends it. */
	etag: string;
}

/** What a presigned PUT URL was issued for. */
export interface PutTarget {
	uploadId: string;
	part: number;
	/** Intelligent Ingestion: offset of the chunk inside the part. */
	offset?: number;
	size: number;
	/** Base64 MD5 the body must have. */
	md5: string;
	/** The headers the PUT must carry, exactly. */
	headers: Record<string, string>;
}
