import { createHash } from 'crypto';
import { crc32 } from 'zlib';

import { postJson, multipartUpload, getJson, download, uploadedHandle } from './requests';
import { KEY, emulator, describeEmulator, md5Hex } from './support';

// The CDN and its task chains: transformations, stored results, intelligence, zip, screenshots, metadata
// (test/emulator/cdn.ts, process.ts).

describeEmulator('CDN and transformations', () => {
	let handle: string;
	const content = Buffer.from('transform me, please');

	beforeEach(async () => {
		handle = await uploadedHandle(content, 'photo.jpg');
	});

	it('passes the source through, naming the task chain, and honours output=format', async () => {
		const res = await download(
			`${emulator.url}/resize=width:100,height:50/output=format:png/${handle}`,
		);
		expect(res.status).toBe(200);
		expect(res.body.equals(content)).toBe(true);
		expect(res.headers.get('x-emulator-tasks')).toBe(
			'resize=width:100,height:50/output=format:png',
		);
		expect(res.headers.get('content-type')).toBe('image/png');
		expect(res.headers.get('content-disposition')).toContain('photo.png');
	});

	it('refuses unknown tasks and malformed parameters, and external URLs without an API key', async () => {
		const unknown = await fetch(`${emulator.url}/resize=width:10/frobnicate=x:1/${handle}`);
		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toContain('frobnicate');
		expect((await fetch(`${emulator.url}/resize=width/${handle}`)).status).toBe(400);
		expect((await fetch(`${emulator.url}/resize=width:10/https://example.com/x.png`)).status).toBe(
			400,
		);
		expect((await fetch(`${emulator.url}/AAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
	});

	it('stores a transformation result with POST and a final store task', async () => {
		const res = await postJson(
			`${emulator.url}/flip/output=format:png/store=filename:flipped.png,path:"out/"/${handle}`,
			{},
		);
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			filename: 'flipped.png',
			size: content.length,
			type: 'image/png',
			container: 'emulator-bucket',
		});
		expect(res.json.key).toBe(`out/${res.json.handle}_flipped.png`);
		expect((await download(res.json.url)).body.equals(content)).toBe(true);
	});

	it('answers tags, sfw and ocr with plausible, stable JSON', async () => {
		const tags = await getJson(`${emulator.url}/tags/${handle}`);
		expect(tags.tags.user).toBeNull();
		expect(Object.keys(tags.tags.auto).length).toBeGreaterThan(0);
		expect(await getJson(`${emulator.url}/tags/${handle}`)).toEqual(tags);
		expect(typeof (await getJson(`${emulator.url}/sfw/${handle}`)).sfw).toBe('boolean');
		const ocr = await getJson(`${emulator.url}/ocr/${handle}`);
		expect(ocr.document.text_areas[0].lines[0].words.length).toBeGreaterThan(0);
	});

	it('zips several handles into a real ZIP archive', async () => {
		const second = Buffer.from('second file');
		const other = (await multipartUpload(emulator, second, { filename: 'notes.txt' })).json.handle;
		const res = await download(`${emulator.url}/${KEY}/zip/[${handle},${other}]`);
		expect(res.headers.get('content-type')).toBe('application/zip');
		const entries: Array<{ name: string; data: Buffer; crc: number }> = [];
		for (let at = 0; res.body.readUInt32LE(at) === 0x04034b50; ) {
			const size = res.body.readUInt32LE(at + 18);
			const nameLength = res.body.readUInt16LE(at + 26);
			const name = res.body.subarray(at + 30, at + 30 + nameLength).toString();
			const start = at + 30 + nameLength + res.body.readUInt16LE(at + 28);
			entries.push({
				name,
				data: res.body.subarray(start, start + size),
				crc: res.body.readUInt32LE(at + 14),
			});
			at = start + size;
		}
		expect(entries.map((entry) => entry.name)).toEqual(['photo.jpg', 'notes.txt']);
		expect(entries[0].data.equals(content)).toBe(true);
		expect(entries[1].data.equals(second)).toBe(true);
		for (const entry of entries) expect(entry.crc).toBe(crc32(entry.data));
		expect(res.body.readUInt32LE(res.body.length - 22)).toBe(0x06054b50);
	});

	it('screenshots an external URL as a PNG without contacting it, the same every time', async () => {
		const url = `${emulator.url}/${KEY}/urlscreenshot=width:320,height:200/https://example.com/page`;
		const first = await download(url);
		expect(first.headers.get('content-type')).toBe('image/png');
		expect(first.body.subarray(1, 4).toString()).toBe('PNG');
		expect(first.body.readUInt32BE(16)).toBe(320);
		expect((await download(url)).body.equals(first.body)).toBe(true);
	});

	it('returns metadata: the default set, or the attributes asked, with digests of the content', async () => {
		const defaults = await getJson(`${emulator.url}/${handle}/metadata`);
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
		const asked = await getJson(
			`${emulator.url}/api/file/${handle}/metadata?size=true&md5=true&sha256=true`,
		);
		expect(asked).toEqual({
			size: content.length,
			md5: md5Hex(content),
			sha256: createHash('sha256').update(content).digest('hex'),
		});
		expect((await fetch(`${emulator.url}/${handle}/metadata?colour=true`)).status).toBe(400);
	});
});
