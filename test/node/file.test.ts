import { createHash, randomBytes } from 'node:crypto';

import { intelligenceResult } from '../emulator/intelligence';
import { syntheticPng } from '../emulator/png';
import type { Harness, NodeSpec } from '../harness';
import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import { startSite } from '../support/site';
import type { EmulatedApp } from './support';
import { credentialsFor, fingerprint, pairedItems, storedBytes, useNodeFixture } from './support';

// Every operation of the "file" resource, run through n8n-core against the emulator (memory binary mode).
const OPEN: EmulatedApp = { apiKey: 'FILE_OPEN_KEY' };
/** Delete, overwrite and the intelligence tasks are signed requests: they need an app with a secret. */
const SECURED: EmulatedApp = { apiKey: 'FILE_SECURED_KEY', appSecret: 'file-resource-app-secret' };
const INGESTION: EmulatedApp = { apiKey: 'FILE_FII_KEY' };

const SITE_FILES = {
	'/report.csv': { type: 'text/csv', body: Buffer.from('city,visits\nLyon,12\nOslo,7\n') },
	'/logo.png': { type: 'image/png', body: syntheticPng(40, 20, 'logo') },
};

const fixture = useNodeFixture({
	apps: [OPEN, SECURED, { apiKey: INGESTION.apiKey, intelligentIngestion: true }],
	site: SITE_FILES,
});

afterEach(async () => await fixture.emulator.reset());

const secured = () => ({ credentials: credentialsFor(fixture.emulator, SECURED) });

/** A run of `nodes` that must succeed; the Filestack node's output. */
async function outputOf(nodes: NodeSpec[], options: Parameters<Harness['run']>[1] = {}) {
	const run = await fixture.harness.run({ nodes }, options);
	expect(run.error?.message).toBeUndefined();
	return run.output('Filestack');
}

const md5 = (content: Buffer) => createHash('md5').update(content).digest('hex');

