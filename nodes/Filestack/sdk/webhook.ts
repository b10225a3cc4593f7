import { createHmac, timingSafeEqual } from 'crypto';

/** Request headers as Node and n8n hand them over (names in any case, repeated headers as arrays). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type WebhookVerification = { valid: true } | { valid: false; reason: string };

const SIGNATURE_HEADER = 'FS-Signature';
const TIMESTAMP_HEADER = 'FS-Timestamp';

/** HMAC-SHA256 of `<timestamp>.<raw body>` keyed with the webhook secret, in lowercase hex. */
export function computeWebhookSignature(
	secret: string,
	timestamp: string | number,
	rawBody: Uint8Array | string,
): string {
	return createHmac('sha256', secret)
		.update(`${timestamp}.`, 'utf8')
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest('hex');
}

/**
 * Checks Filestack's `FS-Signature` against the exact bytes received. The comparison takes the same time
 * whatever the signature, and no reason ever contains the secret or the signature we expected.
 */
export function verifyWebhookSignature(
	secret: string,
	rawBody: Uint8Array | string,
	headers: WebhookHeaders,
): WebhookVerification {
	if (typeof secret !== 'string' || secret === '') {
		return { valid: false, reason: 'No webhook secret is set' };
	}
	if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
		return { valid: false, reason: 'The raw request body is not available' };
	}
	const signature = readHeader(headers, SIGNATURE_HEADER);
	if (!signature.ok) return { valid: false, reason: signature.reason };
	const timestamp = readHeader(headers, TIMESTAMP_HEADER);
	if (!timestamp.ok) return { valid: false, reason: timestamp.reason };

	const expected = Buffer.from(computeWebhookSignature(secret, timestamp.value, rawBody), 'hex');
	const received = /^[0-9a-f]{64}$/i.test(signature.value)
		? Buffer.from(signature.value, 'hex')
		: undefined;
	if (received === undefined || !timingSafeEqual(expected, received)) {
		return {
			valid: false,
			reason: `${SIGNATURE_HEADER} does not match the request body and timestamp`,
		};
	}
	return { valid: true };
}

/**
 * Seconds between the `FS-Timestamp` header and `nowSeconds` (negative when it lies in the future), or
 * undefined when the header is missing or not a Unix time. For replay windows, after the signature is checked.
 */
export function webhookTimestampAge(
	headers: WebhookHeaders,
	nowSeconds: number,
): number | undefined {
	const timestamp = readHeader(headers, TIMESTAMP_HEADER);
	if (!timestamp.ok || !/^\d{1,12}$/.test(timestamp.value)) return undefined;
	return nowSeconds - Number(timestamp.value);
}

function readHeader(
	headers: WebhookHeaders,
	name: string,
): { ok: true; value: string } | { ok: false; reason: string } {
	if (typeof headers !== 'object' || headers === null) {
		return { ok: false, reason: 'The request headers are not available' };
	}
	const wanted = name.toLowerCase();
	const values = Object.keys(headers)
		.filter((key) => key.toLowerCase() === wanted)
		.flatMap((key) => headers[key] ?? [])
		.map(String);
	if (values.length > 1) return { ok: false, reason: `The ${name} header is sent more than once` };
	if (values.length === 0 || values[0] === '')
		return { ok: false, reason: `The ${name} header is missing` };
	return { ok: true, value: values[0] };
}
