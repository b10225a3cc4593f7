import { createHash, randomBytes } from 'node:crypto';

import { intelligenceResult } from '../emulator/intelligence';
import { syntheticPng } from '../emulator/png';
import { zipArchive } from '../emulator/zip';
import type { NodeSpec } from '../harness';
import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { fingerprint, pairedItems, storedBytes, useNodeFixture } from './support';

// The "transformation" resource (transform, screenshot, zip) with each output: URL, binary file, stored file.
const APP: EmulatedApp = { apiKey: 'TRANSFORM_KEY' };
const LOGO = syntheticPng(40, 20, 'logo');

const fixture = useNodeFixture({
	apps: [APP],
	site: { '/logo.png': { type: 'image/png', body: LOGO } },
});

afterEach(async () => await fixture.emulator.reset());

async function outputOf(nodes: NodeSpec[]) {
	const run = await fixture.harness.run({ nodes });
	expect(run.error?.message).toBeUndefined();
	return run.output('Filestack');
}

/** Fetches a URL from the emulator, as a browser given the node's output would. */
async function fetchBytes(
	url: string,
): Promise<{ status: number; tasks: string | null; body: Buffer }> {
	const response = await fetch(url);
	return {
		status: response.status,
		tasks: response.headers.get('x-emulator-tasks'),
		body: Buffer.from(await response.arrayBuffer()),
	};
}

/** The transformation requests the emulator received, by the task chain it understood. */
const transformChains = () =>
	fixture.emulator.requests
		.filter(({ route }) => route === 'transform')
		.map(({ path }) => decodeURIComponent(path));