describe('upload', () => {
	it('uploads the binary of every item, in order, and describes each stored file', async () => {
		const files = [
			{ content: randomBytes(1000), name: 'random.bin', type: 'application/octet-stream' },
			{ content: Buffer.from('second file\n'), name: 'notes.txt', type: 'text/plain' },
			{ content: randomBytes(70_000), name: 'photo.jpg', type: 'image/jpeg' },
		];
		const items = await outputOf([
			source(
				files.map((file, n) => ({
					json: { n },
					binary: { data: bytes(file.content, file.name, file.type) },
				})),
			),
			filestackNode({ resource: 'file', operation: 'upload' }),
		]);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const starts = fixture.emulator.requests.filter(({ route }) => route === 'start');
		expect(starts.map(({ body }) => (body as { filename: string }).filename)).toEqual(
			files.map(({ name }) => name),
		);
		for (const [index, { json }] of items.entries()) {
			const handle = String(json.handle);
			expect(json).toMatchObject({
				handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
				url: `${fixture.emulator.url}/${handle}`,
				filename: files[index].name,
				size: files[index].content.length,
				mimetype: files[index].type,
				status: 'Stored',
			});
			expect(fingerprint(await storedBytes(fixture.emulator, handle))).toEqual(
				fingerprint(files[index].content),
			);
		}
	});

	it('stores under the options given, with upload tags and workflows, and returns what Filestack answered', async () => {
		const content = Buffer.from('%PDF-1.4 not really a PDF\n');
		const [{ json }] = await outputOf([
			source([{ binary: { document: bytes(content, 'scan.bin') } }]),
			filestackNode({
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'document',
				storeOptions: {
					filename: 'invoice-42.pdf',
					mimetype: 'application/pdf',
					path: 'invoices/2026/',
					container: 'billing',
					region: 'eu-west-1',
					access: 'private',
					workflows: 'wf-one, wf-two',
				},
				uploadTags: {
					tag: [
						{ key: 'customer', value: 'acme' },
						{ key: 'kind', value: 'invoice' },
					],
				},
			}),
		]);

		const handle = String(json.handle);
		expect(json).toEqual({
			handle,
			url: `${fixture.emulator.url}/${handle}`,
			filename: 'invoice-42.pdf',
			size: content.length,
			mimetype: 'application/pdf',
			status: 'Stored',
			container: 'billing',
			key: `invoices/2026/${handle}_invoice-42.pdf`,
			upload_tags: { customer: 'acme', kind: 'invoice' },
			workflows: ['wf-one', 'wf-two'],
		});
		expect(fixture.emulator.files.get(handle)).toMatchObject({
			region: 'eu-west-1',
			access: 'private',
			location: 's3',
		});
		expect(fingerprint(await storedBytes(fixture.emulator, handle))).toEqual(fingerprint(content));
	});

	it('uses Intelligent Ingestion when the application has it ("auto")', async () => {
		const content = randomBytes(300_000);
		const [{ json }] = await outputOf(
			[
				source([{ binary: { data: bytes(content, 'clip.mov', 'video/quicktime') } }]),
				filestackNode({ resource: 'file', operation: 'upload', intelligent: 'auto' }),
			],
			{ credentials: credentialsFor(fixture.emulator, INGESTION) },
		);

		expect(json).toMatchObject({
			filename: 'clip.mov',
			size: content.length,
			mimetype: 'video/quicktime',
		});
		expect(fixture.emulator.requests.some(({ route }) => route === 'commit')).toBe(true);
		expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
			fingerprint(content),
		);
	});

	it('asks for Intelligent Ingestion in "auto", and uploads regularly when the answer does not grant it', async () => {
		const content = randomBytes(300_000);
		const [{ json }] = await outputOf([
			source([{ binary: { data: bytes(content, 'plain.bin') } }]),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'auto' }),
		]);

		const starts = fixture.emulator.requests.filter(({ route }) => route === 'start');
		expect(starts.map(({ body }) => (body as { fii?: unknown }).fii)).toEqual([true]);
		expect(fixture.emulator.requests.some(({ route }) => route === 'commit')).toBe(false);
		expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
			fingerprint(content),
		);
	});

	it('starts again as a regular upload in "auto" when the application refuses to be asked', async () => {
		fixture.emulator.apps.update(OPEN.apiKey, { refusesIntelligentIngestion: true });
		const content = randomBytes(300_000);
		const [{ json }] = await outputOf([
			source([{ binary: { data: bytes(content, 'refused.bin') } }]),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'auto' }),
		]);

		const starts = fixture.emulator.requests.filter(({ route }) => route === 'start');
		expect(starts.map(({ body }) => (body as { fii?: unknown }).fii)).toEqual([true, undefined]);
		expect(json).toMatchObject({ filename: 'refused.bin', size: content.length });
		expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
			fingerprint(content),
		);
	});
});

describe('upload: what Filestack and storage receive through n8n', () => {
	it.each([
		['a regular upload', OPEN, 'off'],
		['Intelligent Ingestion', INGESTION, 'on'],
	] as const)(
		'puts every part of %s with only the headers Filestack handed out',
		async (_, app, intelligent) => {
			const content = randomBytes(200_000);
			await outputOf(
				[
					source([{ binary: { data: bytes(content, 'parts.bin') } }]),
					filestackNode({ resource: 'file', operation: 'upload', intelligent }),
				],
				{ credentials: credentialsFor(fixture.emulator, app) },
			);

			const puts = fixture.emulator.requests.filter(({ route }) => route === 'put');
			expect(puts.length).toBeGreaterThan(0);
			for (const { headers, query } of puts) {
				expect(headers['content-type']).toBeUndefined();
				expect(headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
				expect(headers.authorization).toContain(`Signature=${query['X-Amz-Signature']}`);
			}
		},
	);

	it('repeats a complete answered 202 byte for byte, signed once', async () => {
		fixture.emulator.faults.complete202Count = 2;
		const content = randomBytes(50_000);
		const [{ json }] = await outputOf(
			[
				source([{ binary: { data: bytes(content, 'assembled.bin') } }]),
				filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' }),
			],
			secured(),
		);

		const completes = fixture.emulator.requests.filter(({ route }) => route === 'complete');
		expect(completes).toHaveLength(3);
		expect(completes[0].body).toMatchObject({
			policy: expect.any(String),
			signature: expect.any(String),
		});
		for (const again of completes.slice(1)) expect(again.rawBody).toBe(completes[0].rawBody);
		expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
			fingerprint(content),
		);
	});
});

