import {
	describe,
	FilestackApiError,
	FilestackNetworkError,
	FilestackUnknownOutcomeError,
} from './errors';
import {
	backoffDelay,
	DEFAULT_RETRY,
	isGatewayStatus,
	isRefusalStatus,
	isRetryableStatus,
	noAnswerKind,
	retryAfterMs,
	RetryPolicy,
} from './retry';
import { Throttle } from './throttle';
import type { ByteStream, HttpRequest, HttpResponse, Transport } from './transport';

/** How much of an error body is read to explain a failure. */
const ERROR_BODY_LIMIT = 64 * 1024;

export interface SendOptions {
	/** Overrides of the client's retry policy for this call (e.g. `attempts: 1` where something else retries). */
	retry?: Partial<RetryPolicy>;
}

/** A request, or a function building it afresh for each try (a streamed body, or a URL that must be asked again). */
export type RequestSource = HttpRequest | (() => Promise<HttpRequest>);

/** The server's `Retry-After` of a failure answered with 429 or 5xx, kept here for the wait before the next try. */
const retryAfterOf = new WeakMap<object, number>();

/**
 * Sends requests through a Transport with timeouts and retries, and turns every failure into a FilestackApiError
 * (with Filestack's own error text) or a FilestackNetworkError.
 */
export class Http {
	constructor(
		readonly transport: Transport,
		private readonly retry: RetryPolicy = DEFAULT_RETRY,
		private readonly random: () => number = Math.random,
		/** Shared with every Http made from this one by `withRetry`: one back-off for the whole client. */
		private readonly throttle = new Throttle(),
	) {}

	/** The client's retry policy with a call's overrides (those given as undefined leave the setting as it is). */
	policy(options: SendOptions = {}): RetryPolicy {
		const overrides = Object.entries(options.retry ?? {}).filter(
			([, value]) => value !== undefined,
		);
		return { ...this.retry, ...Object.fromEntries(overrides) };
	}

	/**
	 * Any 2xx response; `what` names the call in errors ("Multipart start", "Download of <handle>"). A request whose
	 * body is a stream is given as a function, called again for each try, since a stream can be read only once.
	 * An error thrown by that function ends the call at once: it is its own, already final, failure.
	 *
	 * A failure is tried again when that may help and cannot do the work twice: any request after a refusal (429,
	 * 503, a refused connection, an unknown host), an idempotent one also after a try that got no answer or a 5xx.
	 * A request that is not idempotent and may have reached Filestack fails with FilestackUnknownOutcomeError; an
	 * error of the request itself (unsupported protocol, invalid URL) fails at once.
	 */
	async send(
		what: string,
		request: RequestSource,
		options: SendOptions = {},
	): Promise<HttpResponse> {
		const policy = this.policy(options);
		/** A try may have done the work already (a DELETE answered 404 afterwards finds it done). */
		let mayHaveActed = false;
		for (let attempt = 1; ; attempt++) {
			await this.throttle.wait();
			const thisTry = typeof request === 'function' ? await request() : request;
			const repeatable = isIdempotent(thisTry);
			const outcome = await this.transport
				.request({ timeoutMs: policy.timeoutMs, ...thisTry })
				.then(
					(response) => ({ response }),
					(error: unknown) => ({ error }),
				);
			if ('error' in outcome) {
				const kind = noAnswerKind(outcome.error);
				if (isCancellation(outcome.error) || kind === 'client side') {
					throw new FilestackNetworkError(what, outcome.error, attempt);
				}
				if (kind === 'unanswered' && !repeatable) {
					throw unknownOutcome(what, thisTry, `no answer came back (${describe(outcome.error)})`);
				}
				if (attempt >= policy.attempts)
					throw new FilestackNetworkError(what, outcome.error, attempt);
				mayHaveActed ||= kind === 'unanswered';
				await this.pause(attempt, undefined, options);
				continue;
			}
			const { response } = outcome;
			if (response.status >= 200 && response.status < 300) return response;
			if (response.status >= 300 && response.status < 400)
				throw await redirectError(what, thisTry.url, response);
			if (response.status === 404 && mayHaveActed && thisTry.method === 'DELETE') return response;

			const failure = await toApiError(what, response, attempt);
			if (!repeatable && isGatewayStatus(response.status)) {
				throw unknownOutcome(what, thisTry, `the answer was lost on the way (${failure.message})`);
			}
			const asked = retryAfterMs(response.headers['retry-after'], Date.now());
			if (asked !== undefined) retryAfterOf.set(failure, asked);
			const retryable = repeatable
				? isRetryableStatus(response.status)
				: isRefusalStatus(response.status);
			if (!retryable || attempt >= policy.attempts) throw failure;
			mayHaveActed ||= !isRefusalStatus(response.status);
			await this.pause(attempt, failure, options);
		}
	}

