import { createHash, createHmac, randomBytes } from 'crypto';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { Readable } from 'stream';
import { crc32 } from 'zlib';

import { Client } from '../../nodes/Filestack/sdk/client';
import { resolveEndpoints } from '../../nodes/Filestack/sdk/endpoints';
import { FilestackApiError, FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import type { RetryPolicy } from '../../nodes/Filestack/sdk/retry';
import { Security } from '../../nodes/Filestack/sdk/security';
import type { StoredFile } from '../../nodes/Filestack/sdk/storedFile';
import type { ByteStream } from '../../nodes/Filestack/sdk/transport';
import { emulatorEndpoints, type Emulator, type RequestLogEntry, startEmulator } from '../emulator';
import { intelligenceResult } from '../emulator/intelligence';
import { syntheticPng } from '../emulator/png';
import { nodeTransport } from '../harness/nodeTransport';

const OPEN = 'OPEN_KEY';
const SECURED = 'SECURED_KEY';
const SECRET = 'operations-app-secret';
const WRONG_SECRET = 'not-the-app-secret';
/** Quick tries: the faults here are scheduled, and production backoff would only slow the suite down. */
const QUICK_RETRY: RetryPolicy = {
	attempts: 4,
	baseDelayMs: 10,
	maxDelayMs: 50,
	timeoutMs: 30_000,
};

/** What the loopback "web site" serves: the public URLs that uploads and overwrites from a URL fetch. */
const SITE_FILES: Record<string, { type: string; body: Buffer }> = {
	'/report.csv': { type: 'text/csv', body: Buffer.from('city,visits\nLyon,12\nOslo,7\n') },
	'/logo.png': { type: 'image/png', body: syntheticPng(40, 20, 'logo') },
};
/** Never contacted: the emulator makes up the content of URLs that are not on loopback. */
const REMOTE_URL = 'https://files.example.com/notes/readme.txt';

let emulator: Emulator;
let transport: ReturnType<typeof nodeTransport>;
let site: { url: string; hits: string[]; close(): Promise<void> };

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [{ apiKey: OPEN }, { apiKey: SECURED, appSecret: SECRET }],
	});
	transport = nodeTransport();
	site = await startSite();
});
afterAll(async () => {
	transport.close();
	await site.close();
	await emulator.close();
});
afterEach(async () => {
	site.hits.length = 0;
	await emulator.reset();
});

function clientFor(apiKey: string, appSecret?: string): Client {
	const endpoints = resolveEndpoints(emulatorEndpoints(emulator.url));
	return new Client({ apiKey, appSecret, endpoints, transport, retry: QUICK_RETRY });
}

async function startSite(): Promise<typeof site> {
	const hits: string[] = [];
	const server = createServer((req, res) => {
		hits.push(req.url ?? '');
		const file = SITE_FILES[req.url ?? ''];
		if (!file) {
			res.writeHead(404).end();
			return;
		}
		res
			.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length })
			.end(file.body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		hits,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: ByteStream): Promise<Buffer> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of stream) chunks.push(chunk);
	return Buffer.concat(chunks);
}

