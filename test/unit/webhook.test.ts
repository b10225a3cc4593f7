import {
	computeWebhookSignature,
	verifyWebhookSignature,
	WebhookHeaders,
	webhookTimestampAge,
} from '../../nodes/Filestack/sdk/webhook';
import { webhookSignature } from '../support/signatures';

/** Protocol reference §10.2, Python SDK test (HMAC recomputed). */
const PY = {
	signedWith: 'webhook-secret',
	body: '{"text": {"filename": "filename.jpg", "key": "kGaeljnga9wkysK6Z_filename.jpg"}}',
	timestamp: 123456789999,
	signature: '57cbb25386c3d6ff758a7a75cf52ba02cf2b0a1a2d6d5dfb9c886553ca6011cb',
};

/** Protocol reference §10.2, JS SDK test. */
const JS = {
	signedWith: 'Y5cWb1rdRDSTSqEjF5pv',
	timestamp: '1559199901',
	body: '{"id": 6844, "action": "fp.upload", "timestamp": 1559199901, "text": {"url": "http://cdn.filestackapi.dev/xK88QArxRiyVvFzo4p33", "client": "Computer", "data": {"filename": "01 (1).png", "type": "image/png", "size": 881855}}}',
	signature: '14495b54b246e1352bb69cd91c5c1bfe2221f2d0330414b3df8f5fb2903db730',
};

const pyHeaders = (signature = PY.signature): WebhookHeaders => ({
	'FS-Signature': signature,
	'FS-Timestamp': String(PY.timestamp),
});

describe('computeWebhookSignature', () => {
	it('reproduces the Python vector, with the timestamp as a number or as text, the body as bytes or text', () => {
		expect(computeWebhookSignature(PY.signedWith, PY.timestamp, Buffer.from(PY.body))).toBe(
			PY.signature,
		);
		expect(computeWebhookSignature(PY.signedWith, String(PY.timestamp), PY.body)).toBe(
			PY.signature,
		);
		expect(
			computeWebhookSignature(PY.signedWith, PY.timestamp, new Uint8Array(Buffer.from(PY.body))),
		).toBe(PY.signature);
	});

	it('reproduces the JS vector', () => {
		expect(computeWebhookSignature(JS.signedWith, JS.timestamp, JS.body)).toBe(JS.signature);
	});

	it('signs the exact bytes, even those that are not valid UTF-8', () => {
		const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
		const expected = webhookSignature('s', 1, bytes);
		expect(computeWebhookSignature('s', 1, bytes)).toBe(expected);
		expect(computeWebhookSignature('s', 1, bytes.toString('utf8'))).not.toBe(expected);
	});
});

