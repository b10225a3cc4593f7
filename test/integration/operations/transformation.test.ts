import { intelligenceResult } from '../../emulator/intelligence';
import { syntheticPng } from '../../emulator/png';
import {
	PHOTO_PNG,
	HELLO,
	SECURED,
	SECRET,
	emulator,
	md5,
	readAll,
	uploadBytes,
	requestsSince,
	storedMd5,
	inPath,
	expectSigning,
	zipEntries,
	useEmulatorAndSite,
	client,
	useClient,
	describeEachSecurityMode,
	describeSignedOnly,
	photo,
} from './support';

// Transformations: a result downloaded or stored, screenshots, zips, and the intelligence tasks.

useEmulatorAndSite();

describeEachSecurityMode((apiKey, signs) => {
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
		const first = await uploadBytes(client, HELLO, 'hello.txt', 'text/plain');
		const second = await uploadBytes(client, csv, 'table.csv', 'text/csv');
		const mark = emulator.requests.length;

		const zip = await client.zip([first.handle, second.handle]).download();
		expect(zip.mimetype).toBe('application/zip');
		expect(zipEntries(await readAll(zip.stream))).toEqual([
			{ name: 'hello.txt', data: HELLO },
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
});

describeSignedOnly(() => {
	it.each(['tags', 'sfw', 'ocr'] as const)(
		'%s answers the analysis of that very file',
		async (task) => {
			const mark = emulator.requests.length;
			const answer = await client.filelink(photo.handle)[task]();

			expect(answer).toEqual(intelligenceResult(task, md5(PHOTO_PNG)));
			const [request] = requestsSince(mark);
			expect(request.path).toMatch(new RegExp(`^/${task}/security=[^/]+/${photo.handle}$`));
			expectSigning(true, inPath(request.path), ['read', 'convert'], photo.handle);
		},
	);
});

describe('faults: throttling and server errors are retried until the call succeeds', () => {
	useClient(SECURED, SECRET);

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
});
