import { createHash, randomBytes } from 'crypto';
import { Readable } from 'stream';

import type { AudioVisual } from '../../nodes/Filestack/sdk/audioVisual';
import type { Client } from '../../nodes/Filestack/sdk/client';
import { FilestackApiError, FilestackJobError } from '../../nodes/Filestack/sdk/errors';
import type { Transport } from '../../nodes/Filestack/sdk/transport';
import { type Emulator, type RequestLogEntry, startEmulator } from '../emulator';
import { nodeTransport } from '../harness/nodeTransport';
import { emulatorClient, QUICK_RETRY } from '../support/emulatorClient';
import { policySignature } from '../support/signatures';

const OPEN = 'OPEN_KEY';
const SECURED = 'SECURED_KEY';
const SECRET = 'conversion-app-secret';
const CONVERSION = { preset: 'h264', width: 320 };

let emulator: Emulator;
let transport: ReturnType<typeof nodeTransport>;

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [{ apiKey: OPEN }, { apiKey: SECURED, appSecret: SECRET }],
	});
	transport = nodeTransport();
});
afterAll(async () => {
	transport.close();
	await emulator.close();
});
afterEach(async () => {
	jest.restoreAllMocks();
	await emulator.reset();
});

function clientFor(apiKey: string, appSecret?: string, through: Transport = transport): Client {
	return emulatorClient(emulator.url, { apiKey, appSecret }, through, QUICK_RETRY);
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** A "video" to convert: the emulator does not decode media, so any bytes will do. */
async function uploadClip(
	client: Client,
	bytes = randomBytes(20_000),
): Promise<{ handle: string; bytes: Buffer }> {
	const file = await client.upload(
		{ size: bytes.length, stream: Readable.from([bytes]) },
		{ filename: 'clip.mov', mimetype: 'video/quicktime' },
	);
	return { handle: file.handle, bytes };
}

function videoRequests(since = 0): RequestLogEntry[] {
	return emulator.requests.slice(since).filter((entry) => entry.route === 'videoConvert');
}

/** The policy of a poll, after checking its signature the way Filestack does. */
function signedPolicy(entry: RequestLogEntry): Record<string, unknown> {
	const match = /\/security=p:([^,/]+),s:([0-9a-f]{64})\//.exec(decodeURIComponent(entry.path));
	if (!match) throw new Error(`no security segment in ${entry.path}`);
	const [, policy, signature] = match;
	expect(signature).toBe(policySignature(SECRET, policy));
	return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<string, unknown>;
}

const handleOf = (url: unknown) => String(url).split('/').pop() as string;

describe.each([
	['security enforced, with the app secret', SECURED, SECRET],
	['no security, without an app secret', OPEN, undefined],
])('%s', (_label, apiKey, appSecret) => {
	const signs = appSecret !== undefined;
	let client: Client;
	beforeAll(() => {
		client = clientFor(apiKey, appSecret);
	});

	it('converts a video into a new stored file, polling an unsigned status URL with signed requests', async () => {
		const source = await uploadClip(client);
		const conversion = await client
			.transformation({ handle: source.handle })
			.videoConvert(CONVERSION);

		expect(conversion.statusUrl).toBe(
			`${emulator.url}/video_convert=preset:h264,width:320/${source.handle}`,
		);
		expect(conversion.uuid).toMatch(/^[0-9a-f]{32}$/);
		const done = await conversion.waitForCompletion({ timeoutMs: 10_000, intervalMs: 50 });

		expect(done).toMatchObject({ status: 'completed', uuid: conversion.uuid, message: 'Done' });
		expect(done.metadata).toMatchObject({ result: { width: 320, mime_type: 'video/mp4' } });
		const converted = handleOf(done.data.url);
		expect(converted).not.toBe(source.handle);
		expect(emulator.files.get(converted)).toMatchObject({
			apiKey,
			filename: 'clip.mp4',
			mimetype: 'video/mp4',
		});
		expect(await emulator.files.get(converted)?.content.md5()).toBe(md5(source.bytes));
		expect(emulator.files.get(handleOf(done.data.thumb))?.mimetype).toBe('image/png');

		// Started once, then polled until the emulator's second poll completes it.
		const polls = videoRequests();
		expect(polls).toHaveLength(1 + emulator.faults.videoPollsUntilDone);
		for (const poll of polls) {
			expect(poll.path.endsWith(`/${source.handle}`)).toBe(true);
			if (signs)
				expect(signedPolicy(poll)).toEqual({
					call: ['read', 'convert', 'store'],
					expiry: expect.any(Number),
					handle: source.handle,
				});
			else expect(poll.path).not.toContain('security=');
		}
	});

	it("a failed conversion ends the wait with Filestack's message", async () => {
		const { handle } = await uploadClip(client);
		emulator.faults.videoOutcome = 'failed';
		const conversion = await client.transformation({ handle }).videoConvert(CONVERSION);

		const outcome = conversion.waitForCompletion({ timeoutMs: 10_000, intervalMs: 50 });
		await expect(outcome).rejects.toBeInstanceOf(FilestackJobError);
		await expect(outcome).rejects.toThrow(
			`The conversion ${conversion.uuid} failed: Conversion failed: the source could not be decoded (emulated failure)`,
		);
		expect(videoRequests()).toHaveLength(1 + emulator.faults.videoPollsUntilDone);
	});

	it('a stalled conversion times out naming its uuid and status URL, and can be resumed from that URL', async () => {
		const { handle } = await uploadClip(client);
		emulator.faults.videoOutcome = 'stall';
		const conversion = await client.transformation({ handle }).videoConvert(CONVERSION);

		const started = Date.now();
		const outcome = conversion.waitForCompletion({ timeoutMs: 300, intervalMs: 50 });
		await expect(outcome).rejects.toBeInstanceOf(FilestackJobError);
		await expect(outcome).rejects.toThrow(
			`The conversion ${conversion.uuid} was still "pending" after 0.3 s. It goes on at Filestack: get its status later from ${conversion.statusUrl}`,
		);
		expect(Date.now() - started).toBeLessThan(2_000);

		emulator.faults.videoOutcome = 'completed';
		const resumed = client.audioVisual(conversion.statusUrl);
		const status = await resumed.status();
		expect(status).toMatchObject({ status: 'completed', uuid: conversion.uuid });
		expect(emulator.files.has(handleOf(status.data.url))).toBe(true);
		expect(await resumed.waitForCompletion({ timeoutMs: 1_000, intervalMs: 50 })).toEqual(status);
	});

	it('503 and 429 answers while converting are retried', async () => {
		const { handle } = await uploadClip(client);
		emulator.faults.failNext('videoConvert', 1, 429);
		const conversion = await client.transformation({ handle }).videoConvert(CONVERSION);
		emulator.faults.failNext('videoConvert', 2, 503);

		const done = await conversion.waitForCompletion({ timeoutMs: 10_000, intervalMs: 50 });
		expect(done.status).toBe('completed');
		expect(emulator.files.has(handleOf(done.data.url))).toBe(true);
		expect(videoRequests()).toHaveLength(1 + 1 + 2 + emulator.faults.videoPollsUntilDone);
	});
});

describe('security enforced', () => {
	it('a status URL given signed is kept unsigned, and resumed with a signature of its own', async () => {
		const client = clientFor(SECURED, SECRET);
		const { handle } = await uploadClip(client);
		const signedUrl = client
			.transformation({ handle })
			.add({ name: 'video_convert', params: CONVERSION })
			.url();
		expect(signedUrl).toContain('/security=p:');

		const conversion = client.audioVisual(signedUrl);
		expect(conversion.statusUrl).toBe(
			`${emulator.url}/video_convert=preset:h264,width:320/${handle}`,
		);
		expect(await conversion.status()).toMatchObject({
			status: 'started',
			uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
		});
		expect(signedPolicy(videoRequests()[0]).handle).toBe(handle);
	});

	it('a status URL resumed is polled with a policy for what it reads: another stored file as watermark, an external source', async () => {
		const client = clientFor(SECURED, SECRET);
		const { handle } = await uploadClip(client);
		const { handle: mark } = await uploadClip(client);
		const withMark = `${emulator.url}/video_convert=preset:h264,watermark_url:${mark}/${handle}`;
		expect((await client.audioVisual(withMark).status()).status).toBe('started');
		expect(signedPolicy(videoRequests()[0])).toEqual({
			call: ['read', 'convert', 'store'],
			expiry: expect.any(Number),
		});

		const external = `${emulator.url}/${SECURED}/video_convert=preset:h264/https://example.com/talk.mov`;
		expect((await client.audioVisual(external).status()).status).toBe('started');
		expect(signedPolicy(videoRequests()[1])).toEqual({
			call: ['read', 'convert', 'store'],
			expiry: expect.any(Number),
			url: '^(?:https://example\\.com/talk\\.mov)$',
		});
	});

	it('a status URL on another origin is refused before any request: no signature leaves for it', async () => {
		const client = clientFor(SECURED, SECRET);
		const mark = emulator.requests.length;
		const foreign = `http://127.0.0.1:1/video_convert=preset:h264/AAAAAAAAAAAAAAAAAAAA`;
		expect(() => client.audioVisual(foreign)).toThrow(
			`Status URL "${foreign}" is not on this credential's Filestack CDN (${emulator.url})`,
		);
		expect(emulator.requests.length).toBe(mark);
	});

	it('the security segment goes right before the source, never into a parameter that holds a URL', async () => {
		const client = clientFor(SECURED, SECRET);
		const { handle } = await uploadClip(client);
		const mark = 'https://example.com/https://x.png';
		await client
			.transformation({ handle })
			.videoConvert({ preset: 'h264', watermark_url: mark })
			.catch(() => undefined);

		const [sent] = videoRequests();
		const path = decodeURIComponent(sent.path);
		expect(path).toMatch(
			new RegExp(`^/video_convert=preset:h264,watermark_url:"${mark}"/security=p:[^/]+/${handle}$`),
		);
		expect(signedPolicy(sent)).toMatchObject({ handle });
	});

	it.each([
		[
			'a store ahead of the conversion',
			`${SECURED}/store=location:s3/https://example.com/video_convert/x.png`,
		],
		[
			'several handles and no policy limit',
			`${SECURED}/video_convert/[AAAAAAAAAAAAAAAAAAAA,BBBBBBBBBBBBBBBBBBBB]`,
		],
		[
			'a task before video_convert',
			'resize=width:10/video_convert=preset:h264/AAAAAAAAAAAAAAAAAAAA',
		],
		[
			'something after the source handle',
			'video_convert=preset:h264/AAAAAAAAAAAAAAAAAAAA/resize=width:10',
		],
	])('a status URL with %s is refused before any request', (_case, path) => {
		const client = clientFor(SECURED, SECRET);
		const mark = emulator.requests.length;
		const statusUrl = `${emulator.url}/${path}`;
		expect(() => client.audioVisual(statusUrl)).toThrow(
			`Status URL "${statusUrl}" is not a Filestack video_convert status URL`,
		);
		expect(emulator.requests.length).toBe(mark);
	});

	it('each poll is signed afresh, so a wait longer than a policy lives still succeeds', async () => {
		const client = clientFor(SECURED, SECRET);
		const { handle } = await uploadClip(client);
		emulator.faults.videoPollsUntilDone = 3;
		// Every wait between polls moves the clock (the SDK's and the emulator's) on by ten minutes,
		// beyond the five minutes a policy lives: a signature made once would have expired by the next poll.
		let skewMs = 0;
		const realNow = Date.now.bind(Date);
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs);
		const sleeps: number[] = [];
		const clockedTransport = nodeTransport({
			sleep: async (ms) => {
				sleeps.push(ms);
				skewMs += 10 * 60_000;
				await new Promise<void>((resolve) => setTimeout(resolve, ms));
			},
		});
		try {
			const conversion = await clientFor(SECURED, SECRET, clockedTransport)
				.transformation({ handle })
				.videoConvert(CONVERSION);
			const done = await conversion.waitForCompletion({ timeoutMs: 24 * 3600_000, intervalMs: 50 });
			expect(done.status).toBe('completed');
		} finally {
			clockedTransport.close();
		}

		expect(sleeps).toEqual([50, 75]); // the interval grows by half each time
		const expiries = videoRequests().map((poll) => signedPolicy(poll).expiry as number);
		expect(expiries).toHaveLength(4);
		expect(expiries[2] - expiries[1]).toBeGreaterThanOrEqual(600);
		expect(expiries[3] - expiries[2]).toBeGreaterThanOrEqual(600);
		expect(expiries[3] - expiries[0]).toBeGreaterThan(5 * 60);
	});

	it('a wrong app secret is refused with 403 at the start, and no conversion begins', async () => {
		const { handle } = await uploadClip(clientFor(SECURED, SECRET));
		const files = emulator.files.size;

		const outcome = clientFor(SECURED, 'not-the-app-secret')
			.transformation({ handle })
			.videoConvert(CONVERSION);
		await expect(outcome).rejects.toMatchObject({
			name: 'FilestackApiError',
			status: 403,
			message: `Conversion status failed with HTTP 403: application [${SECURED}] policy error: signature does not match the policy`,
		});
		expect(videoRequests()).toHaveLength(1);
		expect(emulator.files.size).toBe(files);
	});

	it('without an app secret the start is refused with 403: credentials not provided', async () => {
		const { handle } = await uploadClip(clientFor(SECURED, SECRET));

		const outcome = clientFor(SECURED).transformation({ handle }).videoConvert(CONVERSION);
		await expect(outcome).rejects.toBeInstanceOf(FilestackApiError);
		await expect(outcome).rejects.toThrow(
			/failed with HTTP 403: .*proper credentials were not provided/,
		);
	});
});

