import { existsSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import {
	type Json,
	postJson,
	multipartUpload,
	getJson,
	download,
	uploadedHandle,
} from './requests';
import { KEY, emulator, describeEmulator } from './support';

// The File API and /process: overwrite, delete, store from a URL (test/emulator/fileApi.ts, process.ts).

describeEmulator('File API and /process', () => {
	let handle: string;
	beforeEach(async () => {
		handle = await uploadedHandle(Buffer.from('original'), 'doc.txt');
	});

	it('overwrites with raw bytes, a multipart fileUpload, or a URL', async () => {
		const raw = await fetch(`${emulator.url}/api/file/${handle}`, {
			method: 'POST',
			headers: { 'Content-Type': 'text/plain' },
			body: 'raw bytes',
		});
		expect(await raw.json()).toEqual({
			url: `${emulator.url}/api/file/${handle}`,
			mimetype: 'text/plain',
			isWriteable: true,
			size: 9,
			filename: 'doc.txt',
		});
		expect((await download(`${emulator.url}/api/file/${handle}`)).body.toString()).toBe(
			'raw bytes',
		);

		const form = new FormData();
		form.append('other', 'ignored');
		form.append(
			'fileUpload',
			new Blob([Buffer.from('from a form')], { type: 'application/octet-stream' }),
			'filename',
		);
		const multipart = await fetch(`${emulator.url}/api/file/${handle}`, {
			method: 'POST',
			body: form,
		});
		expect(multipart.status).toBe(200);
		expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe('from a form');

		const encoded = await fetch(`${emulator.url}/api/file/${handle}?base64decode=true`, {
			method: 'POST',
			body: Buffer.from('decoded!').toString('base64'),
		});
		expect(((await encoded.json()) as Json).size).toBe(8);
		expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe('decoded!');

		const source = (await multipartUpload(emulator, Buffer.from('fetched over loopback'))).json
			.url as string;
		const byUrl = await fetch(`${emulator.url}/api/file/${handle}`, {
			method: 'POST',
			body: new URLSearchParams({ url: source }),
		});
		expect(byUrl.status).toBe(200);
		expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe(
			'fetched over loopback',
		);
		expect(
			emulator.requests.find((entry) => entry.route === 'overwrite' && entry.body)?.body,
		).toEqual({ url: source });
	});

	it('deletes a file; it is gone afterwards', async () => {
		const segments = emulator.files.get(handle)?.content.segments ?? [];
		expect(segments.length).toBeGreaterThan(0);
		expect((await fetch(`${emulator.url}/api/file/${handle}`, { method: 'DELETE' })).status).toBe(
			400,
		);
		const deleted = await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}`, {
			method: 'DELETE',
		});
		expect(deleted.status).toBe(200);
		expect(emulator.files.has(handle)).toBe(false);
		expect(segments.filter((segment) => existsSync(segment))).toEqual([]);
		expect((await fetch(`${emulator.url}/${handle}`)).status).toBe(404);
	});

	it('stores from an external URL with synthesized content, and from a loopback URL for real', async () => {
		const external = {
			apikey: KEY,
			sources: ['https://example.com/pics/cat.png'],
			tasks: [{ name: 'store', params: { path: 'pics/' } }],
		};
		const first = await postJson(`${emulator.url}/process`, external);
		expect(first.json).toMatchObject({
			filename: 'cat.png',
			type: 'image/png',
			container: 'emulator-bucket',
		});
		expect(first.json.key).toBe(`pics/${first.json.handle}_cat.png`);
		const second = await postJson(`${emulator.url}/process`, external);
		expect(second.json.handle).not.toBe(first.json.handle);
		const md5Of = async (handle: unknown) =>
			await emulator.files.get(String(handle))?.content.md5();
		expect(await md5Of(second.json.handle)).toBe(await md5Of(first.json.handle));
		const metadata = await getJson(
			`${emulator.url}/${first.json.handle}/metadata?width=true&height=true`,
		);
		expect(metadata).toEqual({ width: 64, height: 64 });

		const origin = await new Promise<Server>((resolve) => {
			const server = createServer((req, res) => {
				res.writeHead(200, { 'Content-Type': 'text/csv' });
				res.end(`a,b\n1,${req.headers['x-token']}\n`);
			});
			server.listen(0, '127.0.0.1', () => resolve(server));
		});
		try {
			const { port } = origin.address() as AddressInfo;
			const local = await postJson(`${emulator.url}/process`, {
				apikey: KEY,
				sources: [{ source: `http://127.0.0.1:${port}/table.csv`, headers: { 'x-token': '42' } }],
				tasks: [{ name: 'store', params: {} }],
			});
			expect(local.json).toMatchObject({ filename: 'table.csv', type: 'text/csv', size: 9 });
			expect((await download(local.json.url)).body.toString()).toBe('a,b\n1,42\n');
		} finally {
			origin.close();
		}
	});
});
