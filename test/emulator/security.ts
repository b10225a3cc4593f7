import { createHmac, timingSafeEqual } from 'crypto';
import type { AppConfig } from './apps';
import { PolicyError } from './errors';

/** The `call` values a policy may list. */
export type Call =
	| 'pick'
	| 'read'
	| 'stat'
	| 'write'
	| 'writeUrl'
	| 'store'
	| 'convert'
	| 'remove'
	| 'exif'
	| 'runWorkflow';

export interface Credentials {
	policy?: string;
	signature?: string;
}

/** What a request does: every entry of `calls` must be allowed (an array entry: any one of them). */
export interface Need {
	calls: Array<Call | Call[]>;
	/** The handles the request reads; a policy's `handle` must be each of them. */
	handles?: string[];
	/** The external URLs the request reads; a policy's `url` (a regular expression) must match each whole. */
	urls?: string[];
}

/** Policy and signature as sent in a JSON body or a query string. */
export function credentialsIn(source: Record<string, unknown> | URLSearchParams): Credentials {
	const read = (name: string) => {
		const value = source instanceof URLSearchParams ? source.get(name) : source[name];
		return typeof value === 'string' ? value : undefined;
	};
	return { policy: read('policy'), signature: read('signature') };
}

interface Policy {
	expiry?: unknown;
	call?: unknown;
	handle?: unknown;
	url?: unknown;
}

/**
 * Checks a request of an app that has a secret: signature = HMAC-SHA256(secret, policy string as sent), hex;
 * the policy unexpired, its `call` list (absent = everything but exif), `handle` and `url` covering the request.
 * Apps without a secret pass whatever they send.
 */
export function authorize(app: AppConfig, credentials: Credentials, need: Need): void {
	if (!app.appSecret) return;
	const deny = (reason: string) => new PolicyError(reason, app.apiKey);
	// A `+` of standard base64 in an unencoded query string arrives as a space.
	const policyText = credentials.policy?.replace(/ /g, '+');
	const signature = credentials.signature;
	if (!policyText || !signature) {
		throw deny(
			`proper credentials were not provided: (signature: "${signature ?? ''}"; policy "${policyText ?? ''}")`,
		);
	}
	const expected = createHmac('sha256', app.appSecret).update(policyText).digest();
	const given = Buffer.from(signature, 'hex');
	if (given.length !== expected.length || !timingSafeEqual(given, expected))
		throw deny('signature does not match the policy');

	const policy = decodePolicy(policyText);
	if (!policy) throw deny('policy is not base64-encoded JSON');
	if (typeof policy.expiry !== 'number') throw deny('policy has no expiry');
	if (policy.expiry * 1000 <= Date.now()) throw deny('policy has expired');

	const allowed = Array.isArray(policy.call) ? (policy.call as unknown[]) : undefined;
	for (const call of need.calls) {
		const alternatives = Array.isArray(call) ? call : [call];
		const granted = alternatives.some((c) => (allowed ? allowed.includes(c) : c !== 'exif'));
		if (!granted) throw deny(`policy does not allow the "${alternatives.join('" or "')}" call`);
	}
	if (policy.handle !== undefined) {
		for (const handle of need.handles ?? []) {
			if (handle !== policy.handle) throw deny(`policy is for another handle than ${handle}`);
		}
	}
	if (policy.url !== undefined) {
		const pattern = urlPattern(policy.url);
		if (!pattern) throw deny('policy url is not a regular expression');
		for (const url of need.urls ?? []) {
			if (!pattern.test(url)) throw deny(`policy url does not allow ${url}`);
		}
	}
}

/** The policy's `url` regular expression, matched against a whole URL. */
function urlPattern(source: unknown): RegExp | undefined {
	if (typeof source !== 'string') return undefined;
	try {
		return new RegExp(`^(?:${source})$`);
	} catch {
		return undefined;
	}
}

function decodePolicy(text: string): Policy | undefined {
	try {
		const json: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
		return typeof json === 'object' && json !== null && !Array.isArray(json)
			? (json as Policy)
			: undefined;
	} catch {
		return undefined;
	}
}