describe('transform', () => {
	const photo = randomBytes(4096);
	let handle: string;
	beforeEach(async () => {
		handle = (await fixture.seeder.store(APP, photo, 'photo.jpg', 'image/jpeg')).handle;
	});

	it('builds the URL of a chain from the typed task list, in the order given', async () => {
		const requestsBefore = fixture.emulator.requests.length;
		const [item] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle,
				tasks: {
					task: [
						{ name: 'resize', resizeParameters: { width: 300, height: 200 } },
						{ name: 'flip' },
						{ name: 'sepia', sepiaParameters: { tone: 50 } },
					],
				},
			}),
		]);

		const url = `${fixture.emulator.url}/resize=height:200,width:300/flip/sepia=tone:50/${handle}`;
		expect(item.json).toEqual({ url, tasks: ['resize', 'flip', 'sepia'] });
		expect(fixture.emulator.requests).toHaveLength(requestsBefore);
		const fetched = await fetchBytes(url);
		expect(fetched).toMatchObject({
			status: 200,
			tasks: 'resize=height:200,width:300/flip/sepia=tone:50',
		});
		expect(fingerprint(fetched.body)).toEqual(fingerprint(photo));
	});

	it("downloads the result into a binary field, keeping the item's other binaries", async () => {
		const run = await fixture.harness.run({
			nodes: [
				source([{ binary: { original: bytes('the input file', 'input.txt', 'text/plain') } }]),
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					handle,
					tasks: {
						task: [
							{ name: 'resize', resizeParameters: { width: 300, fit: 'crop' } },
							{ name: 'output', outputParameters: { format: 'png' } },
						],
					},
					output: 'binary',
					binaryPropertyName: 'thumbnail',
				}),
			],
		});

		const [item] = run.output('Filestack');
		expect(item.json).toEqual({
			filename: 'photo.png',
			mimetype: 'image/png',
			size: photo.length,
			tasks: ['resize', 'output'],
		});
		expect(item.binary?.thumbnail).toMatchObject({ fileName: 'photo.png', mimeType: 'image/png' });
		// The emulator does not process images: the result is the source's bytes under the new type.
		expect(fingerprint(await binaryBuffer(item, 'thumbnail'))).toEqual(
			fingerprint(await storedBytes(fixture.emulator, handle)),
		);
		expect(item.binary?.original).toEqual(run.output('Source')[0].binary?.original);
		expect(transformChains()).toEqual([`/resize=fit:crop,width:300/output=format:png/${handle}`]);
	});

	it('stores the result of a chain given as text, under the store options', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle,
				chainInput: 'text',
				taskChain: 'resize=width:120/flip',
				output: 'store',
				storeOptions: { filename: 'thumb.jpg', path: 'thumbs/' },
			}),
		]);

		const stored = String(json.handle);
		expect(stored).not.toBe(handle);
		expect(json).toMatchObject({
			url: `${fixture.emulator.url}/${stored}`,
			filename: 'thumb.jpg',
			size: photo.length,
			mimetype: 'image/jpeg',
			key: `thumbs/${stored}_thumb.jpg`,
		});
		expect(fingerprint(await storedBytes(fixture.emulator, stored))).toEqual(fingerprint(photo));
		expect(transformChains()).toEqual([
			`/resize=width:120/flip/store=filename:thumb.jpg,path:"thumbs/"/${handle}`,
		]);
	});

	it.each([
		[
			'the typed task list',
			{ tasks: { task: [{ name: 'flip' }, { name: 'cache', cacheParameters: { cache: false } }] } },
		],
		['a chain given as text', { chainInput: 'text', taskChain: 'flip/cache=false' }],
	])('turns caching off (cache=false) from %s', async (_, parameters) => {
		const [item] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle,
				output: 'binary',
				...parameters,
			}),
		]);

		const cdn = fixture.emulator.requests.filter(({ route }) => route === 'transform');
		expect(cdn.map(({ target }) => target)).toEqual([`/flip/cache=false/${handle}`]);
		expect(item.json.tasks).toEqual(['flip', 'cache']);
		expect(fingerprint(await binaryBuffer(item))).toEqual(fingerprint(photo));
	});

	it('sends a store path holding slashes whole, as the CDN receives it', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle,
				chainInput: 'text',
				taskChain: 'flip',
				output: 'store',
				storeOptions: { path: 'exports/2026/' },
			}),
		]);

		const cdn = fixture.emulator.requests.filter(({ route }) => route === 'transform');
		expect(cdn.map(({ target }) => target)).toEqual([
			`/flip/store=path:%22exports/2026/%22/${handle}`,
		]);
		expect(json.key).toBe(`exports/2026/${String(json.handle)}_photo.jpg`);
	});

	it.each([
		[
			'a store filename in the chain',
			{ chainInput: 'text', taskChain: 'flip/store=filename:"a/../../b"', output: 'binary' },
			/Task "store": parameter "filename" must not hold "\." or "\.\." between slashes/,
		],
		[
			'a Store Path',
			{
				chainInput: 'text',
				taskChain: 'flip',
				output: 'store',
				storeOptions: { path: 'x/../../' },
			},
			/Task "store": parameter "path" must not hold "\." or "\.\." between slashes/,
		],
		[
			'an encoded one in a watermark URL',
			{
				chainInput: 'text',
				taskChain: 'watermark=file:"https://a.example/x/%2e%2e/y.png"',
				output: 'binary',
			},
			/Task "watermark": parameter "file" must not hold/,
		],
	])('refuses dot segments in %s before sending anything', async (_, parameters, message) => {
		const before = fixture.emulator.requests.length;
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					handle,
					...parameters,
				}),
			],
		});

		expect(run.error?.message).toMatch(message);
		expect(fixture.emulator.requests.slice(before)).toEqual([]);
	});

	it('transforms an external URL, naming the application in the URL', async () => {
		const [item] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				sourceType: 'url',
				url: `${fixture.site.url}/logo.png`,
				chainInput: 'text',
				taskChain: 'rotate=deg:90',
				output: 'binary',
			}),
		]);

		expect(item.json).toMatchObject({
			filename: 'logo.png',
			mimetype: 'image/png',
			size: LOGO.length,
		});
		expect(fingerprint(await binaryBuffer(item))).toEqual(fingerprint(LOGO));
		expect(transformChains()).toEqual([
			`/${APP.apiKey}/rotate=deg:90/${fixture.site.url}/logo.png`,
		]);
	});

	it('puts the JSON answer of a last task that answers JSON into the item', async () => {
		const [item] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle,
				chainInput: 'text',
				taskChain: 'resize=width:100/tags',
				output: 'binary',
			}),
		]);

		expect(item.json).toEqual(
			intelligenceResult('tags', createHash('md5').update(photo).digest('hex')),
		);
		expect(item.binary).toBeUndefined();
	});

	it('transforms the file of each item, in order', async () => {
		const second = randomBytes(1000);
		const other = (await fixture.seeder.store(APP, second, 'second.gif', 'image/gif')).handle;
		const items = await outputOf([
			source([{ json: { file: handle } }, { json: { file: other } }]),
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle: '={{ $json.file }}',
				tasks: { task: [{ name: 'monochrome' }] },
				output: 'binary',
			}),
		]);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => json.filename)).toEqual(['photo.jpg', 'second.gif']);
		expect(fingerprint(await binaryBuffer(items[0]))).toEqual(fingerprint(photo));
		expect(fingerprint(await binaryBuffer(items[1]))).toEqual(fingerprint(second));
		expect(transformChains()).toEqual([`/monochrome/${handle}`, `/monochrome/${other}`]);
	});
});