describe('upload from URL', () => {
	it('has Filestack store the file at each URL, in order', async () => {
		const items = await outputOf([
			source([
				{ json: { address: `${fixture.site.url}/report.csv` } },
				{ json: { address: `${fixture.site.url}/logo.png` } },
			]),
			filestackNode({ resource: 'file', operation: 'uploadFromUrl', url: '={{ $json.address }}' }),
		]);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		const expected = [SITE_FILES['/report.csv'], SITE_FILES['/logo.png']];
		for (const [index, { json }] of items.entries()) {
			const handle = String(json.handle);
			expect(json).toMatchObject({
				url: `${fixture.emulator.url}/${handle}`,
				filename: index === 0 ? 'report.csv' : 'logo.png',
				size: expected[index].body.length,
				mimetype: expected[index].type,
			});
			expect(fingerprint(await storedBytes(fixture.emulator, handle))).toEqual(
				fingerprint(expected[index].body),
			);
		}
	});

	it('stores under the options given', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'file',
				operation: 'uploadFromUrl',
				url: `${fixture.site.url}/report.csv`,
				storeOptions: { filename: 'visits.csv', path: 'imports/', container: 'reports' },
			}),
		]);

		const handle = String(json.handle);
		expect(json).toMatchObject({
			filename: 'visits.csv',
			container: 'reports',
			key: `imports/${handle}_visits.csv`,
			size: SITE_FILES['/report.csv'].body.length,
		});
		expect(fixture.emulator.files.get(handle)?.sourceUrl).toBe(`${fixture.site.url}/report.csv`);
	});
});

describe('download', () => {
	it("puts each item's file into the binary field asked for and keeps the item's other binaries", async () => {
		const text = await fixture.seeder.store(
			OPEN,
			'hello from Filestack\n',
			'hello.txt',
			'text/plain',
		);
		const image = syntheticPng(64, 32, 'download');
		const png = await fixture.seeder.store(OPEN, image, 'stripes.png', 'image/png');
		const originals = [Buffer.from('first original'), Buffer.from('second original')];
		const run = await fixture.harness.run({
			nodes: [
				source([
					{
						json: { handle: text.handle },
						binary: { original: bytes(originals[0], 'one.txt', 'text/plain') },
					},
					{
						json: { handle: png.handle },
						binary: { original: bytes(originals[1], 'two.txt', 'text/plain') },
					},
				]),
				filestackNode({
					resource: 'file',
					operation: 'download',
					handle: '={{ $json.handle }}',
					binaryPropertyName: 'file',
				}),
			],
		});

		const items = run.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => json)).toEqual([
			{ handle: text.handle, filename: 'hello.txt', mimetype: 'text/plain', size: 21 },
			{ handle: png.handle, filename: 'stripes.png', mimetype: 'image/png', size: image.length },
		]);
		for (const [index, item] of items.entries()) {
			const handle = String(item.json.handle);
			expect(item.binary?.file).toMatchObject({
				fileName: item.json.filename,
				mimeType: item.json.mimetype,
			});
			expect(fingerprint(await binaryBuffer(item, 'file'))).toEqual(
				fingerprint(await storedBytes(fixture.emulator, handle)),
			);
			expect(item.binary?.original).toEqual(run.output('Source')[index].binary?.original);
			expect(fingerprint(await binaryBuffer(item, 'original'))).toEqual(
				fingerprint(originals[index]),
			);
		}
	});

	it('reports the size of the bytes written when the CDN answers gzip', async () => {
		const text = Buffer.from('a line that compresses well\n'.repeat(400));
		const cdn = await startSite({
			'/GzippedHandle0000001': { type: 'text/plain', body: text, gzip: true },
		});
		try {
			const [item] = await outputOf(
				[
					filestackNode({
						resource: 'file',
						operation: 'download',
						handle: 'GzippedHandle0000001',
					}),
				],
				{
					credentials: {
						filestackApi: {
							...credentialsFor(fixture.emulator, OPEN).filestackApi,
							cdnUrl: cdn.url,
						},
					},
				},
			);

			expect(cdn.received[0].headers['accept-encoding']).toMatch(/gzip/);
			expect(item.json.size).toBe(text.length);
			expect(await binaryBuffer(item)).toEqual(text);
		} finally {
			await cdn.close();
		}
	});

	it('takes a whole Filestack URL as the handle', async () => {
		const stored = await fixture.seeder.store(OPEN, 'by URL', 'by-url.txt', 'text/plain');
		const [item] = await outputOf([
			filestackNode({
				resource: 'file',
				operation: 'download',
				handle: `${fixture.emulator.url}/${stored.handle}`,
			}),
		]);

		expect(item.json.handle).toBe(stored.handle);
		expect(await binaryBuffer(item)).toEqual(Buffer.from('by URL'));
	});
});