describe('verifyWebhookSignature', () => {
	it('accepts the Python vector, body as bytes or as text', () => {
		expect(verifyWebhookSignature(PY.signedWith, Buffer.from(PY.body), pyHeaders())).toEqual({
			valid: true,
		});
		expect(verifyWebhookSignature(PY.signedWith, PY.body, pyHeaders())).toEqual({ valid: true });
	});

	it('accepts a timestamp header that arrives as a number, as in the Python test', () => {
		const headers = {
			'FS-Signature': PY.signature,
			'FS-Timestamp': PY.timestamp,
		} as unknown as WebhookHeaders;
		expect(verifyWebhookSignature(PY.signedWith, PY.body, headers)).toEqual({ valid: true });
	});

	it("accepts the JS vector with Node's lower-case header names", () => {
		const headers = {
			'fs-signature': JS.signature,
			'fs-timestamp': JS.timestamp,
			'content-type': 'application/json',
		};
		expect(verifyWebhookSignature(JS.signedWith, Buffer.from(JS.body), headers)).toEqual({
			valid: true,
		});
	});

	it.each([
		['fs-signature', 'fs-timestamp'],
		['FS-SIGNATURE', 'FS-TIMESTAMP'],
		['Fs-Signature', 'fS-tImEsTaMp'],
	])('matches header names in any case (%s, %s)', (signatureName, timestampName) => {
		const headers = { [signatureName]: PY.signature, [timestampName]: String(PY.timestamp) };
		expect(verifyWebhookSignature(PY.signedWith, PY.body, headers)).toEqual({ valid: true });
	});

	it('takes a header given as a one-element array, and refuses one sent twice', () => {
		expect(
			verifyWebhookSignature(PY.signedWith, PY.body, {
				'fs-signature': [PY.signature],
				'fs-timestamp': [String(PY.timestamp)],
			}),
		).toEqual({
			valid: true,
		});
		const twice = verifyWebhookSignature(PY.signedWith, PY.body, {
			'fs-signature': [PY.signature, PY.signature],
			'fs-timestamp': String(PY.timestamp),
		});
		expect(twice).toEqual({
			valid: false,
			reason: 'The FS-Signature header is sent more than once',
		});
	});

	it('accepts the signature in upper-case hex', () => {
		expect(
			verifyWebhookSignature(PY.signedWith, PY.body, pyHeaders(PY.signature.toUpperCase())),
		).toEqual({ valid: true });
	});

	it('refuses a wrong signature with a reason that shows neither the secret nor the expected signature', () => {
		const result = verifyWebhookSignature(PY.signedWith, PY.body, pyHeaders('incorrect-signature'));
		expect(result.valid).toBe(false);
		const reason = result.valid ? '' : result.reason;
		expect(reason).toBe('FS-Signature does not match the request body and timestamp');
		expect(reason).not.toContain(PY.signedWith);
		expect(reason).not.toContain(PY.signature);
	});

	it.each([
		['one character short', PY.signature.slice(0, -1)],
		['one byte short', PY.signature.slice(0, -2)],
		['one byte too long', `${PY.signature}00`],
		['not hex', 'z'.repeat(64)],
		[
			'hex of the right length, one digit off',
			`${PY.signature.slice(0, -1)}${PY.signature.endsWith('0') ? '1' : '0'}`,
		],
		['padded with spaces', ` ${PY.signature}`],
	])('refuses a signature that is %s', (_, signature) => {
		expect(verifyWebhookSignature(PY.signedWith, PY.body, pyHeaders(signature)).valid).toBe(false);
	});

	it('refuses a body that was parsed and serialised again', () => {
		const reserialised = JSON.stringify(JSON.parse(PY.body));
		expect(reserialised).not.toBe(PY.body);
		expect(verifyWebhookSignature(PY.signedWith, reserialised, pyHeaders()).valid).toBe(false);
	});

	it('refuses another timestamp, and another secret', () => {
		const otherTime = { 'FS-Signature': PY.signature, 'FS-Timestamp': String(PY.timestamp + 1) };
		expect(verifyWebhookSignature(PY.signedWith, PY.body, otherTime).valid).toBe(false);
		expect(verifyWebhookSignature('another-secret', PY.body, pyHeaders()).valid).toBe(false);
	});

	it.each([
		['no signature', { 'FS-Timestamp': '123' }, 'The FS-Signature header is missing'],
		[
			'an empty signature',
			{ 'FS-Signature': '', 'FS-Timestamp': '123' },
			'The FS-Signature header is missing',
		],
		['no timestamp', { 'FS-Signature': PY.signature }, 'The FS-Timestamp header is missing'],
		['no headers at all', {}, 'The FS-Signature header is missing'],
		[
			'an undefined header',
			{ 'FS-Signature': undefined, 'FS-Timestamp': '123' },
			'The FS-Signature header is missing',
		],
	])('refuses a request with %s', (_, headers, reason) => {
		expect(verifyWebhookSignature(PY.signedWith, PY.body, headers as WebhookHeaders)).toEqual({
			valid: false,
			reason,
		});
	});

	it('refuses when the secret, the body or the headers are missing', () => {
		expect(verifyWebhookSignature('', PY.body, pyHeaders())).toEqual({
			valid: false,
			reason: 'No webhook secret is set',
		});
		expect(
			verifyWebhookSignature(PY.signedWith, undefined as unknown as string, pyHeaders()),
		).toEqual({
			valid: false,
			reason: 'The raw request body is not available',
		});
		expect(
			verifyWebhookSignature(PY.signedWith, ['incorrect'] as unknown as string, pyHeaders()).valid,
		).toBe(false);
		expect(
			verifyWebhookSignature(
				PY.signedWith,
				PY.body,
				'should be a dict' as unknown as WebhookHeaders,
			).valid,
		).toBe(false);
	});
});

describe('webhookTimestampAge', () => {
	it('gives the seconds since FS-Timestamp, negative for a timestamp ahead of the clock', () => {
		expect(webhookTimestampAge({ 'fs-timestamp': '1559199901' }, 1559200201)).toBe(300);
		expect(webhookTimestampAge({ 'FS-Timestamp': '1559199901' }, 1559199801)).toBe(-100);
	});

	it('gives undefined when the header is missing or not a Unix time', () => {
		expect(webhookTimestampAge({}, 1000)).toBeUndefined();
		expect(webhookTimestampAge({ 'fs-timestamp': 'yesterday' }, 1000)).toBeUndefined();
		expect(webhookTimestampAge({ 'fs-timestamp': '-5' }, 1000)).toBeUndefined();
		expect(webhookTimestampAge({ 'fs-timestamp': '1e9' }, 1000)).toBeUndefined();
	});
});