describe('screenshot', () => {
	const page = 'https://example.com/pricing';

	it('builds the URL of a screenshot with the options given', async () => {
		const [item] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'screenshot',
				url: page,
				screenshotOptions: { width: 800, height: 600, agent: 'mobile' },
			}),
		]);

		const url = `${fixture.emulator.url}/${APP.apiKey}/urlscreenshot=agent:mobile,height:600,width:800/${page}`;
		expect(item.json).toEqual({ url, tasks: ['urlscreenshot'] });
		expect(fingerprint((await fetchBytes(url)).body)).toEqual(
			fingerprint(syntheticPng(800, 600, page)),
		);
	});

	it("downloads the screenshot of each page into a binary field, keeping the item's binaries", async () => {
		const pages = [page, 'https://example.org/'];
		const run = await fixture.harness.run({
			nodes: [
				source(
					pages.map((address) => ({
						json: { address },
						binary: { page: bytes(address, 'page.txt') },
					})),
				),
				filestackNode({
					resource: 'transformation',
					operation: 'screenshot',
					url: '={{ $json.address }}',
					screenshotOptions: { width: 320, height: 480 },
					output: 'binary',
					binaryPropertyName: 'shot',
				}),
			],
		});

		const items = run.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const [index, item] of items.entries()) {
			const expected = syntheticPng(320, 480, pages[index]);
			expect(item.json).toEqual({
				filename: 'screenshot.png',
				mimetype: 'image/png',
				size: expected.length,
				tasks: ['urlscreenshot'],
			});
			expect(fingerprint(await binaryBuffer(item, 'shot'))).toEqual(fingerprint(expected));
			expect(item.binary?.page).toEqual(run.output('Source')[index].binary?.page);
		}
	});

	it('stores the screenshot', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'screenshot',
				url: page,
				output: 'store',
			}),
		]);

		const expected = syntheticPng(1024, 768, page);
		expect(json).toMatchObject({
			filename: 'screenshot.png',
			mimetype: 'image/png',
			size: expected.length,
		});
		expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
			fingerprint(expected),
		);
	});
});