describe('get metadata', () => {
	it("answers Filestack's default attributes of the file of each item", async () => {
		const files = [
			await fixture.seeder.store(OPEN, 'metadata', 'meta.txt', 'text/plain'),
			await fixture.seeder.store(OPEN, syntheticPng(8, 8, 'meta'), 'meta.png', 'image/png'),
		];
		const items = await outputOf([
			source(files.map(({ handle }) => ({ json: { handle } }))),
			filestackNode({ resource: 'file', operation: 'getMetadata', handle: '={{ $json.handle }}' }),
		]);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => json)).toEqual(
			files.map(({ handle }) => {
				const record = fixture.emulator.files.get(handle)!;
				return {
					handle,
					size: record.size,
					mimetype: record.mimetype,
					filename: record.filename,
					uploaded: record.uploaded,
					writeable: true,
					location: record.location,
					path: record.key,
					container: record.container,
				};
			}),
		);
		expect(items.map(({ json }) => [json.filename, json.size])).toEqual([
			['meta.txt', 8],
			['meta.png', syntheticPng(8, 8, 'meta').length],
		]);
	});

	it('answers the attributes chosen, such as checksums and image dimensions', async () => {
		const image = syntheticPng(48, 30, 'metadata');
		const stored = await fixture.seeder.store(OPEN, image, 'image.png', 'image/png');
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'file',
				operation: 'getMetadata',
				handle: stored.handle,
				attributes: ['md5', 'sha256', 'width', 'height'],
			}),
		]);

		expect(json).toEqual({
			handle: stored.handle,
			md5: md5(image),
			sha256: fingerprint(image).sha256,
			width: 48,
			height: 30,
		});
	});
});

describe('delete', () => {
	it('deletes the file of each item and leaves the others', async () => {
		const [first, second, kept] = await Promise.all(
			['one', 'two', 'kept'].map(
				async (name) => await fixture.seeder.store(SECURED, Buffer.from(name), `${name}.txt`),
			),
		);
		const items = await outputOf(
			[
				source([{ json: { handle: first.handle } }, { json: { handle: second.handle } }]),
				filestackNode({ resource: 'file', operation: 'delete', handle: '={{ $json.handle }}' }),
			],
			secured(),
		);

		expect(items.map(({ json }) => json)).toEqual([
			{ handle: first.handle, deleted: true },
			{ handle: second.handle, deleted: true },
		]);
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(
			fixture.emulator.files.has(first.handle) || fixture.emulator.files.has(second.handle),
		).toBe(false);
		expect(fixture.emulator.files.has(kept.handle)).toBe(true);
	});
});