describe('cancellation', () => {
	/** Like n8n's sleepWithAbort: a wait that rejects as soon as the workflow is cancelled. */
	function abortableTransport(
		signal: AbortSignal,
		onSleep: () => void,
	): ReturnType<typeof nodeTransport> {
		return nodeTransport({
			sleep: async (ms) =>
				await new Promise<void>((resolve, reject) => {
					if (signal.aborted) {
						reject(signal.reason);
						return;
					}
					const timer = setTimeout(resolve, ms);
					signal.addEventListener('abort', () => {
						clearTimeout(timer);
						reject(signal.reason);
					});
					onSleep();
				}),
		});
	}

	it('a wait cancelled while sleeping between polls ends at once with the cancellation', async () => {
		const { handle } = await uploadClip(clientFor(OPEN));
		emulator.faults.videoOutcome = 'stall';
		const controller = new AbortController();
		const cancelled = new Error('The execution was cancelled');
		const cancellable = abortableTransport(controller.signal, () =>
			setTimeout(() => controller.abort(cancelled), 20),
		);
		try {
			const conversion = await clientFor(OPEN, undefined, cancellable)
				.transformation({ handle })
				.videoConvert(CONVERSION);
			const started = Date.now();

			await expect(
				conversion.waitForCompletion({ timeoutMs: 600_000, intervalMs: 60_000 }),
			).rejects.toBe(cancelled);
			expect(Date.now() - started).toBeLessThan(1_000);
			expect(videoRequests()).toHaveLength(2); // the start and one poll, then nothing more
		} finally {
			cancellable.close();
		}
	});

	it('a Transport whose sleep rejects ends the wait with that rejection', async () => {
		const { handle } = await uploadClip(clientFor(OPEN));
		const cancelled = new Error('The execution was cancelled');
		const refusing = nodeTransport({ sleep: async () => await Promise.reject(cancelled) });
		try {
			const conversion: AudioVisual = await clientFor(OPEN, undefined, refusing)
				.transformation({ handle })
				.videoConvert(CONVERSION);
			await expect(
				conversion.waitForCompletion({ timeoutMs: 600_000, intervalMs: 60_000 }),
			).rejects.toBe(cancelled);
			expect(videoRequests()).toHaveLength(2);
		} finally {
			refusing.close();
		}
	});
});
