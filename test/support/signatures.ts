import { createHmac } from 'node:crypto';

// Filestack's signatures computed here, independently of the SDK, so that a test of the SDK's own signing or
// verifying cannot agree with a mistake it shares.

/** A webhook's FS-Signature: HMAC-SHA256(secret, `<timestamp>.<raw body>`) in hex, over the exact body bytes. */
export function webhookSignature(
	secret: string,
	timestamp: string | number,
	body: Uint8Array | string,
): string {
	return createHmac('sha256', secret)
		.update(`${timestamp}.`)
		.update(typeof body === 'string' ? body : Buffer.from(body))
		.digest('hex');
}

/** A policy's signature: HMAC-SHA256(secret, the policy as base64) in hex. */
export function policySignature(secret: string, encodedPolicy: string): string {
	return createHmac('sha256', secret).update(encodedPolicy).digest('hex');
}
