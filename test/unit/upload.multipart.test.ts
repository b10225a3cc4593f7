import {
	FilestackApiError,
	FilestackNetworkError,
	FilestackValidationError,
} from '../../nodes/Filestack/sdk/errors';
import { UploadOptions } from '../../nodes/Filestack/sdk/upload';
import { LOCATION, md5Base64, MiB, streamOf, testBytes, useFakeUploadApi } from './uploadFixtures';

const signer = () => ({ toParams: () => ({ policy: 'POLICY', signature: 'SIG' }) });

const fake = useFakeUploadApi();

async function upload(bytes: Uint8Array, options: Partial<UploadOptions> = {}) {
	return await fake.upload(
		{ size: bytes.length, stream: streamOf(bytes) },
		{
			filename: 'n.bin',
			mimetype: 'x/y',
			intelligent: 'off',
			...options,
		},
	);
}

/** The bytes storage received for each part, in part order (the last PUT of a part wins, as in S3). */
function storedBytes(): Buffer {
	const byPart = new Map<number, Buffer>();
	for (const put of fake.api.of('put'))
		byPart.set(Number(/\/put\/(\d+)/.exec(put.path)?.[1]), put.bytes!);
	return Buffer.concat([...byPart.keys()].sort((a, b) => a - b).map((part) => byPart.get(part)!));
}