describe('overwrite', () => {
	it('replaces the content of each file with the binary of its item, keeping the handles', async () => {
		const handles = [
			(await fixture.seeder.store(SECURED, 'version 1', 'doc.txt', 'text/plain')).handle,
			(await fixture.seeder.store(SECURED, 'old data', 'data.bin')).handle,
		];
		const replacements = [randomBytes(20_000), Buffer.from('new data')];
		const items = await outputOf(
			[
				source(
					handles.map((handle, n) => ({
						json: { handle },
						binary: {
							newVersion: bytes(replacements[n], `new-${n}.bin`, 'application/octet-stream'),
						},
					})),
				),
				filestackNode({
					resource: 'file',
					operation: 'overwrite',
					handle: '={{ $json.handle }}',
					binaryPropertyName: 'newVersion',
				}),
			],
			secured(),
		);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => [json.handle, json.size, json.filename])).toEqual([
			[handles[0], replacements[0].length, 'doc.txt'],
			[handles[1], replacements[1].length, 'data.bin'],
		]);
		for (const [n, handle] of handles.entries()) {
			expect(fingerprint(await storedBytes(fixture.emulator, handle))).toEqual(
				fingerprint(replacements[n]),
			);
		}
	});

	it('replaces the content with what Filestack fetches from a URL', async () => {
		const stored = await fixture.seeder.store(SECURED, 'old logo', 'logo.png', 'image/png');
		const [{ json }] = await outputOf(
			[
				filestackNode({
					resource: 'file',
					operation: 'overwrite',
					handle: stored.handle,
					contentSource: 'url',
					url: `${fixture.site.url}/logo.png`,
				}),
			],
			secured(),
		);

		expect(json).toMatchObject({
			handle: stored.handle,
			size: SITE_FILES['/logo.png'].body.length,
			mimetype: 'image/png',
		});
		expect(fingerprint(await storedBytes(fixture.emulator, stored.handle))).toEqual(
			fingerprint(SITE_FILES['/logo.png'].body),
		);
	});

	it('has Filestack decode base64 content when asked', async () => {
		const stored = await fixture.seeder.store(SECURED, 'old', 'data.bin');
		const content = randomBytes(3000);
		await outputOf(
			[
				source([{ binary: { data: bytes(content.toString('base64'), 'data.b64', 'text/plain') } }]),
				filestackNode({
					resource: 'file',
					operation: 'overwrite',
					handle: stored.handle,
					base64decode: true,
				}),
			],
			secured(),
		);

		expect(fingerprint(await storedBytes(fixture.emulator, stored.handle))).toEqual(
			fingerprint(content),
		);
	});
});

describe('intelligence', () => {
	it.each([
		['getTags', 'tags'],
		['checkSafeForWork', 'sfw'],
		['ocr', 'ocr'],
	])('%s answers what Filestack found for each item', async (operation, task) => {
		const images = [syntheticPng(32, 32, `${task}-a`), syntheticPng(32, 32, `${task}-b`)];
		const handles = await Promise.all(
			images.map(
				async (image, n) =>
					(await fixture.seeder.store(SECURED, image, `${n}.png`, 'image/png')).handle,
			),
		);
		const items = await outputOf(
			[
				source(handles.map((handle) => ({ json: { handle } }))),
				filestackNode({ resource: 'file', operation, handle: '={{ $json.handle }}' }),
			],
			secured(),
		);

		expect(items.map(({ json }) => json)).toEqual(
			images.map((image, n) => ({
				handle: handles[n],
				...(intelligenceResult(task, md5(image)) as object),
			})),
		);
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
