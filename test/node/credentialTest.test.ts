import type { ICredentialDataDecryptedObject, INodeType } from 'n8n-workflow';

import { freePort } from '../e2e/services';
import { emulatorEndpoints, startEmulator, type Emulator } from '../emulator';
import type { Harness } from '../harness';
import { createHarness, credentialTestOf } from '../harness';

// The "Test" button of the credential dialog, as n8n runs it (the node's credential test in n8n-core's context for
// credential tests) against the emulator: the message says which part of the credential is wrong, and never shows
// the API key, the app secret, a policy or a signature.
const OPEN_KEY = 'OPEN_APP_KEY_not_to_show';
const SECURED_KEY = 'SECURED_APP_KEY_not_to_show';
const SECRET = 'secured-app-secret-not-to-show';
const WRONG_SECRET = 'wrong-secret-not-to-show';
const UNKNOWN_KEY = 'UNKNOWN_KEY_not_to_show';

let emulator: Emulator;
let harness: Harness;

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [{ apiKey: OPEN_KEY }, { apiKey: SECURED_KEY, appSecret: SECRET }],
	});
	harness = await createHarness();
});

beforeEach(async () => await emulator.reset());

afterAll(async () => {
	await harness.close();
	await emulator.close();
});

const test = async (
	data: ICredentialDataDecryptedObject,
	endpoints = emulatorEndpoints(emulator.url),
) => await harness.testCredential('filestackApi', { ...endpoints, ...data });

/** The starts the emulator received, and whether each was signed. */
const starts = () =>
	emulator.requests
		.filter(({ route }) => route !== 'unknown')
		.map(({ path, body }) => ({
			path,
			signed: (body as { signature?: unknown } | undefined)?.signature !== undefined,
		}));

const UNSIGNED_START = { path: '/multipart/start', signed: false };
const SIGNED_START = { path: '/multipart/start', signed: true };

/** Every credential value and what could be derived from it: none may be shown. */
function expectNothingSecretIn(message: string): void {
	for (const value of [OPEN_KEY, SECURED_KEY, SECRET, WRONG_SECRET, UNKNOWN_KEY]) {
		expect(message).not.toContain(value);
	}
	for (const { body } of emulator.requests) {
		const { policy, signature } = (body ?? {}) as { policy?: string; signature?: string };
		if (policy) expect(message).not.toContain(policy);
		if (signature) expect(message).not.toContain(signature);
	}
}

it('is the same test on both nodes that use the credential, whichever n8n finds first', () => {
	const users = Object.values(harness.package.nodeTypes)
		.map((node) => node as INodeType)
		.filter(({ description }) =>
			description.credentials?.some(({ name }) => name === 'filestackApi'),
		);
	expect(users).toHaveLength(2);
	const tests = users.map(({ description, methods }) => {
		const { testedBy } = description.credentials!.find(({ name }) => name === 'filestackApi')!;
		return typeof testedBy === 'string' ? methods?.credentialTest?.[testedBy] : undefined;
	});
	expect(tests[0]).toBeInstanceOf(Function);
	expect(tests[1]).toBe(tests[0]);
	expect(credentialTestOf(harness.package, 'filestackApi')).toBe(tests[0]);
});

it('passes for a known API key of an app without security, with one unsigned start and nothing uploaded', async () => {
	const result = await test({ apiKey: OPEN_KEY });
	expect(result).toEqual({
		status: 'OK',
		message: 'Filestack accepts the API key (security is off for this application)',
	});
	expect(starts()).toEqual([UNSIGNED_START]);
});

it('says the API key is not known to Filestack, without showing it', async () => {
	const result = await test({ apiKey: UNKNOWN_KEY });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(
		/^The API key is not known to Filestack \(Multipart start failed with HTTP 400: .*\)\. Copy it from the top of the dashboard in the Filestack Developer Portal\.$/,
	);
	expectNothingSecretIn(result.message);
	expect(starts()).toEqual([UNSIGNED_START]);
});

it('says the API key is not known also when an app secret is set, before trying any signature', async () => {
	const result = await test({ apiKey: UNKNOWN_KEY, appSecret: SECRET });
	expect(result.message).toMatch(/^The API key is not known to Filestack /);
	expectNothingSecretIn(result.message);
	expect(starts()).toEqual([UNSIGNED_START]);
});

it('passes with the right app secret of a secured app: unsigned refused, signed accepted', async () => {
	const result = await test({ apiKey: SECURED_KEY, appSecret: SECRET });
	expect(result).toEqual({
		status: 'OK',
		message: 'Filestack accepts the API key and the requests signed with the App Secret',
	});
	expect(starts()).toEqual([UNSIGNED_START, SIGNED_START]);
	expectNothingSecretIn(result.message);
});

it('says the app secret does not match when Filestack refuses its signatures', async () => {
	const result = await test({ apiKey: SECURED_KEY, appSecret: WRONG_SECRET });
	expect(result).toEqual({
		status: 'Error',
		message:
			'The App Secret does not match: Filestack refuses the requests signed with it. Copy it again from the Developer Portal (Security → App Secret).',
	});
	expect(starts()).toEqual([UNSIGNED_START, SIGNED_START]);
	expectNothingSecretIn(result.message);
});

it('asks for the app secret when the app has security on and none is set', async () => {
	const result = await test({ apiKey: SECURED_KEY });
	expect(result).toEqual({
		status: 'Error',
		message:
			'The API key is known, but the application has security turned on: enter its App Secret (Developer Portal → Security → App Secret)',
	});
	expectNothingSecretIn(result.message);
});

it('passes when security is off but an app secret is set, and says the secret is not needed', async () => {
	const result = await test({ apiKey: OPEN_KEY, appSecret: WRONG_SECRET });
	expect(result).toEqual({
		status: 'OK',
		message:
			'Filestack accepts the API key. Security is off for this application, so the App Secret is not needed (requests are signed with it all the same)',
	});
	expect(starts()).toEqual([UNSIGNED_START, SIGNED_START]);
});

it('says Filestack cannot be reached, with the URL it tried', async () => {
	const upload = `http://127.0.0.1:${await freePort()}`;
	const result = await test(
		{ apiKey: OPEN_KEY },
		{ ...emulatorEndpoints(emulator.url), uploadUrl: upload },
	);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(
		new RegExp(
			`^Filestack cannot be reached at ${upload}/multipart/start \\(Multipart start failed: .*ECONNREFUSED.*\\)\\. Check the credential's endpoints, and that this n8n can reach them\\.$`,
		),
	);
	expectNothingSecretIn(result.message);
});

it('says an endpoint that is not the Upload API (here the CDN) answers unexpectedly, with its URL', async () => {
	const upload = `${emulator.url}/not-the-upload-api`;
	const result = await test(
		{ apiKey: OPEN_KEY },
		{ ...emulatorEndpoints(emulator.url), uploadUrl: upload },
	);
	expect(result).toEqual({
		status: 'Error',
		message: `Unexpected answer from ${upload}/multipart/start (Multipart start failed with HTTP 400: Invalid task: "multipart" is not a Filestack transformation). Check the credential's endpoints, or try again later.`,
	});
});

it('names the endpoint field that is not a URL, before sending anything', async () => {
	const result = await test(
		{ apiKey: OPEN_KEY },
		{ ...emulatorEndpoints(emulator.url), uploadUrl: 'upload.example.com' },
	);
	expect(result).toEqual({
		status: 'Error',
		message: `The credential's Upload API URL must be an http(s) URL (got "upload.example.com")`,
	});
	expect(emulator.requests).toEqual([]);
});
