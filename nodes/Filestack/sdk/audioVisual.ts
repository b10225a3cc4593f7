import type { Client } from './client';
import { FilestackJobError, FilestackValidationError } from './errors';
import { fetchUrlProblem } from './fetchUrl';
import { chainScope, type PolicyScope } from './policyScope';
import type { Security } from './security';
import { readFirstTask } from './taskChain';
import { isHandle, Task, transformationUrl, validateTask, validateTasks } from './url';

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

/** What a conversion works on: one stored file or one URL (or `src://` alias). */
export type ConversionSource = { handle: string } | { url: string };

/**
 * A running audio/video conversion (`video_convert`), polled on its status URL — the same URL that started it.
 * The status URL is kept unsigned; each poll is signed afresh, so a long wait never outlives its policy. Every
 * URL is built from the source and tasks (never by editing a URL's text), always on the credential's own CDN.
 */
export class AudioVisual {
	readonly statusUrl: string;
	uuid?: string;
	/** The status of the last poll (the start counts as one). */
	lastStatus?: ConversionStatus;
	/** The handle and URLs the conversion reads, to which each poll's policy is limited. */
	private readonly scope: PolicyScope;

	/** `tasks`: the chain on the source, ending with `video_convert`. */
	constructor(
		private readonly client: Client,
		private readonly source: ConversionSource,
		private readonly tasks: readonly Task[],
	) {
		this.scope = chainScope(source, validateTasks(tasks));
		this.statusUrl = this.url();
	}

	/**
	 * A conversion started earlier, from its status URL `<cdn>/[<API key>/]video_convert[=<options>]/<source>`:
	 * one `video_convert` on one handle or URL, on this credential's CDN; anything else is refused unsent.
	 */
	static resume(client: Client, statusUrl: string): AudioVisual {
		const { source, task } = parseStatusUrl(client, statusUrl);
		return new AudioVisual(client, source, [task]);
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

	private signedUrl(): string {
		return this.url(this.client.policyFor(['read', 'convert', 'store'], this.scope));
	}

	private url(security?: Security): string {
		return transformationUrl({
			cdn: this.client.endpoints.cdn,
			apiKey: this.client.apiKey,
			source: this.source,
			tasks: this.tasks,
			security,
		});
	}
}

/** The source and the one `video_convert` task of a status URL; throws naming the Status URL otherwise. */
function parseStatusUrl(
	client: Client,
	statusUrl: string,
): { source: ConversionSource; task: Task } {
	const shown = statusUrl.replace(SECURITY_SEGMENT, '');
	const cdn = new URL(client.endpoints.cdn).origin;
	if (originOf(statusUrl) !== cdn) {
		throw new FilestackValidationError(
			`Status URL "${shown}" is not on this credential's Filestack CDN (${cdn}); only a status URL of this application's conversions can be checked`,
		);
	}
	const refuse = (why: string): never => {
		throw new FilestackValidationError(
			`Status URL "${shown}" is not a Filestack video_convert status URL (${cdn}/[API key/]video_convert[=options]/<one handle or URL>): ${why}`,
		);
	};
	// The path as written (a source URL keeps its escapes); only quotes are decoded, as the task grammar needs them.
	let path = statusUrl.replace(/^[^:]+:\/\/[^/]*\//, '').replace(/%22/gi, '"');
	const [first] = path.split('/', 1);
	if (first === client.apiKey) path = path.slice(first.length + 1);
	if (!/^video_convert(?:=|\/)/.test(path)) refuse('its one task must be video_convert');
	let read: { task: Task; rest: string };
	try {
		read = readFirstTask(path);
		read.task = validateTask(read.task);
	} catch (error) {
		return refuse((error as Error).message);
	}
	const sourceText = read.rest.replace(/^security=[^/]*\//, '');
	if (isHandle(sourceText)) return { source: { handle: sourceText }, task: read.task };
	if (/^(?:https?|src):\/\//i.test(sourceText) && fetchUrlProblem(sourceText, true) === undefined) {
		return { source: { url: sourceText }, task: read.task };
	}
	return refuse('after video_convert comes one handle or one URL, and nothing else');
}

function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}