async function uploadBytes(
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

async function downloadBytes(client: Client, handle: string): Promise<Buffer> {
	return await readAll((await client.filelink(handle).download()).stream);
}

/** The requests the emulator received since `mark` (a length of its log). */
function requestsSince(mark: number): RequestLogEntry[] {
	return emulator.requests.slice(mark);
}

/** MD5 of a file as the emulator stores it. */
async function storedMd5(handle: string): Promise<string | undefined> {
	return await emulator.files.get(handle)?.content.md5();
}

/** Handle → MD5 of every stored file: what a refused call must leave as it was. */
async function storedContent(): Promise<Record<string, string>> {
	const files = [...emulator.files.values()];
	return Object.fromEntries(
		await Promise.all(files.map(async (file) => [file.handle, await file.content.md5()])),
	);
}

interface Credentials {
	policy?: string;
	signature?: string;
}

function inPath(path: string): Credentials {
	const match = /\/security=p:([^,/]+),s:([^/]+)\//.exec(decodeURIComponent(path));
	return match ? { policy: match[1], signature: match[2] } : {};
}

function inFields(fields: unknown): Credentials {
	const { policy, signature } = (fields ?? {}) as Record<string, unknown>;
	return { policy: policy as string | undefined, signature: signature as string | undefined };
}

/**
 * A signed request carries a policy signed with the app secret, unexpired for at most the five minutes a request of
 * the node's own needs, allowing exactly `calls` (on `handle`, for the URLs `url` matches); an unsigned one carries
 * nothing.
 */
function expectSigning(
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
	expect(signature).toBe(createHmac('sha256', SECRET).update(policy).digest('hex'));
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
function zipEntries(zip: Buffer): Array<{ name: string; data: Buffer }> {
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

const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe.each([
	['security enforced, with the app secret', SECURED, SECRET],
	['no security, without an app secret', OPEN, undefined],
])('%s', (_label, apiKey, appSecret) => {
	const signs = appSecret !== undefined;
	let client: Client;
	const text = Buffer.from('Hello from the operations suite\n');
	beforeAll(() => {
		client = clientFor(apiKey, appSecret);
	});

	it('upload stores the bytes under a new handle, with its name and type', async () => {
		const mark = emulator.requests.length;
		const file = await uploadBytes(client, text, 'hello.txt', 'text/plain');

		expect(file).toMatchObject({
			filename: 'hello.txt',
			size: text.length,
			mimetype: 'text/plain',
			url: `${emulator.url}/${file.handle}`,
		});
		expect(emulator.files.get(file.handle)).toMatchObject({
			apiKey,
			filename: 'hello.txt',
			mimetype: 'text/plain',
		});
		expect(await storedMd5(file.handle)).toBe(md5(text));
		const start = requestsSince(mark).find((entry) => entry.route === 'start');
		expect(start?.body).toMatchObject({ apikey: apiKey, filename: 'hello.txt', size: text.length });
		expectSigning(signs, inFields(start?.body), ['pick', 'store']);
	});

	it('upload from a loopback URL fetches it once and stores it as served', async () => {
		const source = `${site.url}/report.csv`;
		const mark = emulator.requests.length;
		const file = await client.uploadFromUrl(source, { filename: 'visits.csv', path: 'imports/' });

		const served = SITE_FILES['/report.csv'].body;
		expect(site.hits).toEqual(['/report.csv']);
		expect(file).toMatchObject({
			filename: 'visits.csv',
			size: served.length,
			mimetype: 'text/csv',
			key: `imports/${file.handle}_visits.csv`,
		});
		expect(emulator.files.get(file.handle)).toMatchObject({ sourceUrl: source, apiKey });
		expect(await storedMd5(file.handle)).toBe(md5(served));
		expect(await downloadBytes(client, file.handle)).toEqual(served);

		const [process] = requestsSince(mark);
		expect(process.body).toMatchObject({ apikey: apiKey, sources: [source] });
		const { tasks } = process.body as { tasks: Array<{ name: string; params: unknown }> };
		expect(tasks.map((task) => task.name)).toEqual(signs ? ['store', 'security'] : ['store']);
		expect(tasks[0].params).toEqual({ location: 's3', filename: 'visits.csv', path: 'imports/' });
		const sourcePattern = `^(?:${source.replace(/\./g, '\\.')})$`;
		expectSigning(signs, inFields(tasks[1]?.params), ['pick', 'store'], undefined, sourcePattern);
	});

	it('upload from a remote URL stores what the emulator makes up for it, without any fetch', async () => {
		const file = await client.uploadFromUrl(REMOTE_URL);

		expect(site.hits).toEqual([]);
		expect(file).toMatchObject({ filename: 'readme.txt', mimetype: 'text/plain' });
		const content = await downloadBytes(client, file.handle);
		expect(content.toString('utf8')).toMatch(
			new RegExp(`^Filestack emulator: synthetic content of ${REMOTE_URL}\n`),
		);
		expect(file.size).toBe(content.length);
		expect(emulator.files.get(file.handle)?.sourceUrl).toBe(REMOTE_URL);
	});

	it('download streams the exact bytes, with name, type and size', async () => {
		const bytes = randomBytes(300_000);
		const { handle } = await uploadBytes(client, bytes, 'random.bin', 'application/x-random');
		const mark = emulator.requests.length;

		const download = await client.filelink(handle).download();
		expect(download).toMatchObject({
			filename: 'random.bin',
			mimetype: 'application/x-random',
			size: bytes.length,
		});
		expect(md5(await readAll(download.stream))).toBe(md5(bytes));

		const [request] = requestsSince(mark);
		expect(request).toMatchObject({ route: 'download', method: 'GET' });
		expect(request.path.endsWith(`/${handle}`)).toBe(true);
		expectSigning(signs, inPath(request.path), ['read'], handle);
	});

	it('metadata answers the default attributes, or exactly the ones asked, digests matching the content', async () => {
		const file = await uploadBytes(client, text, 'hello.txt', 'text/plain');
		const filelink = client.filelink(file.handle);
		const mark = emulator.requests.length;

		const defaults = await filelink.metadata();
		expect(Object.keys(defaults).sort()).toEqual([
			'container',
			'filename',
			'location',
			'mimetype',
			'path',
			'size',
			'uploaded',
			'writeable',
		]);
		expect(defaults).toMatchObject({
			filename: 'hello.txt',
			mimetype: 'text/plain',
			size: text.length,
			writeable: true,
			path: file.key,
		});

		const chosen = await filelink.metadata(['md5', 'sha256', 'size']);
		expect(chosen).toEqual({ md5: md5(text), sha256: sha256(text), size: text.length });

		const requests = requestsSince(mark);
		expect(requests.map((entry) => entry.path)).toEqual([
			`/${file.handle}/metadata`,
			`/${file.handle}/metadata`,
		]);
		expect(requests[1].query).toMatchObject({ md5: 'true', sha256: 'true', size: 'true' });
		for (const { query } of requests) expectSigning(signs, inFields(query), ['stat'], file.handle);
	});

	it('a transformation downloads its result from a URL carrying the tasks', async () => {
		const png = syntheticPng(200, 120, 'transform');
		const { handle } = await uploadBytes(client, png, 'picture.png', 'image/png');
		const mark = emulator.requests.length;

		const result = await client
			.filelink(handle)
			.transform()
			.add({ name: 'resize', params: { width: 100 } })
			.download();
		// The emulator does not process images: the result is the source, served for that chain of tasks.
		expect(result.mimetype).toBe('image/png');
		expect(await readAll(result.stream)).toEqual(png);
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({ route: 'transform', method: 'GET' });
		expect(request.path).toMatch(
			new RegExp(`^/resize=width:100/${signs ? 'security=[^/]+/' : ''}${handle}$`),
		);
		expectSigning(signs, inPath(request.path), ['read', 'convert'], handle);
	});

	it('a transformation stores its result as a new file', async () => {
		const png = syntheticPng(200, 120, 'store');
		const source = await uploadBytes(client, png, 'picture.png', 'image/png');
		const mark = emulator.requests.length;

		const stored = await client
			.filelink(source.handle)
			.transform()
			.add({ name: 'resize', params: { width: 100 } })
			.store({ filename: 'small.png' });

		expect(stored.handle).not.toBe(source.handle);
		expect(stored).toMatchObject({
			filename: 'small.png',
			mimetype: 'image/png',
			size: png.length,
			url: `${emulator.url}/${stored.handle}`,
		});
		expect(emulator.files.get(stored.handle)).toMatchObject({ apiKey, filename: 'small.png' });
		expect(await storedMd5(stored.handle)).toBe(md5(png));
		expect(await storedMd5(source.handle)).toBe(md5(png));
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({ route: 'transform', method: 'POST' });
		expect(decodeURIComponent(request.path)).toContain(
			'/resize=width:100/store=filename:small.png/',
		);
		expectSigning(signs, inPath(request.path), ['read', 'convert', 'store'], source.handle);
	});

	it('a screenshot of a web page is a PNG of the asked width', async () => {
		const mark = emulator.requests.length;
		const shot = await client
			.screenshot('https://www.example.com/pricing', { width: 800 })
			.download();

		const png = await readAll(shot.stream);
		expect(shot.mimetype).toBe('image/png');
		expect(png.subarray(0, 8)).toEqual(
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		);
		expect(png.readUInt32BE(16)).toBe(800);
		const [request] = requestsSince(mark);
		expect(request.path).toMatch(
			new RegExp(
				`^/${apiKey}/urlscreenshot=width:800/${signs ? 'security=[^/]+/' : ''}https://www.example.com/pricing$`,
			),
		);
		expectSigning(
			signs,
			inPath(request.path),
			['read', 'convert'],
			undefined,
			'^(?:https://www\\.example\\.com/pricing)$',
		);
	});

	it('a zip of two handles is a real ZIP holding both files under their names', async () => {
		const csv = Buffer.from('a,b\n1,2\n');
		const first = await uploadBytes(client, text, 'hello.txt', 'text/plain');
		const second = await uploadBytes(client, csv, 'table.csv', 'text/csv');
		const mark = emulator.requests.length;

		const zip = await client.zip([first.handle, second.handle]).download();
		expect(zip.mimetype).toBe('application/zip');
		expect(zipEntries(await readAll(zip.stream))).toEqual([
			{ name: 'hello.txt', data: text },
			{ name: 'table.csv', data: csv },
		]);
		const [request] = requestsSince(mark);
		expect(request.path).toMatch(
			new RegExp(
				`^/${apiKey}/zip/${signs ? 'security=[^/]+/' : ''}\\[${first.handle},${second.handle}\\]$`,
			),
		);
		expectSigning(signs, inPath(request.path), ['read', 'convert']);
	});

	it("the file's own URL opens it, signed for reading that file only", async () => {
		const { handle } = await uploadBytes(client, text, 'hello.txt', 'text/plain');
		const url = client.filelink(handle).url();

		expect(url.startsWith(`${emulator.url}/`)).toBe(true);
		expectSigning(signs, inPath(new URL(url).pathname), ['read'], handle);
		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(Buffer.from(await response.arrayBuffer())).toEqual(text);
	});
});

describe('security enforced, with the app secret: the calls Filestack serves only signed', () => {
	let client: Client;
	let file: StoredFile;
	const png = syntheticPng(64, 48, 'intelligence');
	beforeAll(() => {
		client = clientFor(SECURED, SECRET);
	});
	beforeEach(async () => {
		file = await uploadBytes(client, png, 'photo.png', 'image/png');
	});

	it("delete removes the file; downloading it afterwards is a 404 with Filestack's text", async () => {
		const mark = emulator.requests.length;
		await client.filelink(file.handle).delete();

		expect(emulator.files.has(file.handle)).toBe(false);
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({
			route: 'delete',
			method: 'DELETE',
			path: `/api/file/${file.handle}`,
		});
		expect(request.query.key).toBe(SECURED);
		expectSigning(true, inFields(request.query), ['remove'], file.handle);

		const gone = client.filelink(file.handle).download();
		await expect(gone).rejects.toBeInstanceOf(FilestackApiError);
		await expect(gone).rejects.toMatchObject({
			status: 404,
			detail: 'File not found',
			message: `Download of ${file.handle} failed with HTTP 404: File not found`,
		});
	});

	it('overwrite from a stream replaces the content under the same handle', async () => {
		const replacement = randomBytes(50_000);
		const mark = emulator.requests.length;
		let opened = 0;
		const answer = await client.filelink(file.handle).overwrite({
			size: replacement.length,
			mimetype: 'application/x-replaced',
			open: async () => {
				opened++;
				return Readable.from([replacement]);
			},
		});

		expect(opened).toBe(1);
		expect(answer).toEqual({
			url: `${emulator.url}/api/file/${file.handle}`,
			mimetype: 'application/x-replaced',
			isWriteable: true,
			size: replacement.length,
			filename: 'photo.png',
		});
		expect(emulator.files.get(file.handle)?.size).toBe(replacement.length);
		expect(await storedMd5(file.handle)).toBe(md5(replacement));
		expect(md5(await downloadBytes(client, file.handle))).toBe(md5(replacement));
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({
			route: 'overwrite',
			method: 'POST',
			path: `/api/file/${file.handle}`,
		});
		expect(request.query.base64decode).toBe('false');
		expectSigning(true, inFields(request.query), ['write'], file.handle);
	});

	it('overwrite from a URL replaces the content with what the URL serves', async () => {
		const source = `${site.url}/logo.png`;
		const mark = emulator.requests.length;
		const answer = await client.filelink(file.handle).overwrite({ url: source });

		const served = SITE_FILES['/logo.png'].body;
		expect(site.hits).toEqual(['/logo.png']);
		expect(answer).toMatchObject({ size: served.length, mimetype: 'image/png' });
		expect(await storedMd5(file.handle)).toBe(md5(served));
		expect(await downloadBytes(client, file.handle)).toEqual(served);
		const [request] = requestsSince(mark);
		expect(request.body).toEqual({ url: source });
		expectSigning(true, inFields(request.query), ['write'], file.handle);
	});

	it.each(['tags', 'sfw', 'ocr'] as const)(
		'%s answers the analysis of that very file',
		async (task) => {
			const mark = emulator.requests.length;
			const answer = await client.filelink(file.handle)[task]();

			expect(answer).toEqual(intelligenceResult(task, md5(png)));
			const [request] = requestsSince(mark);
			expect(request.path).toMatch(new RegExp(`^/${task}/security=[^/]+/${file.handle}$`));
			expectSigning(true, inPath(request.path), ['read', 'convert'], file.handle);
		},
	);

	it("a signed URL with a Security of the caller's making opens the file, and a transformation of it", async () => {
		const security = client.signOwnPolicy(
			(secret) =>
				new Security({ expiry: inAMinute(), call: ['read'], handle: file.handle }, secret),
		);
		const url = client.filelink(file.handle).transform().url(security);

		expect(url).toBe(
			`${emulator.url}/security=p:${security.policyB64},s:${security.signature}/${file.handle}`,
		);
		expectSigning(true, inPath(new URL(url).pathname), ['read'], file.handle);
		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(Buffer.from(await response.arrayBuffer())).toEqual(png);

		const resized = client
			.filelink(file.handle)
			.transform()
			.add({ name: 'resize', params: { width: 32 } })
			.url(security);
		expect((await fetch(resized)).status).toBe(200);
	});
});

/** A file and a second one, uploaded by a client with the right secret, for the calls below to act on. */
interface Fixture {
	file: StoredFile;
	other: StoredFile;
}

/** Every SDK operation; `needsSecret`: refused by the SDK itself when the credential has no app secret. */
const operations: Array<
	[name: string, needsSecret: boolean, run: (client: Client, fixture: Fixture) => Promise<unknown>]
> = [
	[
		'upload',
		false,
		async (client) => await uploadBytes(client, Buffer.from('new'), 'new.txt', 'text/plain'),
	],
	[
		'upload from a loopback URL',
		false,
		async (client) => await client.uploadFromUrl(`${site.url}/report.csv`),
	],
	['upload from a remote URL', false, async (client) => await client.uploadFromUrl(REMOTE_URL)],
	['download', false, async (client, { file }) => await downloadBytes(client, file.handle)],
	['metadata', false, async (client, { file }) => await client.filelink(file.handle).metadata()],
	[
		'metadata with md5',
		false,
		async (client, { file }) => await client.filelink(file.handle).metadata(['md5']),
	],
	[
		'transformation download',
		false,
		async (client, { file }) =>
			await readAll(
				(
					await client
						.filelink(file.handle)
						.transform()
						.add({ name: 'resize', params: { width: 100 } })
						.download()
				).stream,
			),
	],
	[
		'transformation store',
		false,
		async (client, { file }) =>
			await client
				.filelink(file.handle)
				.transform()
				.add({ name: 'resize', params: { width: 100 } })
				.store(),
	],
	[
		'screenshot',
		false,
		async (client) =>
			await readAll(
				(await client.screenshot('https://www.example.com/', { width: 800 }).download()).stream,
			),
	],
	[
		'zip',
		false,
		async (client, { file, other }) =>
			await readAll((await client.zip([file.handle, other.handle]).download()).stream),
	],
	['delete', true, async (client, { file }) => await client.filelink(file.handle).delete()],
	[
		'overwrite from a stream',
		true,
		async (client, { file }) =>
			await client
				.filelink(file.handle)
				.overwrite({ size: 3, open: async () => Readable.from([Buffer.from('new')]) }),
	],
	[
		'overwrite from a URL',
		true,
		async (client, { file }) =>
			await client.filelink(file.handle).overwrite({ url: `${site.url}/report.csv` }),
	],
	['tags', true, async (client, { file }) => await client.filelink(file.handle).tags()],
	['sfw', true, async (client, { file }) => await client.filelink(file.handle).sfw()],
	['ocr', true, async (client, { file }) => await client.filelink(file.handle).ocr()],
	[
		'signed URL of a custom Security',
		true,
		async (client, { file }) => {
			const security = client.signOwnPolicy(
				(secret) => new Security({ expiry: inAMinute(), call: ['read'] }, secret),
			);
			return await client.http.send('Signed URL', {
				method: 'GET',
				url: client.filelink(file.handle).transform().url(security),
			});
		},
	],
];

async function makeFixture(): Promise<Fixture> {
	const client = clientFor(SECURED, SECRET);
	return {
		file: await uploadBytes(client, Buffer.from('first file\n'), 'first.txt', 'text/plain'),
		other: await uploadBytes(client, Buffer.from('second file\n'), 'second.txt', 'text/plain'),
	};
}

describe('security enforced, with a wrong app secret', () => {
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	it.each(operations)(
		"%s is refused with 403 and the emulator's reason, changing nothing",
		async (_name, _needsSecret, run) => {
			const before = await storedContent();
			const mark = emulator.requests.length;
			const outcome = run(clientFor(SECURED, WRONG_SECRET), fixture);

			await expect(outcome).rejects.toBeInstanceOf(FilestackApiError);
			await expect(outcome).rejects.toMatchObject({
				status: 403,
				message: expect.stringMatching(
					/ failed with HTTP 403: .*signature does not match the policy/,
				),
			});
			await expect(outcome).rejects.toMatchObject({
				message: expect.not.stringContaining(WRONG_SECRET),
			});
			expect(requestsSince(mark)).toHaveLength(1); // a refusal is not retried
			expect(await storedContent()).toEqual(before);
			expect(site.hits).toEqual([]);
		},
	);
});

describe.each([
	['no security', OPEN],
	['security enforced', SECURED],
])('%s, without an app secret', (label, apiKey) => {
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	it.each(operations.filter(([, needsSecret]) => needsSecret))(
		'%s is refused before any request, naming the app secret',
		async (_name, _needsSecret, run) => {
			const mark = emulator.requests.length;
			const outcome = run(clientFor(apiKey), fixture);

			await expect(outcome).rejects.toBeInstanceOf(FilestackValidationError);
			await expect(outcome).rejects.toThrow(/needs .*the app secret of your Filestack application/);
			expect(requestsSince(mark)).toEqual([]);
		},
	);

	if (label === 'security enforced') {
		it.each(operations.filter(([, needsSecret]) => !needsSecret))(
			'%s is refused by Filestack with 403: credentials not provided',
			async (_name, _needsSecret, run) => {
				const before = await storedContent();
				const mark = emulator.requests.length;
				const outcome = run(clientFor(apiKey), fixture);

				await expect(outcome).rejects.toBeInstanceOf(FilestackApiError);
				await expect(outcome).rejects.toMatchObject({
					status: 403,
					message: expect.stringMatching(
						/ failed with HTTP 403: .*policy.*proper credentials were not provided/,
					),
				});
				expect(requestsSince(mark)).toHaveLength(1);
				expect(await storedContent()).toEqual(before);
			},
		);
	}
});

describe('least privilege: a policy for one handle does not open another', () => {
	let client: Client;
	let fixture: Fixture;
	beforeEach(async () => {
		client = clientFor(SECURED, SECRET);
		fixture = await makeFixture();
	});

	it('a read policy of one file reads it, and not the other', async () => {
		const { file, other } = fixture;
		const security = client.signOwnPolicy(
			(secret) =>
				new Security({ expiry: inAMinute(), call: ['read'], handle: file.handle }, secret),
		);

		expect((await fetch(client.filelink(file.handle).transform().url(security))).status).toBe(200);
		const refused = await fetch(client.filelink(other.handle).transform().url(security));
		expect(refused.status).toBe(403);
		expect(await refused.text()).toBe(
			`application [${SECURED}] policy error: policy is for another handle than ${other.handle}`,
		);
	});

	it("the SDK's own signed URL of one file, pointed at another, is refused", async () => {
		const { file, other } = fixture;
		const signedForFile = client.filelink(file.handle).url();
		const refused = await fetch(
			signedForFile.replace(new RegExp(`/${file.handle}$`), `/${other.handle}`),
		);
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain(`policy is for another handle than ${other.handle}`);
	});

	it('a delete policy of one file cannot delete another, and a read policy cannot delete at all', async () => {
		const { file, other } = fixture;
		const deleteFile = client.policyFor(['remove'], { handle: file.handle }) as Security;
		const readOther = client.policyFor(['read'], { handle: other.handle }) as Security;
		const attempt = async (handle: string, security: Security) =>
			await fetch(
				`${emulator.url}/api/file/${handle}?${new URLSearchParams({ key: SECURED, ...security.toParams() }).toString()}`,
				{
					method: 'DELETE',
				},
			);

		const wrongHandle = await attempt(other.handle, deleteFile);
		expect(wrongHandle.status).toBe(403);
		expect(await wrongHandle.text()).toContain(`policy is for another handle than ${other.handle}`);
		const wrongCall = await attempt(other.handle, readOther);
		expect(wrongCall.status).toBe(403);
		expect(await wrongCall.text()).toContain('policy does not allow the "remove" call');
		expect(emulator.files.has(other.handle)).toBe(true);
	});
});

describe('least privilege: a chain is signed for every file it reads, and only those', () => {
	let client: Client;
	let fixture: Fixture;
	beforeEach(async () => {
		client = clientFor(SECURED, SECRET);
		fixture = await makeFixture();
	});

	/** The policy of the one request since `mark`, as the server received it. */
	function receivedPolicy(mark: number): Record<string, unknown> {
		const [request] = requestsSince(mark);
		const { policy, signature } = inPath(request.path) as Required<Credentials>;
		expect(signature).toBe(createHmac('sha256', SECRET).update(policy).digest('hex'));
		return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<string, unknown>;
	}

	it.each([
		['a watermark', (other: string) => ({ name: 'watermark', params: { file: other } })],
		[
			'a collage',
			(other: string) => ({ name: 'collage', params: { files: [other], width: 10, height: 10 } }),
		],
		['a fallback', (other: string) => ({ name: 'fallback', params: { handle: other } })],
	])(
		'%s of another stored file is served: its policy names no handle, since one policy names only one',
		async (_, task) => {
			const { file, other } = fixture;
			const mark = emulator.requests.length;
			const result = await client
				.filelink(file.handle)
				.transform()
				.add(task(other.handle))
				.download();

			expect(await readAll(result.stream)).toEqual(Buffer.from('first file\n'));
			const policy = receivedPolicy(mark);
			expect(policy).toEqual({ call: ['read', 'convert'], expiry: expect.any(Number) });
		},
	);

	it('a video conversion with another stored file as its watermark starts, and each poll is signed for both', async () => {
		const { file, other } = fixture;
		const mark = emulator.requests.length;
		const conversion = await client
			.filelink(file.handle)
			.transform()
			.videoConvert({ preset: 'h264', watermark_url: other.handle });

		expect(conversion.lastStatus?.status).toBe('started');
		expect(receivedPolicy(mark)).toEqual({
			call: ['read', 'convert', 'store'],
			expiry: expect.any(Number),
		});
	});

	it('a watermark from a URL: the policy names the handle and that URL, and opens no other URL', async () => {
		const { file } = fixture;
		const mark = emulator.requests.length;
		const chain = client
			.filelink(file.handle)
			.transform()
			.add({ name: 'watermark', params: { file: REMOTE_URL } });
		await readAll((await chain.download()).stream);

		expect(receivedPolicy(mark)).toEqual({
			call: ['read', 'convert'],
			expiry: expect.any(Number),
			handle: file.handle,
			url: '^(?:https://files\\.example\\.com/notes/readme\\.txt)$',
		});
		const elsewhere = await fetch(
			chain.url().replace(encodeURI(REMOTE_URL), 'https://files.example.com/notes/secret.txt'),
		);
		expect(elsewhere.status).toBe(403);
		expect(await elsewhere.text()).toContain(
			'policy url does not allow https://files.example.com/notes/secret.txt',
		);
	});

	it('a URL of an external source reads that URL only: pointed at another, it is refused', async () => {
		const shared = client.transformation({ url: REMOTE_URL }).add({ name: 'flip' }).url();
		expect((await fetch(shared)).status).toBe(200);

		const other = await fetch(shared.replace(REMOTE_URL, 'https://files.example.com/other.txt'));
		expect(other.status).toBe(403);
		expect(await other.text()).toContain(
			'policy url does not allow https://files.example.com/other.txt',
		);
	});
});

describe('faults: throttling and server errors are retried until the call succeeds', () => {
	let client: Client;
	beforeEach(() => {
		client = clientFor(SECURED, SECRET);
	});

	it('metadata after two 503s', async () => {
		const content = Buffer.from('metadata under faults');
		const { handle } = await uploadBytes(client, content, 'm.txt', 'text/plain');
		emulator.faults.failNext('metadata', 2, 503);
		const mark = emulator.requests.length;

		expect(await client.filelink(handle).metadata(['md5'])).toEqual({ md5: md5(content) });
		expect(requestsSince(mark).map((entry) => entry.route)).toEqual([
			'metadata',
			'metadata',
			'metadata',
		]);
	});

	it('upload from a URL (/process) after a 429 and a 503, storing the file once', async () => {
		emulator.faults.failNext('process', 1, 429);
		emulator.faults.failNext('process', 1, 503);
		const mark = emulator.requests.length;

		const file = await client.uploadFromUrl(`${site.url}/report.csv`);
		expect(await storedMd5(file.handle)).toBe(md5(SITE_FILES['/report.csv'].body));
		expect(emulator.files.size).toBe(1);
		expect(requestsSince(mark).map((entry) => entry.route)).toEqual([
			'process',
			'process',
			'process',
		]);
	});

	it('a transformation store after a 503 and a 429, storing the result once', async () => {
		const content = Buffer.from('store under faults');
		const source = await uploadBytes(client, content, 's.txt', 'text/plain');
		emulator.faults.failNext('transform', 1, 503);
		emulator.faults.failNext('transform', 1, 429);

		const stored = await client
			.filelink(source.handle)
			.transform()
			.add({ name: 'resize', params: { width: 10 } })
			.store();
		expect(await storedMd5(stored.handle)).toBe(md5(content));
		expect(emulator.files.size).toBe(2);
	});

	it('an overwrite from a stream after a 503 opens its source again for the second try', async () => {
		const { handle } = await uploadBytes(client, Buffer.from('before'), 'o.txt', 'text/plain');
		const replacement = Buffer.from('after the retry');
		emulator.faults.failNext('overwrite', 1, 503);
		let opened = 0;

		await client.filelink(handle).overwrite({
			size: replacement.length,
			open: async () => {
				opened++;
				return Readable.from([replacement]);
			},
		});
		expect(opened).toBe(2);
		expect(await downloadBytes(client, handle)).toEqual(replacement);
	});
});
