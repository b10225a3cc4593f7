import { createHmac } from 'crypto';

import { FilestackValidationError } from './errors';

/** The calls a policy can allow. Without `call`, a policy allows every call except `exif`. */
export const POLICY_CALLS = [
	'pick',
	'read',
	'stat',
	'write',
	'writeUrl',
	'store',
	'convert',
	'remove',
	'exif',
	'runWorkflow',
] as const;

export type PolicyCall = (typeof POLICY_CALLS)[number];

/** Filestack's documentation names `pick` for uploading and `store` for storing: an upload asks for both. */
export const UPLOAD_CALLS: readonly PolicyCall[] = ['pick', 'store'];

/** A Filestack security policy (`url`, `path` and `container` are regular expressions). */
export interface Policy {
	/** Unix seconds. */
	expiry: number;
	call?: PolicyCall[];
	handle?: string;
	url?: string;
	path?: string;
	container?: string;
	minSize?: number;
	maxSize?: number;
}

const POLICY_FIELDS: ReadonlySet<string> = new Set([
	'expiry',
	'call',
	'handle',
	'url',
	'path',
	'container',
	'minSize',
	'maxSize',
]);

/**
 * Five minutes, for a request the node makes itself (each request and each poll is signed afresh): Filestack checks
 * the policy when the request arrives, so only clock drift needs a margin; a leaked one is soon useless.
 */
const DEFAULT_TTL_SECONDS = 5 * 60;

/**
 * The policy as the Python SDK encodes it: `json.dumps(policy, sort_keys=True)` (", " and ": " separators,
 * non-ASCII as \uXXXX), then URL-safe base64 with its `=` padding. The server signs whatever string it gets,
 * but matching Python makes the signatures comparable with the Python SDK's.
 */
export function encodePolicy(policy: Policy | Readonly<Record<string, unknown>>): string {
	return Buffer.from(pythonJson(policy), 'utf8')
		.toString('base64')
		.replace(/\+/g, '-')
		.replace(/\//g, '_');
}

/** HMAC-SHA256 of the base64 policy string (not of the JSON), in lowercase hex. */
export function sign(policyB64: string, secret: string): string {
	return createHmac('sha256', secret).update(policyB64, 'utf8').digest('hex');
}

/**
 * A signed policy. The app secret is used once, here, and never stored: the object can be logged or
 * serialised without leaking it.
 */
export class Security {
	readonly policy: Readonly<Policy>;
	readonly policyB64: string;
	readonly signature: string;

	constructor(policy: Policy, secret: string) {
		validatePolicy(policy);
		if (typeof secret !== 'string' || secret === '') {
			throw new FilestackValidationError('An app secret is needed to sign a policy');
		}
		this.policy = Object.freeze({ ...policy, ...(policy.call && { call: [...policy.call] }) });
		this.policyB64 = encodePolicy(this.policy);
		this.signature = sign(this.policyB64, secret);
	}

	/** The CDN path segment, `security=p:<policy>,s:<signature>`. */
	urlSegment(): string {
		return `security=p:${this.policyB64},s:${this.signature}`;
	}

	/** The pair as query parameters (File API, CDN) or JSON body fields (Upload API). */
	toParams(): { policy: string; signature: string } {
		return { policy: this.policyB64, signature: this.signature };
	}

	/** The `security` task of the `/process` API. */
	toTask(): { name: 'security'; params: { policy: string; signature: string } } {
		return { name: 'security', params: this.toParams() };
	}
}

export interface LeastPrivilegeOptions {
	call: PolicyCall[];
	handle?: string;
	url?: string;
	/** How long the policy lives; 5 minutes by default. */
	ttlSeconds?: number;
	/** Unix seconds; the current time by default. */
	now?: number;
}

/** A short-lived policy allowing only the given calls (on the given handle or URL pattern). */
export function leastPrivilege(secret: string, options: LeastPrivilegeOptions): Security {
	const now = options.now ?? Math.floor(Date.now() / 1000);
	const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
	if (!Number.isInteger(ttl) || ttl <= 0) {
		throw new FilestackValidationError(
			`Policy lifetime must be a positive whole number of seconds (got ${ttl})`,
		);
	}
	const policy: Policy = { expiry: now + ttl, call: [...options.call] };
	if (options.handle !== undefined) policy.handle = options.handle;
	if (options.url !== undefined) policy.url = options.url;
	validatePolicy(policy, { now });
	return new Security(policy, secret);
}

/**
 * Checks a policy's fields. With `now` (Unix seconds) the expiry must also lie in the future, which is what a
 * user creating a policy needs; without it, any expiry is accepted (old policies can still be re-signed).
 */
export function validatePolicy(policy: Policy, options: { now?: number } = {}): void {
	if (typeof policy !== 'object' || policy === null) {
		throw new FilestackValidationError('A policy must be an object');
	}
	for (const field of Object.keys(policy)) {
		if (!POLICY_FIELDS.has(field)) {
			throw new FilestackValidationError(
				`Unknown policy field "${field}" (known: ${[...POLICY_FIELDS].join(', ')})`,
			);
		}
	}
	const { expiry, call, minSize, maxSize } = policy;
	if (!Number.isInteger(expiry) || expiry <= 0) {
		throw new FilestackValidationError(
			`Policy expiry must be a Unix time in whole seconds (got ${String(expiry)})`,
		);
	}
	if (options.now !== undefined && expiry <= options.now) {
		throw new FilestackValidationError(`Policy expiry ${expiry} is not in the future`);
	}
	if (call !== undefined) {
		if (!Array.isArray(call) || call.length === 0) {
			throw new FilestackValidationError('Policy "call" must list at least one call');
		}
		for (const name of call) {
			if (!(POLICY_CALLS as readonly string[]).includes(name)) {
				throw new FilestackValidationError(
					`Unknown policy call "${String(name)}" (known: ${POLICY_CALLS.join(', ')})`,
				);
			}
		}
	}
	for (const field of ['handle', 'url', 'path', 'container'] as const) {
		const value = policy[field];
		if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
			throw new FilestackValidationError(`Policy "${field}" must be a non-empty string`);
		}
	}
	for (const [field, size] of [
		['minSize', minSize],
		['maxSize', maxSize],
	] as const) {
		if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
			throw new FilestackValidationError(
				`Policy "${field}" must be a whole number of bytes, 0 or more`,
			);
		}
	}
	if (minSize !== undefined && maxSize !== undefined && minSize > maxSize) {
		throw new FilestackValidationError(
			`Policy "minSize" (${minSize}) is larger than "maxSize" (${maxSize})`,
		);
	}
}

/** JSON text as Python's `json.dumps(value, sort_keys=True)` writes it. */
function pythonJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
	if (typeof value === 'object' && value !== null) {
		const record = value as Record<string, unknown>;
		const members = Object.keys(record)
			.filter((key) => record[key] !== undefined)
			.sort()
			.map((key) => `${pythonString(key)}: ${pythonJson(record[key])}`);
		return `{${members.join(', ')}}`;
	}
	if (typeof value === 'string') return pythonString(value);
	if (
		value === null ||
		typeof value === 'boolean' ||
		(typeof value === 'number' && Number.isFinite(value))
	) {
		return JSON.stringify(value);
	}
	throw new FilestackValidationError(`A policy cannot contain ${String(value)}`);
}

/** Python's `ensure_ascii`: every character outside printable ASCII becomes \uXXXX (UTF-16 units, lowercase). */
function pythonString(text: string): string {
	return JSON.stringify(text).replace(
		/[^\x20-\x7e]/g,
		(char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}
