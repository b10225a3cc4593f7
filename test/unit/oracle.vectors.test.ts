import { readFileSync } from 'fs';

import { getSecurity, validateWebhookSignature } from 'filestack-js';

import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { encodePolicy, Policy, Security, sign } from '../../nodes/Filestack/sdk/security';
import { encodeTask, parseTaskChain, validateTasks } from '../../nodes/Filestack/sdk/url';
import { verifyWebhookSignature, WebhookHeaders } from '../../nodes/Filestack/sdk/webhook';
import { splitOutside } from '../emulator/taskGrammar';
import { COMPACT_POLICY, JS_POLICY, PYTHON_POLICIES, type PolicyVector } from './policyVectors';

/**
 * The official SDKs' published test vectors (protocol reference §9.3 and §10.2), each run exactly as published
 * through our security.ts and webhook.ts, and where filestack-js has the same function, through it too; and the
 * transformation URLs filestack-js's own tests expect, through our task chain reader and URL writer.
 */

describe('policy vectors (§9.3)', () => {
	const rows = (vectors: PolicyVector[]) =>
		vectors.map((vector) => [vector.source, JSON.stringify(vector.policy), vector] as const);

	it.each(rows(PYTHON_POLICIES))(
		'%s: %s',
		(_source, _json, { policy, secret, policyB64, signature }) => {
			expect(encodePolicy(policy)).toBe(policyB64);
			expect(sign(policyB64, secret)).toBe(signature);
		},
	);

	it.each(rows(PYTHON_POLICIES.filter((vector) => !('expires' in vector.policy))))(
		'%s: Security(%s) signs it and writes the segment of as_url_string()',
		(_source, _json, { policy, secret, policyB64, signature }) => {
			const security = new Security(policy as unknown as Policy, secret);
			expect(security.toParams()).toEqual({ policy: policyB64, signature });
			expect(security.urlSegment()).toBe(`security=p:${policyB64},s:${signature}`);
		},
	);

	it('Py security_test uses `expires`, which is no policy field: encoded as published, refused by Security', () => {
		const [vector] = PYTHON_POLICIES;
		expect(() => new Security(vector.policy as unknown as Policy, vector.secret)).toThrow(
			new FilestackValidationError(
				'Unknown policy field "expires" (known: expiry, call, handle, url, path, container, minSize, maxSize)',
			),
		);
	});

	it("JS security.spec.node: filestack-js's getSecurity gives the published pair, and our HMAC of its string agrees", () => {
		expect(getSecurity(JS_POLICY.policy as never, JS_POLICY.secret)).toEqual({
			policy: JS_POLICY.policyB64,
			signature: JS_POLICY.signature,
		});
		expect(sign(JS_POLICY.policyB64, JS_POLICY.secret)).toBe(JS_POLICY.signature);
	});

	it('contrast: compact JSON of the same policy is another string, signed as published', () => {
		expect(sign(COMPACT_POLICY.policyB64, COMPACT_POLICY.secret)).toBe(COMPACT_POLICY.signature);
		expect(encodePolicy({ call: ['read'], expiry: 10238239 })).not.toBe(COMPACT_POLICY.policyB64);
	});
});

/** §10.2, Python SDK test: the body as bytes, the timestamp header as an int. */
const PY_WEBHOOK = {
	signedWith: 'webhook-secret',
	body: Buffer.from(
		'{"text": {"filename": "filename.jpg", "key": "kGaeljnga9wkysK6Z_filename.jpg"}}',
	),
	timestamp: 123456789999,
	signature: '57cbb25386c3d6ff758a7a75cf52ba02cf2b0a1a2d6d5dfb9c886553ca6011cb',
};

/** §10.2, filestack-js test. */
const JS_WEBHOOK = {
	signedWith: 'Y5cWb1rdRDSTSqEjF5pv',
	body: '{"id": 6844, "action": "fp.upload", "timestamp": 1559199901, "text": {"url": "http://cdn.filestackapi.dev/xK88QArxRiyVvFzo4p33", "client": "Computer", "data": {"filename": "01 (1).png", "type": "image/png", "size": 881855}}}',
	timestamp: '1559199901',
	signature: '14495b54b246e1352bb69cd91c5c1bfe2221f2d0330414b3df8f5fb2903db730',
};

/** Headers exactly as the Python test passes them (a dict, the timestamp an int): n8n never sends a number. */
const pythonHeaders = (headers: Record<string, unknown>) => headers as WebhookHeaders;

