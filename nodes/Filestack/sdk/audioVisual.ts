import type { Client } from './client';
import { FilestackJobError, FilestackValidationError } from './errors';

export interface ConversionStatus {
	status: string;
	uuid?: string;
	timestamp?: string;
	message?: string;
	/** When completed: `url` of the result (its last segment is the new handle), `thumb`, … */
	data: Record<string, unknown>;
	metadata?: Record<string, unknown>;
}

export interface WaitOptions {
	/** Give up after this long (the conversion goes on at Filestack and can be resumed from the status URL). */
	timeoutMs: number;
	/** First wait between polls; it grows by half each time up to `maxIntervalMs`. */
	intervalMs?: number;
	maxIntervalMs?: number;
}

const SECURITY_SEGMENT = /\/security=[^/]*(?=\/)/;

/**
 * A running audio/video conversion (`video_convert`), polled on its status URL — the same URL that started it.
 * The status URL is kept unsigned; each poll is signed afresh, so a long wait never outlives its policy.
 */
export class AudioVisual {
	readonly statusUrl: string;
	uuid?: string;
	/** The status of the last poll (the start counts as one). */
	lastStatus?: ConversionStatus;

	constructor(
		private readonly client: Client,
		statusUrl: string,
	) {
		if (!/\/video_convert[=/]/.test(statusUrl)) {
			throw new FilestackValidationError(
				`"${statusUrl}" is not a Filestack video_convert status URL`,
			);
		}
		this.statusUrl = statusUrl.replace(SECURITY_SEGMENT, '');
	}

	async status(): Promise<ConversionStatus> {
		const body = await this.client.http.json<Record<string, unknown>>('Conversion status', {
			method: 'GET',
			url: this.signedUrl(),
		});
		const status: ConversionStatus = {
			...body,
			status: String(body.status ?? 'unknown'),
			data: (body.data as Record<string, unknown>) ?? {},
		};
		if (typeof body.uuid === 'string') this.uuid = body.uuid;
		this.lastStatus = status;
		return status;
	}

	/** Polls until `completed`; a `failed` conversion or the timeout ends the wait with a clear error. */
	async waitForCompletion(options: WaitOptions): Promise<ConversionStatus> {
		const deadline = Date.now() + options.timeoutMs;
		let interval = options.intervalMs ?? 2_000;
		for (;;) {
			const current = await this.status();
			if (current.status === 'completed') return current;
			if (current.status === 'failed') {
				throw new FilestackJobError(
					`The conversion ${this.uuid ?? ''} failed: ${current.message ?? 'Filestack gave no reason'}`,
				);
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new FilestackJobError(
					`The conversion ${this.uuid ?? ''} was still "${current.status}" after ${options.timeoutMs / 1000} s. ` +
						`It goes on at Filestack: get its status later from ${this.statusUrl}`,
				);
			}
			await this.client.http.transport.sleep(Math.min(interval, left));
			interval = Math.min(Math.round(interval * 1.5), options.maxIntervalMs ?? 30_000);
		}
	}

	/** The security segment goes right before the source: an external URL, or else the handle at the end. */
	private signedUrl(): string {
		const originLength = new URL(this.statusUrl).origin.length;
		const path = this.statusUrl.slice(originLength);
		const external = path.search(/\/(?:https?:|src:)/);
		const sourceAt = originLength + (external >= 0 ? external : path.lastIndexOf('/'));
		const handle = external >= 0 ? undefined : path.slice(path.lastIndexOf('/') + 1);
		const security = this.client.sign(['read', 'convert', 'store'], { handle });
		if (!security) return this.statusUrl;
		return `${this.statusUrl.slice(0, sourceAt)}/${security.urlSegment()}${this.statusUrl.slice(sourceAt)}`;
	}
}
