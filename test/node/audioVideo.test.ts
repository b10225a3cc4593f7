import { randomBytes } from 'node:crypto';

import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { fingerprint, pairedItems, storedBytes, useNodeFixture } from './support';

// The "audioVideo" resource: conversions started, waited for (completed, failed, timed out) and resumed.
const APP: EmulatedApp = { apiKey: 'AUDIO_VIDEO_KEY' };
const UUID = /^[0-9a-f]{32}$/;
/** Polls every 0.1 s: the emulator's jobs take a set number of polls, not time. */
const QUICK = { pollInterval: 0.1, timeout: 30 };

const clip = randomBytes(50_000);
const fixture = useNodeFixture({
	apps: [APP],
	site: { '/talk.mov': { type: 'video/quicktime', body: clip } },
});
let handle: string;

beforeEach(async () => {
	handle = (await fixture.seeder.store(APP, clip, 'clip.mov', 'video/quicktime')).handle;
});

afterEach(async () => await fixture.emulator.reset());

const conversionRequests = () =>
	fixture.emulator.requests.filter(({ route }) => route === 'videoConvert');

describe('convert', () => {
	it('starts the conversion and polls until it is completed, then describes the new file', async () => {
		fixture.emulator.faults.videoPollsUntilDone = 2;
		const run = await fixture.harness.run({
			nodes: [filestackNode({ resource: 'audioVideo', operation: 'convert', handle, ...QUICK })],
		});

		const [item] = run.output('Filestack');
		const converted = String(item.json.handle);
		expect(item.json).toMatchObject({
			uuid: expect.stringMatching(UUID),
			status: 'completed',
			statusUrl: `${fixture.emulator.url}/video_convert/${handle}`,
			message: 'Done',
			url: `${fixture.emulator.url}/${converted}`,
			thumbnail: expect.stringMatching(new RegExp(`^${fixture.emulator.url}/[A-Za-z0-9]{20}$`)),
			metadata: {
				result: expect.objectContaining({ mime_type: 'video/mp4', file_size: clip.length }),
			},
		});
		expect(item.binary).toBeUndefined();
		expect(fixture.emulator.files.get(converted)).toMatchObject({
			filename: 'clip.mp4',
			mimetype: 'video/mp4',
		});
		expect(fingerprint(await storedBytes(fixture.emulator, converted))).toEqual(fingerprint(clip));
		// The request that started it, then one poll that found it pending and one that found it done.
		expect(conversionRequests()).toHaveLength(3);
	});

	it("converts with the options given and downloads the result, keeping the item's other binaries", async () => {
		fixture.emulator.faults.videoPollsUntilDone = 1;
		const run = await fixture.harness.run({
			nodes: [
				source([{ binary: { poster: bytes('a poster', 'poster.txt', 'text/plain') } }]),
				filestackNode({
					resource: 'audioVideo',
					operation: 'convert',
					handle,
					conversionOptions: { preset: 'webm', width: 640, height: 360 },
					downloadResult: true,
					binaryPropertyName: 'video',
					...QUICK,
				}),
			],
		});

		const [item] = run.output('Filestack');
		expect(item.json).toMatchObject({
			status: 'completed',
			statusUrl: `${fixture.emulator.url}/video_convert=height:360,preset:webm,width:640/${handle}`,
			metadata: {
				result: expect.objectContaining({ mime_type: 'video/webm', width: 640, height: 360 }),
			},
		});
		expect(item.binary?.video).toMatchObject({ fileName: 'clip.webm', mimeType: 'video/webm' });
		expect(fingerprint(await binaryBuffer(item, 'video'))).toEqual(
			fingerprint(await storedBytes(fixture.emulator, String(item.json.handle))),
		);
		expect(item.binary?.poster).toEqual(run.output('Source')[0].binary?.poster);
	});

	it('refuses to download a result whose file URL names no stored file, and asks for nothing else', async () => {
		fixture.emulator.faults.videoPollsUntilDone = 1;
		fixture.emulator.faults.videoOutcome = 'completedUnnamed';
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'audioVideo',
					operation: 'convert',
					handle,
					downloadResult: true,
					...QUICK,
				}),
			],
		});

		expect(run.nodeError('Filestack')?.message).toBe(
			`The conversion's file URL names no stored file (${fixture.emulator.url}), so it cannot be downloaded (Audio/Video → Convert) [item 0]`,
		);
		expect(fixture.emulator.requests.filter(({ route }) => route === 'download')).toEqual([]);
	});

	it('converts the file of each item, in order, and a public URL', async () => {
		fixture.emulator.faults.videoPollsUntilDone = 1;
		const items = (
			await fixture.harness.run({
				nodes: [
					source([
						{ json: { type: 'handle', file: handle } },
						{ json: { type: 'url', file: `${fixture.site.url}/talk.mov` } },
					]),
					filestackNode({
						resource: 'audioVideo',
						operation: 'convert',
						sourceType: '={{ $json.type }}',
						handle: '={{ $json.file }}',
						url: '={{ $json.file }}',
						conversionOptions: { preset: 'mp3' },
						...QUICK,
					}),
				],
			})
		).output('Filestack');

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => json.statusUrl)).toEqual([
			`${fixture.emulator.url}/video_convert=preset:mp3/${handle}`,
			`${fixture.emulator.url}/${APP.apiKey}/video_convert=preset:mp3/${fixture.site.url}/talk.mov`,
		]);
		expect(
			items.map(({ json }) => fixture.emulator.files.get(String(json.handle))?.filename),
		).toEqual(['clip.mp3', 'talk.mp3']);
		for (const { json } of items) {
			expect(json.status).toBe('completed');
			expect(fingerprint(await storedBytes(fixture.emulator, String(json.handle)))).toEqual(
				fingerprint(clip),
			);
		}
	});

	it('returns at once without waiting, and Get Status picks the conversion up from its status URL', async () => {
		// The start answers "started" and the one Get Status poll finds the conversion done.
		fixture.emulator.faults.videoPollsUntilDone = 1;
		const run = await fixture.harness.run({
			nodes: [
				filestackNode(
					{ resource: 'audioVideo', operation: 'convert', handle, waitForCompletion: false },
					'Convert',
				),
				filestackNode(
					{ resource: 'audioVideo', operation: 'getStatus', statusUrl: '={{ $json.statusUrl }}' },
					'Status',
				),
			],
		});

		const [started] = run.output('Convert');
		expect(started.json).toEqual({
			uuid: expect.stringMatching(UUID),
			status: 'started',
			statusUrl: `${fixture.emulator.url}/video_convert/${handle}`,
			data: {},
			metadata: { result: {}, source: {} },
		});
		const [done] = run.output('Status');
		expect(done.json).toMatchObject({
			uuid: started.json.uuid,
			status: 'completed',
			statusUrl: started.json.statusUrl,
			handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
		});
		expect(done.pairedItem).toEqual({ item: 0 });
		expect(fingerprint(await storedBytes(fixture.emulator, String(done.json.handle)))).toEqual(
			fingerprint(clip),
		);
	});

	it("fails the item with Filestack's reason when the conversion fails", async () => {
		fixture.emulator.faults.videoOutcome = 'failed';
		const run = await fixture.harness.run({
			nodes: [filestackNode({ resource: 'audioVideo', operation: 'convert', handle, ...QUICK })],
		});

		expect(run.status).toBe('error');
		const error = run.nodeError('Filestack');
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toMatch(
			/^The conversion [0-9a-f]{32} failed: Conversion failed: the source could not be decoded \(emulated failure\) \(Audio\/Video → Convert\) \[item 0\]$/,
		);
	});

	it('gives up after the timeout, naming the conversion and the status URL to resume from', async () => {
		fixture.emulator.faults.videoOutcome = 'stall';
		const statusUrl = `${fixture.emulator.url}/video_convert/${handle}`;
		const started = Date.now();
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'audioVideo',
					operation: 'convert',
					handle,
					timeout: 1,
					pollInterval: 0.2,
				}),
			],
		});

		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		const error = run.nodeError('Filestack');
		expect(error?.name).toBe('NodeOperationError');
		const [, uuid] =
			/^The conversion ([0-9a-f]{32}) was still "pending" after 1 s\./.exec(error?.message ?? '') ??
			[];
		expect(uuid).toBeDefined();
		expect(error?.message).toContain(
			`get its status later from ${statusUrl} (Audio/Video → Convert) [item 0]`,
		);

		// The conversion goes on at Filestack: Get Status on that URL finds it done later.
		fixture.emulator.faults.videoOutcome = 'completed';
		const resumed = await fixture.harness.run({
			nodes: [filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl })],
		});
		expect(resumed.output('Filestack')[0].json).toMatchObject({
			uuid,
			status: 'completed',
			statusUrl,
		});
	});
});

describe('get status', () => {
	it('reports a conversion still running, without a file yet', async () => {
		fixture.emulator.faults.videoPollsUntilDone = 5;
		const statusUrl = `${fixture.emulator.url}/video_convert=preset:h264/${handle}`;
		await fixture.harness.run({
			nodes: [filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl })],
		});
		const run = await fixture.harness.run({
			nodes: [
				source([{ json: { n: 1 } }, { json: { n: 2 } }]),
				filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl }),
			],
		});

		const items = run.output('Filestack');
		expect(items.map(({ json }) => json)).toEqual([
			{
				uuid: expect.stringMatching(UUID),
				status: 'pending',
				statusUrl,
				data: {},
				metadata: { result: {}, source: {} },
			},
			{
				uuid: items[0].json.uuid,
				status: 'pending',
				statusUrl,
				data: {},
				metadata: { result: {}, source: {} },
			},
		]);
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
