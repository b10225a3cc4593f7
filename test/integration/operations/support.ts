import { createHash } from 'crypto';
import { Readable } from 'stream';
import { crc32 } from 'zlib';

import type { Client } from '../../../nodes/Filestack/sdk/client';
import type { StoredFile } from '../../../nodes/Filestack/sdk/storedFile';
import type { ByteStream } from '../../../nodes/Filestack/sdk/transport';
import { type Emulator, type RequestLogEntry, startEmulator } from '../../emulator';
import { syntheticPng } from '../../emulator/png';
import { nodeTransport } from '../../harness/nodeTransport';
import { emulatorClient, QUICK_RETRY } from '../../support/emulatorClient';
import { policySignature } from '../../support/signatures';
import { type Site, type SiteFile, startSite } from '../../support/site';

// What the files of the SDK's operations against the emulator share: two apps, a loopback site, clients, and
// checks of what the emulator received.

export const OPEN = 'OPEN_KEY';
export const SECURED = 'SECURED_KEY';
export const SECRET = 'operations-app-secret';
export const WRONG_SECRET = 'not-the-app-secret';

/** What the loopback "web site" serves: the public URLs that uploads and overwrites from a URL fetch. */
export const SITE_FILES = {
	'/report.csv': { type: 'text/csv', body: Buffer.from('city,visits\nLyon,12\nOslo,7\n') },
	'/logo.png': { type: 'image/png', body: syntheticPng(40, 20, 'logo') },
} satisfies Record<string, SiteFile>;
/** Never contacted: the emulator makes up the content of URLs that are not on loopback. */
export const REMOTE_URL = 'https://files.example.com/notes/readme.txt';

/** The emulator and the site of the test file that runs: started by useEmulatorAndSite(). */
export let emulator: Emulator;
export let site: Site;
let transport: ReturnType<typeof nodeTransport>;

/** Starts the emulator and the site before a file's tests, empties both after each test, stops them at the end. */
export function useEmulatorAndSite(): void {
	beforeAll(async () => {
		emulator = await startEmulator({
			apps: [{ apiKey: OPEN }, { apiKey: SECURED, appSecret: SECRET }],
		});
		transport = nodeTransport();
		site = await startSite(SITE_FILES);
	});
	afterAll(async () => {
		transport.close();
		await site.close();
		await emulator.close();
	});
	afterEach(async () => {
		site.received.length = 0;
		await emulator.reset();
	});
}

export function clientFor(apiKey: string, appSecret?: string): Client {
	return emulatorClient(emulator.url, { apiKey, appSecret }, transport, QUICK_RETRY);
}

/** The client of the test that runs: made before each test by useClient(). */
export let client: Client;

/** Makes `client` before each test of the enclosing describe block: of `apiKey`, signing with `appSecret` if given. */
export function useClient(apiKey: string, appSecret?: string): void {
	beforeEach(() => {
		client = clientFor(apiKey, appSecret);
	});
}

export const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function readAll(stream: ByteStream): Promise<Buffer> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of stream) chunks.push(chunk);
	return Buffer.concat(chunks);
}

export async function uploadBytes(
	client: Client,
	bytes: Buffer,
	filename: string,
	mimetype: string,
): Promise<StoredFile> {
	return await client.upload(
		{ size: bytes.length, stream: Readable.from([bytes]) },
		{ filename, mimetype },
	);
}

export async function downloadBytes(client: Client, handle: string): Promise<Buffer> {
	return await readAll((await client.filelink(handle).download()).stream);
}

/** The requests the emulator received since `mark` (a length of its log). */
export function requestsSince(mark: number): RequestLogEntry[] {
	return emulator.requests.slice(mark);
}

/** MD5 of a file as the emulator stores it. */
export async function storedMd5(handle: string): Promise<string | undefined> {
	return await emulator.files.get(handle)?.content.md5();
}

/** Handle → MD5 of every stored file: what a refused call must leave as it was. */
export async function storedContent(): Promise<Record<string, string>> {
	const files = [...emulator.files.values()];
	return Object.fromEntries(
		await Promise.all(files.map(async (file) => [file.handle, await file.content.md5()])),
	);
}

