import { randomBytes } from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import { join } from 'path';
import type { AppConfig, Apps } from './apps';
import type { Faults } from './faults';
import type { FileStore, StoredFile } from './files';
import { Gauge } from './gauge';
import type { RouteName } from './routes';
import type { PutTarget, Upload } from './uploads';
import type { VideoJob } from './video';
import type { Webhooks } from './webhooks';

/** A request as received: JSON and form bodies parsed, uploaded bytes never kept. */
export interface RequestLogEntry {
	route: RouteName | 'unknown';
	method: string;
	/** The path as the URL parser reads it (dot segments resolved, percent-escapes kept). */
	path: string;
	/** The request target exactly as it arrived on the request line. */
	target: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body?: unknown;
	/** A JSON body's text exactly as it arrived. */
	rawBody?: string;
	/** When the request arrived and when its answer was sent or the connection closed (`Date.now()`). */
	receivedAt: number;
	endedAt?: number;
}

/** The most requests of `log` that were being handled at the same moment. */
export function mostAtOnce(log: readonly RequestLogEntry[]): number {
	const moments = log.flatMap((entry) => [
		{ at: entry.receivedAt, change: 1 },
		{ at: entry.endedAt ?? Infinity, change: -1 },
	]);
	// At the same instant an end comes before an arrival: a request answered then was not handled beside it.
	moments.sort((a, b) => a.at - b.at || a.change - b.change);
	let now = 0;
	let most = 0;
	for (const { change } of moments) most = Math.max(most, (now += change));
	return most;
}

/** Everything one emulator instance knows; handlers receive it, nothing lives in module globals. */
export class EmulatorState {
	readonly requests: RequestLogEntry[] = [];
	readonly uploads = new Map<string, Upload>();
	/** Presigned PUT URLs handed out, by their signature token. */
	readonly putTargets = new Map<string, PutTarget>();
	/** Video conversions, by transformation path without its security segment. */
	readonly videoJobs = new Map<string, VideoJob>();
	/**
	 * Multipart uploads between start and the complete that stores them; counted before either is answered, so the
	 * peak never exceeds the uploads a client had under way at once.
	 */
	readonly openUploads = new Gauge();

	constructor(
		readonly origin: string,
		/** The instance's temporary directory (files/, uploads/, tmp/ below it). */
		readonly dir: string,
		readonly apps: Apps,
		readonly faults: Faults,
		readonly files: FileStore,
		readonly webhooks: Webhooks,
		/** Smallest size S3 accepts for every part but the last. */
		readonly minPartSize: number,
	) {}

	/** A fresh path for a file being written; callers move it into place or delete it. */
	tempPath(label: string): string {
		return join(this.dir, 'tmp', `${label}-${randomBytes(8).toString('hex')}`);
	}

	/** The app a file belongs to (a bare one, without secret, if that app was removed since). */
	ownerOf(file: StoredFile): AppConfig {
		return this.apps.get(file.apiKey) ?? { apiKey: file.apiKey };
	}

	fileUrl(handle: string): string {
		return `${this.origin}/${handle}`;
	}
}
