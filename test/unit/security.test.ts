import { inspect } from 'util';

import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import {
	encodePolicy,
	leastPrivilege,
	Policy,
	POLICY_CALLS,
	Security,
	sign,
	validatePolicy,
} from '../../nodes/Filestack/sdk/security';
import { COMPACT_POLICY, JS_POLICY, PYTHON_POLICIES } from './policyVectors';

const decode = (policyB64: string) => Buffer.from(policyB64, 'base64url').toString('utf8');

describe('encodePolicy and sign', () => {
	it.each(PYTHON_POLICIES)(
		'reproduces the Python SDK for $policy',
		({ policy, secret, policyB64, signature }) => {
			expect(encodePolicy(policy)).toBe(policyB64);
			expect(sign(policyB64, secret)).toBe(signature);
		},
	);

	it('signs the JS SDK policy string (insertion-order compact JSON in standard base64) as the JS SDK does', () => {
		const { policy } = JS_POLICY;
		const jsPolicyB64 = Buffer.from(JSON.stringify(policy)).toString('base64');
		expect(jsPolicyB64).toBe(JS_POLICY.policyB64);
		expect(sign(jsPolicyB64, JS_POLICY.secret)).toBe(JS_POLICY.signature);
		// The same policy Python-style is a different string, hence a different (equally valid) signature.
		expect(encodePolicy(policy as Policy)).not.toBe(jsPolicyB64);
	});

	it('signs the base64 string, not the JSON: compact JSON gives the contrast vector', () => {
		const compact = COMPACT_POLICY.policyB64;
		expect(decode(compact)).toBe('{"call":["read"],"expiry":10238239}');
		expect(sign(compact, COMPACT_POLICY.secret)).toBe(COMPACT_POLICY.signature);
		expect(encodePolicy({ call: ['read'], expiry: 10238239 })).not.toBe(compact);
	});

	it('writes JSON like Python: sorted keys at every depth, ", " and ": " separators', () => {
		const text = decode(encodePolicy({ z: { b: [1, { y: true, x: null }], a: 'é' }, expiry: 5 }));
		expect(text).toBe('{"expiry": 5, "z": {"a": "\\u00e9", "b": [1, {"x": null, "y": true}]}}');
	});

	it('escapes every character outside printable ASCII as \\uXXXX, astral ones as surrogate pairs', () => {
		const text = decode(encodePolicy({ expiry: 1, path: 'a\u007fb😀\n"\\' }));
		expect(text).toBe('{"expiry": 1, "path": "a\\u007fb\\ud83d\\ude00\\n\\"\\\\"}');
	});

	it('uses the URL-safe alphabet and keeps the padding', () => {
		for (const url of ['~~~', '???', 'b?']) {
			const standard = Buffer.from(`{"expiry": 1, "url": "${url}"}`).toString('base64');
			expect(standard).toMatch(/[+/]/);
			expect(encodePolicy({ expiry: 1, url })).toBe(
				standard.replace(/\+/g, '-').replace(/\//g, '_'),
			);
		}
		expect(encodePolicy({ expiry: 1, url: 'b?' })).toMatch(/=$/);
	});

	it('leaves out fields that are undefined', () => {
		expect(encodePolicy({ expiry: 123, handle: undefined })).toBe('eyJleHBpcnkiOiAxMjN9');
	});
});

describe('Security', () => {
	it('signs at construction and builds the URL segment of the Python SDK', () => {
		const security = new Security({ call: ['read'], expiry: 10238239 }, 'APPSECRET');
		expect(security.policyB64).toBe('eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAxMDIzODIzOX0=');
		expect(security.signature).toBe(
			'858d1ee9c0a1f06283e495f78dc7950ff6e64136ce960465f35539791fcd486b',
		);
		expect(security.urlSegment()).toBe(
			'security=p:eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAxMDIzODIzOX0=,s:858d1ee9c0a1f06283e495f78dc7950ff6e64136ce960465f35539791fcd486b',
		);
		expect(security.toParams()).toEqual({
			policy: security.policyB64,
			signature: security.signature,
		});
	});

	it('never keeps the secret where logging or serialising could show it', () => {
		const marker = 'very-secret-app-secret-42';
		const security = new Security({ expiry: 1900, handle: 'HANDLE123' }, marker);
		const views = [
			JSON.stringify(security),
			inspect(security, { showHidden: true, depth: 5 }),
			String(
				Object.getOwnPropertyNames(security).map((key) =>
					JSON.stringify(Reflect.get(security, key)),
				),
			),
			JSON.stringify(Object.getOwnPropertySymbols(security)),
		];
		for (const view of views) expect(view).not.toContain(marker);
		expect(JSON.parse(JSON.stringify(security))).toEqual({
			policy: { expiry: 1900, handle: 'HANDLE123' },
			policyB64: security.policyB64,
			signature: security.signature,
		});
	});

	it("copies the policy, so changing the caller's object does not change what was signed", () => {
		const policy: Policy = { expiry: 1900, call: ['read'] };
		const security = new Security(policy, 'SECRET');
		policy.call?.push('remove');
		policy.expiry = 5;
		expect(security.policy).toEqual({ expiry: 1900, call: ['read'] });
		expect(Object.isFrozen(security.policy)).toBe(true);
	});

	it('refuses an empty secret', () => {
		expect(() => new Security({ expiry: 1900 }, '')).toThrow(FilestackValidationError);
	});

	it.each([
		[{ expires: 123 }, /Unknown policy field "expires"/],
		[{ expiry: 12.5 }, /expiry must be a Unix time/],
		[{ expiry: -1 }, /expiry must be a Unix time/],
		[{ expiry: 1900, call: [] }, /must list at least one call/],
		[{ expiry: 1900, call: ['read', 'delete'] }, /Unknown policy call "delete"/],
		[{ expiry: 1900, handle: '' }, /"handle" must be a non-empty string/],
		[{ expiry: 1900, minSize: -1 }, /"minSize" must be a whole number of bytes/],
		[{ expiry: 1900, maxSize: 1.5 }, /"maxSize" must be a whole number of bytes/],
		[{ expiry: 1900, minSize: 10, maxSize: 5 }, /"minSize" \(10\) is larger than "maxSize" \(5\)/],
	])('refuses the policy %j', (policy, message) => {
		expect(() => new Security(policy as Policy, 'SECRET')).toThrow(FilestackValidationError);
		expect(() => new Security(policy as Policy, 'SECRET')).toThrow(message);
	});

	it('accepts every field and every call name', () => {
		const policy: Policy = {
			expiry: 1900,
			call: [...POLICY_CALLS],
			handle: 'HANDLE123',
			url: 'https://upload\\.wikimedia\\.org/.*',
			path: '/uploads/.*',
			container: 'bucket-.*',
			minSize: 0,
			maxSize: 1024,
		};
		expect(new Security(policy, 'SECRET').policy).toEqual(policy);
	});
});

describe('validatePolicy', () => {
	it('with a current time, requires an expiry in the future', () => {
		expect(() => validatePolicy({ expiry: 1000 }, { now: 1000 })).toThrow(
			'Policy expiry 1000 is not in the future',
		);
		expect(() => validatePolicy({ expiry: 1001 }, { now: 1000 })).not.toThrow();
		expect(() => validatePolicy({ expiry: 1000 })).not.toThrow();
	});
});

describe('leastPrivilege', () => {
	it('allows only the given calls on the given handle for 5 minutes', () => {
		const security = leastPrivilege('SECRET', {
			call: ['read', 'convert'],
			handle: 'HANDLE123',
			now: 1_700_000_000,
		});
		expect(security.policy).toEqual({
			expiry: 1_700_000_300,
			call: ['read', 'convert'],
			handle: 'HANDLE123',
		});
		expect(security.policyB64).toBe(
			encodePolicy({ expiry: 1_700_000_300, call: ['read', 'convert'], handle: 'HANDLE123' }),
		);
		expect(security.signature).toBe(sign(security.policyB64, 'SECRET'));
	});

	it('takes a URL pattern and a lifetime', () => {
		const security = leastPrivilege('SECRET', {
			call: ['convert'],
			url: 'https://example\\.com/.*',
			ttlSeconds: 60,
			now: 100,
		});
		expect(security.policy).toEqual({
			expiry: 160,
			call: ['convert'],
			url: 'https://example\\.com/.*',
		});
	});

	it('starts from the current time by default', () => {
		const before = Math.floor(Date.now() / 1000);
		const { expiry } = leastPrivilege('SECRET', { call: ['read'] }).policy;
		const after = Math.floor(Date.now() / 1000);
		expect(expiry).toBeGreaterThanOrEqual(before + 300);
		expect(expiry).toBeLessThanOrEqual(after + 300);
	});

	it('refuses unknown calls, no calls and lifetimes that are not positive whole seconds', () => {
		expect(() => leastPrivilege('SECRET', { call: ['erase' as 'read'] })).toThrow(
			'Unknown policy call "erase"',
		);
		expect(() => leastPrivilege('SECRET', { call: [] })).toThrow('must list at least one call');
		expect(() => leastPrivilege('SECRET', { call: ['read'], ttlSeconds: 0 })).toThrow(
			FilestackValidationError,
		);
		expect(() => leastPrivilege('SECRET', { call: ['read'], ttlSeconds: 1.5 })).toThrow(
			FilestackValidationError,
		);
		expect(() => leastPrivilege('SECRET', { call: ['read'], handle: ' ' })).toThrow(
			'"handle" must be a non-empty string',
		);
	});
});