describe('zip', () => {
	const files = [
		{ name: 'a.txt', content: Buffer.from('first file\n') },
		{ name: 'b.bin', content: randomBytes(5000) },
	];
	let handles: string[];
	beforeEach(async () => {
		handles = [];
		for (const file of files)
			handles.push((await fixture.seeder.store(APP, file.content, file.name)).handle);
	});

	/** The archive the emulator makes of its stored files. */
	async function expectedArchive(
		entries: Array<{ name: string; handle: string }>,
	): Promise<Buffer> {
		const chunks: Buffer[] = [];
		const zipEntries = entries.map(({ name, handle }) => {
			const file = fixture.emulator.files.get(handle)!;
			return { name, content: file.content, size: file.size };
		});
		for await (const chunk of zipArchive(zipEntries)) chunks.push(chunk);
		return Buffer.concat(chunks);
	}

	it("downloads a ZIP of each item's files, holding exactly their bytes, and keeps the item's binaries", async () => {
		const run = await fixture.harness.run({
			nodes: [
				source([
					{
						json: { first: handles[0], second: `${fixture.site.url}/logo.png` },
						binary: { note: bytes('one', 'one.txt') },
					},
					{
						json: { first: handles[1], second: handles[0] },
						binary: { note: bytes('two', 'two.txt') },
					},
				]),
				filestackNode({
					resource: 'transformation',
					operation: 'zip',
					files: ['={{ $json.first }}', '={{ $json.second }}'],
					output: 'binary',
				}),
			],
		});

		const items = run.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		const archives = await Promise.all(items.map(async (item) => await binaryBuffer(item)));
		expect(items.map(({ json }) => json)).toEqual(
			archives.map(({ length }) => ({
				filename: 'archive.zip',
				mimetype: 'application/zip',
				size: length,
				tasks: ['zip'],
			})),
		);
		expect(archives.map(zipEntries)).toEqual([
			[
				{ name: 'a.txt', content: fingerprint(files[0].content) },
				{ name: 'logo.png', content: fingerprint(LOGO) },
			],
			[
				{ name: 'b.bin', content: fingerprint(files[1].content) },
				{ name: 'a.txt', content: fingerprint(files[0].content) },
			],
		]);
		for (const [index, item] of items.entries()) {
			expect(item.binary?.note).toEqual(run.output('Source')[index].binary?.note);
		}
	});

	it('stores the ZIP, byte for byte the archive of the stored files', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'transformation',
				operation: 'zip',
				files: handles,
				output: 'store',
			}),
		]);

		const archive = await storedBytes(fixture.emulator, String(json.handle));
		expect(json).toMatchObject({
			filename: 'archive.zip',
			mimetype: 'application/zip',
			size: archive.length,
		});
		expect(fingerprint(archive)).toEqual(
			fingerprint(
				await expectedArchive(files.map(({ name }, n) => ({ name, handle: handles[n] }))),
			),
		);
	});

	it('builds the URL of the ZIP', async () => {
		const [item] = await outputOf([
			filestackNode({ resource: 'transformation', operation: 'zip', files: handles }),
		]);

		const url = `${fixture.emulator.url}/${APP.apiKey}/zip/[${handles.join(',')}]`;
		expect(item.json).toEqual({ url, tasks: ['zip'] });
		expect(zipEntries((await fetchBytes(url)).body).map(({ name }) => name)).toEqual([
			'a.txt',
			'b.bin',
		]);
	});
});

/** The entries of a ZIP of stored (uncompressed) entries, read from its local headers; contents fingerprinted. */
function zipEntries(
	archive: Buffer,
): Array<{ name: string; content: ReturnType<typeof fingerprint> }> {
	const entries: Array<{ name: string; content: ReturnType<typeof fingerprint> }> = [];
	let offset = 0;
	while (archive.readUInt32LE(offset) === 0x04034b50) {
		expect(archive.readUInt16LE(offset + 8)).toBe(0); // stored, not deflated
		const size = archive.readUInt32LE(offset + 18);
		const nameLength = archive.readUInt16LE(offset + 26);
		const start = offset + 30 + nameLength + archive.readUInt16LE(offset + 28);
		entries.push({
			name: archive.subarray(offset + 30, offset + 30 + nameLength).toString('utf8'),
			content: fingerprint(archive.subarray(start, start + size)),
		});
		offset = start + size;
	}
	return entries;
}