export interface Credentials {
	policy?: string;
	signature?: string;
}

export function inPath(path: string): Credentials {
	const match = /\/security=p:([^,/]+),s:([^/]+)\//.exec(decodeURIComponent(path));
	return match ? { policy: match[1], signature: match[2] } : {};
}

export function inFields(fields: unknown): Credentials {
	const { policy, signature } = (fields ?? {}) as Record<string, unknown>;
	return { policy: policy as string | undefined, signature: signature as string | undefined };
}

/**
 * A signed request carries a policy signed with the app secret, unexpired for at most the five minutes a request of
 * the node's own needs, allowing exactly `calls` (on `handle`, for the URLs `url` matches); an unsigned one carries
 * nothing.
 */
export function expectSigning(
	signs: boolean,
	credentials: Credentials,
	calls: string[],
	handle?: string,
	url?: string,
): void {
	if (!signs) {
		expect(credentials).toEqual({ policy: undefined, signature: undefined });
		return;
	}
	const { policy, signature } = credentials as Required<Credentials>;
	expect(signature).toBe(policySignature(SECRET, policy));
	const decoded = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<
		string,
		unknown
	>;
	expect(decoded).toEqual({
		call: calls,
		expiry: expect.any(Number),
		...(handle && { handle }),
		...(url && { url }),
	});
	expect(decoded.expiry as number).toBeGreaterThan(Date.now() / 1000);
	expect(decoded.expiry as number).toBeLessThanOrEqual(Date.now() / 1000 + 5 * 60 + 1);
}

/** The entries of a ZIP, walked through its local file headers; each entry's CRC-32 is checked against its bytes. */
export function zipEntries(zip: Buffer): Array<{ name: string; data: Buffer }> {
	const entries: Array<{ name: string; data: Buffer }> = [];
	let at = 0;
	while (zip.readUInt32LE(at) === 0x04034b50) {
		const crc = zip.readUInt32LE(at + 14);
		const size = zip.readUInt32LE(at + 18);
		const nameLength = zip.readUInt16LE(at + 26);
		const start = at + 30 + nameLength + zip.readUInt16LE(at + 28);
		const data = zip.subarray(start, start + size);
		expect(zip.readUInt16LE(at + 8)).toBe(0); // stored
		expect(crc32(data)).toBe(crc);
		entries.push({ name: zip.toString('utf8', at + 30, at + 30 + nameLength), data });
		at = start + size;
	}
	expect(zip.readUInt32LE(at)).toBe(0x02014b50); // the central directory follows the entries
	expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
	expect(zip.readUInt16LE(zip.length - 12)).toBe(entries.length);
	return entries;
}

export const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

/** The two kinds of app every operation is run against. */
export const SECURITY_MODES = [
	['security enforced, with the app secret', SECURED, SECRET],
	['no security, without an app secret', OPEN, undefined],
] as const;

/** Each operation in both kinds of app: `tests` once per SECURITY_MODES row, `client` of that row's app. */
export function describeEachSecurityMode(tests: (apiKey: string, signs: boolean) => void): void {
	describe.each(SECURITY_MODES)('%s', (_label, apiKey, appSecret) => {
		useClient(apiKey, appSecret);
		tests(apiKey, appSecret !== undefined);
	});
}

/** A small text file the operations upload. */
export const HELLO = Buffer.from('Hello from the operations suite\n');

export const PHOTO_PNG = syntheticPng(64, 48, 'intelligence');
/** The photo uploaded before each test of describeSignedOnly(). */
export let photo: StoredFile;

/** The calls Filestack serves only signed: `client` of the secured app and `photo` uploaded with it, each test. */
export function describeSignedOnly(tests: () => void): void {
	describe('security enforced, with the app secret: the calls Filestack serves only signed', () => {
		useClient(SECURED, SECRET);
		beforeEach(async () => {
			photo = await uploadBytes(client, PHOTO_PNG, 'photo.png', 'image/png');
		});
		tests();
	});
}
