/** An answer from Filestack that is not a success, with what Filestack said about it. */
export class FilestackApiError extends Error {
	readonly status: number;
	/** Filestack's own error text (`error` of the JSON body, the S3 `<Message>`, or the plain body). */
	readonly detail: string;
	/** Filestack's correlation id (`c` of an Upload API error body), for support requests. */
	readonly correlationId?: string;

	constructor(
		status: number,
		detail: string,
		what: string,
		correlationId?: string,
		/** Tries made, when the request was repeated. */
		tries = 1,
	) {
		const id = correlationId ? ` (correlation id ${correlationId})` : '';
		super(
			`${what} failed with HTTP ${status}${after(tries)}: ${detail || 'no details given'}${id}`,
		);
		this.name = 'FilestackApiError';
		this.status = status;
		this.detail = detail;
		this.correlationId = correlationId;
	}
}

/** A request that never got an answer after its retries (network error, timeout), or a body cut off on its way. */
export class FilestackNetworkError extends Error {
	/** For a body cut off on its way: how many bytes of it had arrived. */
	readonly bytesReceived?: number;

	constructor(
		what: string,
		cause: unknown,
		readonly tries = 1,
		cutOff?: { received: number; expected?: number },
	) {
		const of = cutOff?.expected === undefined ? '' : ` of ${cutOff.expected}`;
		const bytes = cutOff ? ` after ${cutOff.received}${of} bytes` : '';
		super(`${what} failed${bytes}${after(tries)}: ${describe(cause)}`);
		this.name = 'FilestackNetworkError';
		this.bytesReceived = cutOff?.received;
	}
}

/**
 * A call that creates or changes something, which may have reached Filestack without an answer telling what it did.
 * It is not sent again (that could do it twice): the user is told what to check instead.
 */
export class FilestackUnknownOutcomeError extends Error {
	constructor(what: string, whatHappened: string, check: string) {
		super(
			`${what}: the request may have reached Filestack, but ${whatHappened}. Whether it took effect is unknown, ` +
				`and it was not sent again, so as not to do it twice. ${check}`,
		);
		this.name = 'FilestackUnknownOutcomeError';
	}
}

/** Work Filestack accepted but did not finish: a conversion that failed, or that was not done in time. */
export class FilestackJobError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilestackJobError';
	}
}

/** Input the SDK refuses before sending anything: a bad handle, task parameter or store option. */
export class FilestackValidationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilestackValidationError';
	}
}

function after(tries: number): string {
	return tries > 1 ? ` after ${tries} tries` : '';
}

export function describe(cause: unknown): string {
	if (cause instanceof Error) {
		const code = (cause as { code?: unknown }).code;
		return typeof code === 'string' && !cause.message.includes(code)
			? `${cause.message} (${code})`
			: cause.message;
	}
	return String(cause);
}
