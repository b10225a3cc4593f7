import { policySignature } from '../../support/signatures';
import type { Json } from './requests';
import { SECRET } from './support';

/** Python-SDK style security: url-safe base64 of the policy JSON, HMAC-SHA256(secret, that string) in hex. */
export function sign(policy: Json, secret = SECRET): { policy: string; signature: string } {
	const encoded = Buffer.from(JSON.stringify(policy)).toString('base64url');
	const padded = encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
	return { policy: padded, signature: policySignature(secret, padded) };
}

export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
export const segment = (security: { policy: string; signature: string }) =>
	`security=p:${security.policy},s:${security.signature}`;
