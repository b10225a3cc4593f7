/** When and how long to wait before trying a request again. */
export interface RetryPolicy {
	/** Tries in all, the first one included. */
	attempts: number;
	/** The first backoff step; each further step doubles, up to `maxDelayMs`. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Per request: how long the connection may stay silent before the try counts as failed. */
	timeoutMs: number;
	/**
	 * Tries of each request of an upload (start, part URLs, part PUTs, commits, complete); `attempts` when not set.
	 * An upload of a big file makes hundreds of requests, and each must get through: see the README's arithmetic.
	 */
	uploadAttempts?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
	attempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 15_000,
	timeoutMs: 120_000,
	uploadAttempts: 15,
};

/** Throttling and server trouble pass; other 4xx answers will not change by asking again. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/** Answers by which Filestack says it did nothing: throttled (429) or unavailable (503). */
export function isRefusalStatus(status: number): boolean {
	return status === 429 || status === 503;
}

/** Answers of a gateway whose server behind may have acted: its answer was lost (502) or late (504). */
export function isGatewayStatus(status: number): boolean {
	return status === 502 || status === 504;
}

/**
 * What a try that got no answer tells: `not sent` (the connection was refused, the name did not resolve: Filestack
 * cannot have received it), `client side` (an unsupported protocol, an invalid URL or header, a bad certificate:
 * trying again fails the same way), or `unanswered` (reset, timeout, cut off: it may have arrived).
 */
export type NoAnswer = 'not sent' | 'client side' | 'unanswered';

const NOT_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const CLIENT_SIDE: ReadonlySet<string> = new Set([
	'ERR_BAD_REQUEST', // axios: unsupported protocol
	'ERR_INVALID_URL',
	'ERR_INVALID_PROTOCOL',
	'ERR_UNESCAPED_CHARACTERS',
	'ERR_INVALID_CHAR',
	'ERR_INVALID_HTTP_TOKEN',
	'ERR_HTTP_INVALID_HEADER_VALUE',
	'ERR_INVALID_ARG_TYPE',
	'ERR_INVALID_ARG_VALUE',
	'ERR_FR_TOO_MANY_REDIRECTS',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

export function noAnswerKind(error: unknown): NoAnswer {
	const code = codeOf(error) ?? codeOf((error as { cause?: unknown })?.cause);
	if (code && NOT_SENT.has(code)) return 'not sent';
	if (code && CLIENT_SIDE.has(code)) return 'client side';
	return 'unanswered';
}

function codeOf(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so that parallel parts that failed
 * together do not come back together.
 */
export function backoffDelay(
	policy: RetryPolicy,
	failedTries: number,
	random: () => number,
): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedTries - 1));
	return Math.round(step / 2 + (random() * step) / 2);
}

/** `Retry-After` as delta seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
	if (!header) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
