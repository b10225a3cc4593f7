import { uploadLocation } from '../endpoints';
import { FilestackApiError } from '../errors';
import { type Http, isJsonObject } from '../http';
import { type PolicyCall, type Security, UPLOAD_CALLS } from '../security';
import { type StoredFile, toStoredFile } from '../storedFile';
import type { HttpRequest } from '../transport';

/** Complete answers 202 while Filestack is still assembling the file: ask again every second, for two minutes. */
const COMPLETE_STEP_MS = 1000;
const COMPLETE_WAIT_MS = 120_000;

/** Where uploads start, and the app they belong to. */
export interface UploadTarget {
	/** Base URL of the Upload API (`/multipart/start` is under it). */
	uploadBase: string;
	apiKey: string;
}

/** Signs a request for the given calls, or answers undefined when the app does not use security. */
export type Signer = (calls: PolicyCall[]) => Pick<Security, 'toParams'> | undefined;

export interface StartFields {
	filename: string;
	mimetype: string;
	size: number;
	store: Record<string, unknown>;
}

type Call = 'upload' | 'commit' | 'complete';

/**
 * One multipart upload after its start: the fields that identify it, the host that serves it (`location_url`),
 * and what every later request carries (API key, store options, a fresh signature, the region header).
 */
export class UploadSession {
	private constructor(
		private readonly http: Http,
		private readonly target: UploadTarget,
		private readonly start: StartFields,
		private readonly sign: Signer | undefined,
		/** `uri`, `region` and `upload_id` of the start response. */
		private readonly ids: Record<string, string>,
		private readonly base: string,
		private readonly locationRegion: string | undefined,
		/** The app answered that it ingests this upload intelligently. */
		readonly intelligent: boolean,
	) {}

	/** Starts an upload; `fii` asks for Intelligent Ingestion. */
	static async begin(
		http: Http,
		target: UploadTarget,
		start: StartFields,
		options: { fii: boolean; sign?: Signer },
	): Promise<UploadSession> {
		const response = await http.json('Multipart start', {
			method: 'POST',
			url: `${target.uploadBase}/multipart/start`,
			// A second start only leaves an unused upload behind, which Filestack discards.
			idempotent: true,
			json: {
				apikey: target.apiKey,
				...start,
				...(options.fii && { fii: true }),
				...signature(options.sign),
			},
		});
		const ids: Record<string, string> = {};
		for (const field of ['uri', 'region', 'upload_id']) {
			const value = response[field];
			if (typeof value !== 'string' || value === '') {
				throw new FilestackApiError(
					200,
					`the answer has no "${field}": ${JSON.stringify(response).slice(0, 300)}`,
					'Multipart start',
				);
			}
			ids[field] = value;
		}
		const location = typeof response.location_url === 'string' ? response.location_url : undefined;
		const region =
			typeof response.location_region === 'string' && response.location_region
				? response.location_region
				: undefined;
		return new UploadSession(
			http,
			target,
			start,
			options.sign,
			ids,
			uploadLocation(location, target.uploadBase),
			region,
			response.upload_type === 'intelligent_ingestion',
		);
	}

	/**
	 * A POST to `/multipart/<call>` with the fields every call of this upload carries, plus `fields`. Each may be
	 * repeated: a part URL is asked afresh, a part committed again, and complete is meant to be asked until done.
	 */
	request(call: Call, fields: Record<string, unknown>): HttpRequest {
		return {
			method: 'POST',
			url: `${this.base}/multipart/${call}`,
			idempotent: true,
			headers: this.locationRegion ? { 'Filestack-Upload-Region': this.locationRegion } : undefined,
			json: {
				apikey: this.target.apiKey,
				...this.ids,
				store: this.start.store,
				...fields,
				...signature(this.sign),
			},
		};
	}

	/**
	 * Asks Filestack to assemble the file, with the start fields again plus `fields` (`parts`, `fii`, tags). While it
	 * answers 202 (still assembling), asks again every second, for at most two minutes: the identical request, signed
	 * once, as the protocol wants.
	 */
	async complete(fields: Record<string, unknown>): Promise<StoredFile> {
		const what = 'Multipart complete';
		const { filename, mimetype, size } = this.start;
		const request = this.request('complete', { filename, mimetype, size, ...fields });
		let unreadable = 0;
		for (let waited = 0; ; ) {
			const response = await this.http.send(what, { ...request, responseType: 'json' });
			if (response.status === 202) {
				if (waited >= COMPLETE_WAIT_MS) {
					throw new FilestackApiError(
						202,
						`Filestack was still assembling the file after ${COMPLETE_WAIT_MS / 1000} s; the upload is not finished`,
						what,
					);
				}
				await this.http.transport.sleep(COMPLETE_STEP_MS);
				waited += COMPLETE_STEP_MS;
			} else if (isJsonObject(response.body)) {
				return toStoredFile(response.body, { filename, mimetype, size });
			} else if (++unreadable >= this.http.policy().attempts) {
				// A success whose body was cut off: asking again is safe, the answer describes the same file.
				throw new FilestackApiError(
					response.status,
					`unexpected response: ${String(response.body).slice(0, 300)}`,
					what,
				);
			} else {
				await this.http.pause(unreadable);
			}
		}
	}
}

/** A fresh policy for each request: a long upload may outlive a short-lived one. */
function signature(sign: Signer | undefined): { policy?: string; signature?: string } {
	return sign?.([...UPLOAD_CALLS])?.toParams() ?? {};
}