describe('webhook vectors (§10.2)', () => {
	it('Py: the valid signature is accepted, by us and by filestack-js', () => {
		const headers = { 'FS-Signature': PY_WEBHOOK.signature, 'FS-Timestamp': PY_WEBHOOK.timestamp };
		expect(
			verifyWebhookSignature(PY_WEBHOOK.signedWith, PY_WEBHOOK.body, pythonHeaders(headers)),
		).toEqual({ valid: true });
		expect(
			validateWebhookSignature(PY_WEBHOOK.signedWith, PY_WEBHOOK.body.toString('utf8'), {
				timestamp: String(PY_WEBHOOK.timestamp),
				signature: PY_WEBHOOK.signature,
			}),
		).toBe(true);
	});

	it('Py: `incorrect-signature` is refused, by us without echoing any signature (Python echoes both)', () => {
		const headers = { 'FS-Signature': 'incorrect-signature', 'FS-Timestamp': PY_WEBHOOK.timestamp };
		const result = verifyWebhookSignature(
			PY_WEBHOOK.signedWith,
			PY_WEBHOOK.body,
			pythonHeaders(headers),
		);
		expect(result).toEqual({
			valid: false,
			reason: 'FS-Signature does not match the request body and timestamp',
		});
		expect(JSON.stringify(result)).not.toContain(PY_WEBHOOK.signature);
		expect(
			validateWebhookSignature(PY_WEBHOOK.signedWith, PY_WEBHOOK.body.toString('utf8'), {
				timestamp: String(PY_WEBHOOK.timestamp),
				signature: 'incorrect-signature',
			}),
		).toBe(false);
	});

	// Python answers (False, {'error': …}) with trafaret's text; we answer valid: false with our own reason.
	it.each([
		{
			python: "('hook-secret', b'body', 'should be a dict') → value is not a dict",
			args: ['hook-secret', Buffer.from('body'), 'should be a dict'],
			reason: 'The request headers are not available',
		},
		{
			python: "(1, b'body', {'FS-Signature': 'abc', 'FS-Timestamp': 123}) → value is not a string",
			args: [1, Buffer.from('body'), { 'FS-Signature': 'abc', 'FS-Timestamp': 123 }],
			reason: 'No webhook secret is set',
		},
		{
			python: "('hook-secret', b'', {'FS-Timestamp': 123}) → fs-signature header is missing",
			args: ['hook-secret', Buffer.from(''), { 'FS-Timestamp': 123 }],
			reason: 'The FS-Signature header is missing',
		},
		{
			python:
				"('hook-secret', ['incorrect'], {'FS-Signature': 'abc', 'FS-Timestamp': 123}) → Invalid webhook body",
			args: ['hook-secret', ['incorrect'], { 'FS-Signature': 'abc', 'FS-Timestamp': 123 }],
			reason: 'The raw request body is not available',
		},
	])('Py $python: refused', ({ args, reason }) => {
		const [secret, body, headers] = args as Parameters<typeof verifyWebhookSignature>;
		expect(verifyWebhookSignature(secret, body, headers)).toEqual({ valid: false, reason });
	});

	it('JS: the valid signature is accepted, by filestack-js and by us', () => {
		const { signedWith, body, timestamp, signature } = JS_WEBHOOK;
		expect(validateWebhookSignature(signedWith, body, { timestamp, signature })).toBe(true);
		const headers = { 'fs-signature': signature, 'fs-timestamp': timestamp };
		expect(verifyWebhookSignature(signedWith, Buffer.from(body), headers)).toEqual({ valid: true });
	});
});

/**
 * The task chains filestack-js's own tests expect (`filelink.spec` of the pinned version, on its test handle),
 * read from the installed package so that they are exactly as published.
 */
const JS_SPEC_CHAINS = [
	...readFileSync(require.resolve('filestack-js/build/main/lib/filelink.spec.js'), 'utf8').matchAll(
		/'https:\/\/cdn\.filestackcontent\.com\/DEFAULT_API_KEY\/(.+?)\/5aYkEQJSQCmYShsoCnZN'/g,
	),
].map((match) => match[1].replace(/\\"/g, '"'));

/** Published chains we refuse, and why. */
const REFUSED_JS_CHAINS: Record<string, string> = {
	// Its test passes a placeholder where a handle or URL belongs.
	'fallback=handle:http:test.com':
		'Task "fallback": parameter "handle" must be a Filestack handle or a URL (got "http:test.com")',
	// Our catalogue wants at least one parameter: a bare pdfconvert changes nothing.
	pdfconvert:
		'Task "pdfconvert": give at least one of pageorientation, pageformat, pages, metadata',
	// We write the security segment ourselves (difference 1), never as a task.
	'security=policy:examplePolicy,signature:exampleSignature': 'Unknown task "security"',
};

/** Published chains not compared: JS's boolean switch (difference 9), a form of its own API. */
const NOT_COMPARED_JS_CHAINS = ['cache=false'];

/** A task's `key:value` pairs, split at the commas outside lists and quotes. */
const pairs = (task: string): string[] =>
	task.includes('=') ? splitOutside(task.slice(task.indexOf('=') + 1), ',') : [];

describe("filestack-js's published transformation URLs (filelink.spec), read and written by us", () => {
	const chains = [...new Set(JS_SPEC_CHAINS)];
	const compared = chains.filter(
		(chain) => !(chain in REFUSED_JS_CHAINS) && !NOT_COMPARED_JS_CHAINS.includes(chain),
	);

	it('finds every published chain in the installed package', () => {
		expect(chains).toHaveLength(57);
		for (const chain of [...Object.keys(REFUSED_JS_CHAINS), ...NOT_COMPARED_JS_CHAINS]) {
			expect(chains).toContain(chain);
		}
	});

	it.each(compared)('%s: the same task, its parameters sorted (difference 2)', (chain) => {
		const [ours] = validateTasks(parseTaskChain(chain)).map(encodeTask);
		expect(ours.split('=')[0]).toBe(chain.split('=')[0]);
		expect(pairs(ours)).toEqual([...pairs(chain)].sort());
	});

	it.each(Object.entries(REFUSED_JS_CHAINS))('%s: refused, as %s', (chain, message) => {
		expect(() => validateTasks(parseTaskChain(chain))).toThrow(
			new FilestackValidationError(message),
		);
	});
});
