import { randomBytes } from 'crypto';
import { Readable } from 'stream';

import { FilestackApiError } from '../../../nodes/Filestack/sdk/errors';
import { pathsRequested } from '../../support/site';
import {
	HELLO,
	SECURED,
	SECRET,
	SITE_FILES,
	REMOTE_URL,
	emulator,
	site,
	md5,
	sha256,
	readAll,
	uploadBytes,
	downloadBytes,
	requestsSince,
	storedMd5,
	inPath,
	inFields,
	expectSigning,
	useEmulatorAndSite,
	client,
	useClient,
	describeEachSecurityMode,
	describeSignedOnly,
	photo,
} from './support';

// Files: upload (bytes, loopback and remote URLs), download, metadata, the file's URL, delete and overwrite.

useEmulatorAndSite();

describeEachSecurityMode((apiKey, signs) => {
	it('upload stores the bytes under a new handle, with its name and type', async () => {
		const mark = emulator.requests.length;
		const file = await uploadBytes(client, HELLO, 'hello.txt', 'text/plain');

		expect(file).toMatchObject({
			filename: 'hello.txt',
			size: HELLO.length,
			mimetype: 'text/plain',
			url: `${emulator.url}/${file.handle}`,
		});
		expect(emulator.files.get(file.handle)).toMatchObject({
			apiKey,
			filename: 'hello.txt',
			mimetype: 'text/plain',
		});
		expect(await storedMd5(file.handle)).toBe(md5(HELLO));
		const start = requestsSince(mark).find((entry) => entry.route === 'start');
		expect(start?.body).toMatchObject({
			apikey: apiKey,
			filename: 'hello.txt',
			size: HELLO.length,
		});
		expectSigning(signs, inFields(start?.body), ['pick', 'store']);
	});

	it('upload from a loopback URL fetches it once and stores it as served', async () => {
		const source = `${site.url}/report.csv`;
		const mark = emulator.requests.length;
		const file = await client.uploadFromUrl(source, { filename: 'visits.csv', path: 'imports/' });

		const served = SITE_FILES['/report.csv'].body;
		expect(pathsRequested(site)).toEqual(['/report.csv']);
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

		expect(pathsRequested(site)).toEqual([]);
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
		const file = await uploadBytes(client, HELLO, 'hello.txt', 'text/plain');
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
			size: HELLO.length,
			writeable: true,
			path: file.key,
		});

		const chosen = await filelink.metadata(['md5', 'sha256', 'size']);
		expect(chosen).toEqual({ md5: md5(HELLO), sha256: sha256(HELLO), size: HELLO.length });

		const requests = requestsSince(mark);
		expect(requests.map((entry) => entry.path)).toEqual([
			`/${file.handle}/metadata`,
			`/${file.handle}/metadata`,
		]);
		expect(requests[1].query).toMatchObject({ md5: 'true', sha256: 'true', size: 'true' });
		for (const { query } of requests) expectSigning(signs, inFields(query), ['stat'], file.handle);
	});

	it("the file's own URL opens it, signed for reading that file only", async () => {
		const { handle } = await uploadBytes(client, HELLO, 'hello.txt', 'text/plain');
		const url = client.filelink(handle).url();

		expect(url.startsWith(`${emulator.url}/`)).toBe(true);
		expectSigning(signs, inPath(new URL(url).pathname), ['read'], handle);
		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(Buffer.from(await response.arrayBuffer())).toEqual(HELLO);
	});
});

describeSignedOnly(() => {
	it("delete removes the file; downloading it afterwards is a 404 with Filestack's text", async () => {
		const mark = emulator.requests.length;
		await client.filelink(photo.handle).delete();

		expect(emulator.files.has(photo.handle)).toBe(false);
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({
			route: 'delete',
			method: 'DELETE',
			path: `/api/file/${photo.handle}`,
		});
		expect(request.query.key).toBe(SECURED);
		expectSigning(true, inFields(request.query), ['remove'], photo.handle);

		const gone = client.filelink(photo.handle).download();
		await expect(gone).rejects.toBeInstanceOf(FilestackApiError);
		await expect(gone).rejects.toMatchObject({
			status: 404,
			detail: 'File not found',
			message: `Download of ${photo.handle} failed with HTTP 404: File not found`,
		});
	});

	it('overwrite from a stream replaces the content under the same handle', async () => {
		const replacement = randomBytes(50_000);
		const mark = emulator.requests.length;
		let opened = 0;
		const answer = await client.filelink(photo.handle).overwrite({
			size: replacement.length,
			mimetype: 'application/x-replaced',
			open: async () => {
				opened++;
				return Readable.from([replacement]);
			},
		});

		expect(opened).toBe(1);
		expect(answer).toEqual({
			url: `${emulator.url}/api/file/${photo.handle}`,
			mimetype: 'application/x-replaced',
			isWriteable: true,
			size: replacement.length,
			filename: 'photo.png',
		});
		expect(emulator.files.get(photo.handle)?.size).toBe(replacement.length);
		expect(await storedMd5(photo.handle)).toBe(md5(replacement));
		expect(md5(await downloadBytes(client, photo.handle))).toBe(md5(replacement));
		const [request] = requestsSince(mark);
		expect(request).toMatchObject({
			route: 'overwrite',
			method: 'POST',
			path: `/api/file/${photo.handle}`,
		});
		expect(request.query.base64decode).toBe('false');
		expectSigning(true, inFields(request.query), ['write'], photo.handle);
	});

	it('overwrite from a URL replaces the content with what the URL serves', async () => {
		const source = `${site.url}/logo.png`;
		const mark = emulator.requests.length;
		const answer = await client.filelink(photo.handle).overwrite({ url: source });

		const served = SITE_FILES['/logo.png'].body;
		expect(pathsRequested(site)).toEqual(['/logo.png']);
		expect(answer).toMatchObject({ size: served.length, mimetype: 'image/png' });
		expect(await storedMd5(photo.handle)).toBe(md5(served));
		expect(await downloadBytes(client, photo.handle)).toEqual(served);
		const [request] = requestsSince(mark);
		expect(request.body).toEqual({ url: source });
		expectSigning(true, inFields(request.query), ['write'], photo.handle);
	});
});

describe('faults: throttling and server errors are retried until the call succeeds', () => {
	useClient(SECURED, SECRET);

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