describe('regular multipart upload', () => {
	test('sends start, one upload call and PUT per part, and complete, with the exact bodies', async () => {
		const bytes = testBytes(12_000_000);
		const file = await upload(bytes, {
			partSize: 5 * MiB,
			store: { location: 'gcs', path: 'p/', workflows: ['w1'], uploadTags: { a: 'b' } },
			sign: signer,
		});

		const store = { location: 'gcs', path: 'p/', workflows: ['w1'] };
		expect(fake.api.of('start').map((r) => r.json)).toEqual([
			{
				apikey: 'KEY',
				filename: 'n.bin',
				mimetype: 'x/y',
				size: 12_000_000,
				store,
				policy: 'POLICY',
				signature: 'SIG',
			},
		]);
		const sizes = [5_242_880, 5_242_880, 1_514_240];
		const uploads = fake.api
			.of('upload')
			.map((r) => r.json!)
			.sort((a, b) => Number(a.part) - Number(b.part));
		expect(uploads).toEqual(
			sizes.map((size, i) => ({
				apikey: 'KEY',
				uri: '/bucket/key',
				region: 'us-east-1',
				upload_id: 'UPLOAD-1',
				store,
				part: i + 1,
				size,
				md5: md5Base64(bytes.subarray(i * 5_242_880, i * 5_242_880 + size)),
				policy: 'POLICY',
				signature: 'SIG',
			})),
		);
		expect(
			fake.api
				.of('put')
				.map((r) => r.bytes!.length)
				.sort(),
		).toEqual([...sizes].sort());
		expect(storedBytes().equals(Buffer.from(bytes))).toBe(true);

		const [complete] = fake.api.of('complete');
		const etags = (complete.json!.parts as Array<{ etag: string }>).map((p) => p.etag);
		expect(etags.every((etag) => /^"[0-9a-f]{32}"$/.test(etag))).toBe(true);
		expect(complete.json).toEqual({
			apikey: 'KEY',
			uri: '/bucket/key',
			region: 'us-east-1',
			upload_id: 'UPLOAD-1',
			store,
			filename: 'n.bin',
			mimetype: 'x/y',
			size: 12_000_000,
			parts: [1, 2, 3].map((n, i) => ({ part_number: n, etag: etags[i] })),
			upload_tags: { a: 'b' },
			policy: 'POLICY',
			signature: 'SIG',
		});
		expect(file).toEqual({
			handle: 'HANDLE1',
			url: 'https://cdn.example.test/HANDLE1',
			filename: 'n.bin',
			size: 12_000_000,
			mimetype: 'x/y',
			status: 'Stored',
			key: 'abc_n.bin',
			container: 'bucket',
			upload_tags: { a: 'b' },
		});
	});

	test('uses 8 MiB parts by default and bigger ones when 10,000 parts would not do', async () => {
		await upload(testBytes(12_000_000));
		expect(
			fake.api
				.of('upload')
				.map((r) => r.json!.size)
				.sort(),
		).toEqual([3_611_392, 8_388_608]);
		expect(fake.api.of('start')[0].json!.store).toEqual({ location: 's3' });
		expect(fake.api.of('start')[0].json).not.toHaveProperty('policy');
	});

	test('PUTs with exactly the headers the upload call returned, and keeps the ETag quotes', async () => {
		await upload(testBytes(1000));
		const [put] = fake.api.of('put');
		const own = Object.keys(put.headers).filter(
			(name) => !['host', 'connection', 'content-length'].includes(name),
		);
		expect(own.sort()).toEqual(['content-md5', 'x-amz-date']);
		expect(put.headers['content-md5']).toBe(md5Base64(testBytes(1000)));
		expect(put.headers['content-length']).toBe('1000');
		expect(fake.api.of('complete')[0].json!.parts).toEqual([
			{ part_number: 1, etag: expect.stringMatching(/^".+"$/) },
		]);
	});

	test('follows location_url and sends Filestack-Upload-Region when the start answer has location_region', async () => {
		fake.api.startResponse = {
			...fake.api.startResponse,
			location_url: 'upload-eu.example.test',
			location_region: 'eu-west-1',
		};
		await upload(testBytes(10));
		for (const route of ['upload', 'complete'] as const) {
			expect(fake.api.of(route)[0].headers['filestack-upload-region']).toBe('eu-west-1');
			expect(fake.api.of(route)[0].headers.host).toBe(new URL(LOCATION).host);
		}
		expect(fake.api.of('start')[0].headers['filestack-upload-region']).toBeUndefined();
	});

	test('uploads a file of 0 bytes as one empty part (Filestack completes no upload without parts)', async () => {
		const file = await upload(new Uint8Array(0));
		expect(fake.api.of('upload').map((r) => [r.json!.part, r.json!.size, r.json!.md5])).toEqual([
			[1, 0, '1B2M2Y8AsgTpgAmY7PhCfg=='],
		]);
		expect(fake.api.of('put')[0].bytes!.length).toBe(0);
		expect(fake.api.of('put')[0].headers['content-length']).toBe('0');
		expect(fake.api.of('complete')[0].json).toMatchObject({ size: 0, parts: [{ part_number: 1 }] });
		expect(file.size).toBe(0);
	});

	test('repeats complete every second while it answers 202', async () => {
		fake.api.complete202 = 3;
		const file = await upload(testBytes(10));
		expect(fake.api.of('complete')).toHaveLength(4);
		expect(new Set(fake.api.of('complete').map((r) => JSON.stringify(r.json))).size).toBe(1);
		expect(fake.client.sleeps).toEqual([1000, 1000, 1000]);
		expect(file.handle).toBe('HANDLE1');
	});

	test('gives up with a clear error when complete answers 202 for two minutes', async () => {
		fake.api.complete202 = 1000;
		await expect(upload(testBytes(10))).rejects.toThrow(/still assembling the file after 120 s/);
		expect(fake.api.of('complete')).toHaveLength(121);
	});
});