	/**
	 * A 2xx JSON object. A success whose body is not a JSON object (cut off, or one of Filestack's legacy errors
	 * answered with HTTP 200 and a text body) is a failure too, retried like a network error when the request is
	 * idempotent. Otherwise a legacy error fails at once, and a cut-off answer leaves the outcome unknown.
	 */
	async json<T extends object = Record<string, unknown>>(
		what: string,
		request: HttpRequest,
		options: SendOptions = {},
	): Promise<T> {
		const policy = this.policy(options);
		for (let attempt = 1; ; attempt++) {
			const response = await this.send(what, { ...request, responseType: 'json' }, options);
			if (isJsonObject(response.body)) return response.body as T;
			const unexpected = `unexpected response: ${excerpt(String(response.body))}`;
			if (!isIdempotent(request)) {
				// JSON cut off: the work was done. A text: one of Filestack's legacy errors, nothing was done.
				if (String(response.body).trimStart().startsWith('{')) {
					throw unknownOutcome(what, request, `its answer could not be read (${unexpected})`);
				}
				throw new FilestackApiError(response.status, unexpected, what);
			}
			if (attempt >= policy.attempts) {
				throw new FilestackApiError(response.status, unexpected, what, undefined, attempt);
			}
			await this.pause(attempt, undefined, options);
		}
	}

	/** The same client with some settings of its retry policy changed (e.g. more tries for the requests of an upload). */
	withRetry(overrides: Partial<RetryPolicy>): Http {
		return new Http(this.transport, { ...this.retry, ...overrides }, this.random, this.throttle);
	}

	/**
	 * Waits before the next try after `failedTries` failures: jittered backoff, or longer when the server asked for
	 * it (`Retry-After` of `cause`), but never more than four times the longest backoff step. After a 429 the whole
	 * client waits: every request of it holds back until the pause is over (see Throttle).
	 */
	async pause(failedTries: number, cause?: unknown, options: SendOptions = {}): Promise<void> {
		const delay = this.delay(failedTries, cause, options);
		if (!(cause instanceof FilestackApiError && cause.status === 429))
			return await this.transport.sleep(delay);
		this.throttle.hold(delay, async (ms) => await this.transport.sleep(ms));
		await this.throttle.wait();
	}

	private delay(failedTries: number, cause: unknown, options: SendOptions): number {
		const policy = this.policy(options);
		const backoff = backoffDelay(policy, failedTries, this.random);
		const asked = typeof cause === 'object' && cause !== null ? retryAfterOf.get(cause) : undefined;
		return Math.min(Math.max(backoff, asked ?? 0), policy.maxDelayMs * 4);
	}
}

/** Whether a request may be sent again after a try that got no answer: see `HttpRequest.idempotent`. */
export function isIdempotent(request: HttpRequest): boolean {
	return request.idempotent ?? request.method !== 'POST';
}

function unknownOutcome(
	what: string,
	request: HttpRequest,
	whatHappened: string,
): FilestackUnknownOutcomeError {
	return new FilestackUnknownOutcomeError(
		what,
		whatHappened,
		request.outcomeCheck ?? 'Check in Filestack whether it was done before running it again.',
	);
}

/**
 * A redirect is not followed: the request carries the credential's key or signature, which go only to the origin
 * they were made for. Its target is named by origin only, since its full URL may hold anything.
 */
