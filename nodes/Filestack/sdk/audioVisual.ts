import type { Client } from './client';
import { getTask } from './catalogue';
import { FilestackJobError, FilestackValidationError } from './errors';
import { chainScope, type PolicyScope } from './policyScope';
import { parseListText } from './taskChain';
import { parseTaskChain, toSource, validateTasks } from './url';

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
 * The status URL is kept unsigned; each poll is signed afresh, so a long wait never outlives its policy. Only a
 * URL on the credential's own CDN is ever polled: a signature never goes to another origin.
 */
export class AudioVisual {
	readonly statusUrl: string;
	uuid?: string;
	/** The status of the last poll (the start counts as one). */
	lastStatus?: ConversionStatus;

	/** `scope`: the handle and URLs the conversion reads, to which each poll's policy is limited. */
	constructor(
		private readonly client: Client,
		statusUrl: string,
		private readonly scope: PolicyScope,
	) {
		this.statusUrl = checkedStatusUrl(client, statusUrl);
	}

	/** A conversion started earlier, from its status URL: the policy of each poll covers what the URL reads. */
	static resume(client: Client, statusUrl: string): AudioVisual {
		const checked = checkedStatusUrl(client, statusUrl);
		return new AudioVisual(client, checked, scopeOfStatusUrl(checked));
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

	/** The security segment goes right before the source: an external URL, or else the handle or list at the end. */
	private signedUrl(): string {
		const security = this.client.sign(['read', 'convert', 'store'], this.scope);
		if (!security) return this.statusUrl;
		const at = sourceIndex(this.statusUrl);
		return `${this.statusUrl.slice(0, at)}/${security.urlSegment()}${this.statusUrl.slice(at)}`;
	}
}

/** The status URL without its security segment, once it is known to be a conversion on the credential's CDN. */
function checkedStatusUrl(client: Client, statusUrl: string): string {
	const unsigned = statusUrl.replace(SECURITY_SEGMENT, '');
	if (!/\/video_convert[=/]/.test(unsigned)) {
		throw new FilestackValidationError(
			`Status URL "${unsigned}" is not a Filestack video_convert status URL`,
		);
	}
	const cdn = new URL(client.endpoints.cdn).origin;
	if (originOf(unsigned) !== cdn) {
		throw new FilestackValidationError(
			`Status URL "${unsigned}" is not on this credential's Filestack CDN (${cdn}); only a status URL of this application's conversions can be checked`,
		);
	}
	return unsigned;
}

function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

/** Where the source starts (the `/` before it): an external URL, or else the last segment. */
function sourceIndex(statusUrl: string): number {
	const originLength = new URL(statusUrl).origin.length;
	const path = statusUrl.slice(originLength);
	const external = path.search(/\/(?:https?:|src:)/);
	return originLength + (external >= 0 ? external : path.lastIndexOf('/'));
}

/** What a status URL `<cdn>[/<apikey>]/<tasks…>/<source>` reads, read back from its tasks and source. */
function scopeOfStatusUrl(statusUrl: string): PolicyScope {
	const at = sourceIndex(statusUrl);
	const sourceText = decoded(statusUrl.slice(at + 1));
	const segments = decoded(statusUrl.slice(new URL(statusUrl).origin.length + 1, at)).split('/');
	if (segments.length > 0 && !segments[0].includes('=') && !getTask(segments[0])) segments.shift();
	const source = sourceText.startsWith('[')
		? { sources: (parseListText(sourceText) ?? []).map(String) }
		: toSource(sourceText);
	return chainScope(source, validateTasks(parseTaskChain(segments.join('/'))));
}

/** Percent-decoded, or as it is when it holds a malformed escape. */
function decoded(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