describe('retries', () => {
	test('a PUT failing with 503, a dropped connection or 429 asks for a new URL and PUTs the same bytes again', async () => {
		fake.api.failures.put.push({ status: 503 }, 'network', {
			status: 429,
			headers: { 'Retry-After': '3' },
		});
		const bytes = testBytes(2000);
		await upload(bytes);
		const puts = fake.api.of('put');
		expect(puts).toHaveLength(4);
		expect(puts.every((put) => put.bytes!.equals(Buffer.from(bytes)))).toBe(true);
		expect(new Set(puts.map((put) => put.path)).size).toBe(4);
		expect(fake.api.of('upload')).toHaveLength(4);
		// Backoff 50, 100 (half fixed, half jitter at 0.5 × step), then the 3 s the server asked for.
		expect(fake.client.sleeps).toEqual([75, 150, 3000]);
	});

	test('start, upload call, complete: 5xx, 429 and cut-off bodies are retried', async () => {
		fake.api.failures.start.push({ status: 500 }, { status: 200, body: '{"uri": "/bu' });
		fake.api.failures.upload.push({ status: 429 }, 'network');
		fake.api.failures.complete.push({ status: 502 }, { status: 200, body: '{"hand' });
		const file = await upload(testBytes(10));
		expect(file.handle).toBe('HANDLE1');
		expect(fake.api.of('start')).toHaveLength(3);
		expect(fake.api.of('upload')).toHaveLength(3);
		expect(fake.api.of('complete')).toHaveLength(3);
	});

	test('a 400 is not retried, and the error carries Filestack’s text and the part number', async () => {
		fake.api.failures.put.push({
			status: 400,
			body: '<Error><Code>BadDigest</Code><Message>md5 mismatch</Message></Error>',
		});
		const failure = upload(testBytes(100));
		await expect(failure).rejects.toThrow(FilestackApiError);
		await expect(failure).rejects.toThrow(
			'Upload of part 1 failed with HTTP 400: BadDigest: md5 mismatch',
		);
		expect(fake.api.of('put')).toHaveLength(1);
		expect(fake.api.of('complete')).toHaveLength(0);
	});

	test('a part URL refused with 400 ends the part at once: the PUT loop does not ask again', async () => {
		fake.api.failures.upload.push({ status: 400, body: '{"error":"invalid params: md5"}' });
		await expect(upload(testBytes(100))).rejects.toThrow(
			'URL for part 1 failed with HTTP 400: invalid params: md5',
		);
		expect(fake.api.of('upload')).toHaveLength(1);
		expect(fake.api.of('put')).toHaveLength(0);
	});

	test('a failed start is reported with Filestack’s error and correlation id', async () => {
		fake.api.failures.start.push({
			status: 403,
			body: JSON.stringify({ error: 'Invalid App policy', c: 'corr-1' }),
		});
		await expect(upload(testBytes(100))).rejects.toThrow(
			'Multipart start failed with HTTP 403: Invalid App policy (correlation id corr-1)',
		);
	});

	test('a part that keeps failing stops the upload: no further part is read or started, and no complete', async () => {
		for (let i = 0; i < 4; i++) fake.api.failures.put.push('network');
		const bytes = testBytes(40 * MiB);
		const stream = streamOf(bytes);
		const failure = fake.upload(
			{ size: bytes.length, stream },
			{
				filename: 'n.bin',
				intelligent: 'off',
				partSize: 5 * MiB,
				concurrency: 1,
			},
		);
		await expect(failure).rejects.toThrow(FilestackNetworkError);
		await expect(failure).rejects.toThrow(
			/^Upload of part 1 failed after 4 tries: .*socket hang up/,
		);
		expect(fake.api.of('upload').map((r) => r.json!.part)).toEqual([1, 1, 1, 1]);
		// Part 1 in flight and part 2 read ahead: nothing more.
		expect(stream.pulled).toBeLessThanOrEqual(10 * MiB + 100_003);
		expect(fake.api.of('complete')).toHaveLength(0);
	});

	test('a PUT answered without an ETag fails the upload instead of completing it', async () => {
		fake.api.failures.put.push({ status: 200 });
		await expect(upload(testBytes(100))).rejects.toThrow(/without an ETag header/);
		expect(fake.api.of('complete')).toHaveLength(0);
	});
});

describe('the source', () => {
	test('a stream shorter than its declared size fails the upload', async () => {
		const bytes = testBytes(1000);
		const failure = fake.upload({ size: 1001, stream: streamOf(bytes) }, { filename: 'a' });
		await expect(failure).rejects.toThrow(
			new FilestackValidationError('The file ended after 1000 of its declared 1001 bytes'),
		);
		expect(fake.api.of('complete')).toHaveLength(0);
	});

	test('a stream longer than its declared size fails the upload', async () => {
		const bytes = testBytes(1000);
		const failure = fake.upload({ size: 999, stream: streamOf(bytes) }, { filename: 'a' });
		await expect(failure).rejects.toThrow(
			'The file has more bytes than its declared size of 999 bytes',
		);
		expect(fake.api.of('complete')).toHaveLength(0);
	});

	test('a stream that fails while being read fails the upload with its own error', async () => {
		const stream = {
			async *[Symbol.asyncIterator]() {
				yield testBytes(10);
				throw new Error('disk on fire');
			},
		};
		await expect(fake.upload({ size: 100, stream }, { filename: 'a' })).rejects.toThrow(
			'disk on fire',
		);
		expect(fake.api.of('complete')).toHaveLength(0);
	});
});