async function redirectError(
	what: string,
	url: string,
	response: HttpResponse,
): Promise<FilestackApiError> {
	if (isStream(response.body)) await readText(response.body, 0); // stops reading it
	const location = response.headers.location;
	let target = 'nowhere (no Location)';
	if (location) {
		try {
			target = new URL(location, url).origin;
		} catch {
			target = 'an unreadable Location';
		}
	}
	return new FilestackApiError(
		response.status,
		`redirected to ${target}, which is not followed: the credential goes only to the Filestack addresses it names`,
		what,
	);
}

/** Whether trying again may help: no answer at all, throttling (429) or server trouble (5xx). */
export function isRetryableFailure(error: unknown): boolean {
	if (error instanceof FilestackApiError) return isRetryableStatus(error.status);
	return error instanceof FilestackNetworkError;
}

/** Reads what Filestack said from an error response: `{"error","c"}` JSON, S3's XML `<Message>`, or plain text. */
export async function toApiError(
	what: string,
	response: HttpResponse,
	tries = 1,
): Promise<FilestackApiError> {
	const body = isStream(response.body)
		? await readText(response.body, ERROR_BODY_LIMIT)
		: response.body;
	if (isJsonObject(body)) return fromJson(what, response.status, body, tries);
	const text = typeof body === 'string' ? body.trim() : '';
	if (text.startsWith('{')) {
		try {
			return fromJson(what, response.status, JSON.parse(text) as Record<string, unknown>, tries);
		} catch {
			// Not JSON after all: fall through to the plain text.
		}
	}
	const xmlMessage = /<Message>([\s\S]*?)<\/Message>/.exec(text)?.[1];
	const xmlCode = /<Code>([\s\S]*?)<\/Code>/.exec(text)?.[1];
	if (xmlMessage || xmlCode) {
		return new FilestackApiError(
			response.status,
			decodeEntities([xmlCode, xmlMessage].filter(Boolean).join(': ')),
			what,
			undefined,
			tries,
		);
	}
	return new FilestackApiError(
		response.status,
		excerpt(decodeEntities(text)),
		what,
		undefined,
		tries,
	);
}

function fromJson(
	what: string,
	status: number,
	body: Record<string, unknown>,
	tries: number,
): FilestackApiError {
	const detail = body.error ?? body.message ?? body.detail ?? JSON.stringify(body);
	const correlationId = typeof body.c === 'string' ? body.c : undefined;
	return new FilestackApiError(
		status,
		excerpt(decodeEntities(String(detail))),
		what,
		correlationId,
		tries,
	);
}

const NAMED_ENTITIES = new Map([
	['amp', '&'],
	['lt', '<'],
	['gt', '>'],
	['quot', '"'],
	['apos', "'"],
	['nbsp', '\u00a0'],
]);

/** S3's XML escapes its text, and Filestack's answers sometimes HTML-escape theirs: `&apos;` is shown as `'`. */
function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
		const code = /^#x/i.test(name)
			? parseInt(name.slice(2), 16)
			: name.startsWith('#')
				? parseInt(name.slice(1), 10)
				: undefined;
		if (code === undefined) return NAMED_ENTITIES.get(name.toLowerCase()) ?? entity;
		return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
	});
}

export function isJsonObject(body: unknown): body is Record<string, unknown> {
	return typeof body === 'object' && body !== null && !isStream(body) && !ArrayBuffer.isView(body);
}

export function isStream(body: unknown): body is ByteStream {
	return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/** Reads at most `limit` bytes of a stream as text, then stops reading it. */
export async function readText(stream: ByteStream, limit = Infinity): Promise<string> {
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of stream) {
		chunks.push(chunk);
		size += chunk.length;
		if (size >= limit) break;
	}
	return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function excerpt(text: string): string {
	return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** A cancelled workflow aborts the request; that is not something to retry. */
function isCancellation(error: unknown): boolean {
	const name = (error as { name?: unknown })?.name;
	const code = (error as { code?: unknown })?.code;
	return name === 'AbortError' || name === 'CanceledError' || code === 'ERR_CANCELED';
}
