import { FilestackApiError } from './errors';
import { handleOfUrl } from './url';

/** A file Filestack has stored (upload, upload from URL, store task, conversion): the same shape everywhere. */
export interface StoredFile {
	handle: string;
	url: string;
	filename?: string;
	size?: number;
	mimetype?: string;
	/** Anything else Filestack returned, under its own names: key, container, status, upload_tags, workflows, … */
	[field: string]: unknown;
}

/** A call that stores a file and may take long: fetching a big remote file, or processing a big one. */
export interface StoreCallOptions {
	/** How long Filestack may take to answer, in milliseconds; the client's per-request timeout when not given. */
	timeoutMs?: number;
}

/** What to check when a call that stores a file got no answer. */
export const STORED_FILE_CHECK =
	"Look for the new file among the application's files (Filestack dashboard) before running it again, " +
	'which could store a second copy.';

/** What the caller already knows about the file, for the fields a response leaves out. */
export type KnownFileFields = Pick<StoredFile, 'filename' | 'size' | 'mimetype'>;

/**
 * Normalises a response describing a stored file. Filestack names the MIME type `mimetype` in upload answers and
 * `type` in store answers, and some answers give only the URL, whose last path segment is the handle.
 */
export function toStoredFile(
	body: Record<string, unknown>,
	known: KnownFileFields = {},
): StoredFile {
	const url = typeof body.url === 'string' ? body.url : undefined;
	const handle =
		typeof body.handle === 'string' && body.handle ? body.handle : url && handleOfUrl(url);
	if (!handle || !url) {
		throw new FilestackApiError(
			200,
			`the answer names no stored file: ${JSON.stringify(body).slice(0, 500)}`,
			'Storing the file',
		);
	}
	const { type, ...rest } = body;
	return {
		...rest,
		handle,
		url,
		filename: stringOr(body.filename, known.filename),
		size: typeof body.size === 'number' ? body.size : numberOr(body.size, known.size),
		mimetype: stringOr(body.mimetype, stringOr(type, known.mimetype)),
	};
}

function stringOr(value: unknown, fallback: string | undefined): string | undefined {
	return typeof value === 'string' && value !== '' ? value : fallback;
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(number) ? number : fallback;
}
