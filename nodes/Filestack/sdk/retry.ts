/** When and how long to wait before trying a request again. */
export interface RetryPolicy {
	/** Tries in all, the first one included. */
	attempts: number;
	/** The first backoff step; each further step doubles, up to `maxDelayMs`. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Per request: how long the connection may stay silent before the try counts as failed. */
	timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
	attempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 15_000,
	timeoutMs: 120_000,
};

/** Throttling and server trouble pass; other 4xx answers will not change by asking again. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
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
