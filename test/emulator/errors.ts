/** A request the emulator refuses; the router renders it the way the API that received it would. */
export class EmulatorError extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** The S3 error code, for failures on the S3 PUT. */
		readonly s3Code = 'InvalidRequest',
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** A missing, invalid, expired or too narrow policy (always 403). */
export class PolicyError extends Error {
	constructor(
		readonly reason: string,
		readonly apiKey: string,
	) {
		super(reason);
	}
}

export function badRequest(message: string): EmulatorError {
	return new EmulatorError(400, message);
}

export function notFound(): EmulatorError {
	return new EmulatorError(404, 'File not found', 'NoSuchKey');
}
