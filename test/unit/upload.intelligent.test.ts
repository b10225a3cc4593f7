import { FilestackApiError, FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { UploadOptions } from '../../nodes/Filestack/sdk/upload';
import { md5Base64, MiB, streamOf, testBytes, testHttp, useFakeUploadApi } from './uploadFixtures';

const fake = useFakeUploadApi();

beforeEach(() => {
	fake.api.startResponse = { ...fake.api.startResponse, upload_type: 'intelligent_ingestion' };
});

async function upload(bytes: Uint8Array, options: Partial<UploadOptions> = {}) {
	return await fake.upload(
		{ size: bytes.length, stream: streamOf(bytes) },
		{
			filename: 'big.bin',
			concurrency: 1,
			...options,
		},
	);
}

/** `[part, offset, size]` of each chunk upload call, in the order sent. */
const chunkCalls = () =>
	fake.api.of('upload').map((r) => [r.json!.part, r.json!.offset, r.json!.size]);
const putSizes = () => fake.api.of('put').map((r) => r.bytes!.length);

/** The file as storage holds it: for each part, the latest bytes PUT at each offset, in order. */
function storedBytes(): Buffer {
	const chunks = new Map<string, Buffer>();
	for (const put of fake.api.of('put')) {
		const [, part, offset] = /\/put\/(\d+)\/(\d+)/.exec(put.path)!;
		chunks.set(`${part.padStart(6, '0')}:${offset.padStart(10, '0')}`, put.bytes!);
	}
	return Buffer.concat([...chunks.keys()].sort().map((key) => chunks.get(key)!));
}

describe('Intelligent Ingestion', () => {
	test('auto: used when the start answer says so; 8 MiB parts, chunk calls, a commit per part, complete without parts', async () => {
		const bytes = testBytes(12_000_000);
		const file = await upload(bytes, { store: { uploadTags: { t: 'v' } } });

		expect(fake.api.of('start')[0].json!.fii).toBe(true);
		expect(fake.api.of('upload').map((r) => r.json)).toEqual([
			{
				apikey: 'KEY',
				uri: '/bucket/key',
				region: 'us-east-1',
				upload_id: 'UPLOAD-1',
				store: { location: 's3' },
				part: 1,
				size: 8_388_608,
				md5: md5Base64(bytes.subarray(0, 8_388_608)),
				offset: 0,
				fii: true,
			},
			{
				apikey: 'KEY',
				uri: '/bucket/key',
				region: 'us-east-1',
				upload_id: 'UPLOAD-1',
				store: { location: 's3' },
				part: 2,
				size: 3_611_392,
				md5: md5Base64(bytes.subarray(8_388_608)),
				offset: 0,
				fii: true,
			},
		]);
		expect(fake.api.of('commit').map((r) => r.json)).toEqual(
			[1, 2].map((part) => ({
				apikey: 'KEY',
				uri: '/bucket/key',
				region: 'us-east-1',
				upload_id: 'UPLOAD-1',
				store: { location: 's3' },
				part,
				size: 12_000_000,
			})),
		);
		const [complete] = fake.api.of('complete');
		expect(complete.json).toEqual({
			apikey: 'KEY',
			uri: '/bucket/key',
			region: 'us-east-1',
			upload_id: 'UPLOAD-1',
			store: { location: 's3' },
			filename: 'big.bin',
			mimetype: 'application/octet-stream',
			size: 12_000_000,
			fii: true,
			upload_tags: { t: 'v' },
		});
		expect(storedBytes().equals(Buffer.from(bytes))).toBe(true);
		expect(file.handle).toBe('HANDLE1');
	});

	test('on: asks for it at start', async () => {
		await upload(testBytes(100), { intelligent: 'on' });
		expect(fake.api.of('start')[0].json!.fii).toBe(true);
		expect(fake.api.of('commit')).toHaveLength(1);
	});

	test('on: refused clearly, before any byte is sent, when the app does not have it', async () => {
		delete fake.api.startResponse.upload_type;
		const failure = upload(testBytes(100), { intelligent: 'on' });
		await expect(failure).rejects.toThrow(FilestackValidationError);
		await expect(failure).rejects.toThrow(
			/Intelligent Ingestion is not enabled for this Filestack application/,
		);
		expect(fake.api.of('upload')).toHaveLength(0);
	});

	test('auto without it, or off with it: regular multipart', async () => {
		await upload(testBytes(100), { intelligent: 'off' });
		delete fake.api.startResponse.upload_type;
		await upload(testBytes(100), { intelligent: 'auto' });
		expect(fake.api.of('commit')).toHaveLength(0);
		expect(fake.api.of('upload').every((r) => r.json!.fii === undefined)).toBe(true);
		expect(fake.api.of('complete').map((r) => (r.json!.parts as unknown[]).length)).toEqual([1, 1]);
	});

	test('a file of 0 bytes is one empty chunk, committed', async () => {
		await upload(new Uint8Array(0));
		expect(chunkCalls()).toEqual([[1, 0, 0]]);
		expect(fake.api.of('commit').map((r) => r.json!.size)).toEqual([0]);
		expect(fake.api.of('complete')[0].json).toMatchObject({ size: 0, fii: true });
	});
});

describe('chunk halving', () => {
	test('a failed chunk is sent again at half the size, then the rest of the part (the Python SDK vector)', async () => {
		fake.api.failures.put.push({ status: 503 });
		const bytes = testBytes(5_415_034);
		await upload(bytes);
		expect(putSizes()).toEqual([5_415_034, 4_194_304, 1_220_730]);
		expect(chunkCalls()).toEqual([
			[1, 0, 5_415_034],
			[1, 0, 4_194_304],
			[1, 4_194_304, 1_220_730],
		]);
		expect(storedBytes().equals(Buffer.from(bytes))).toBe(true);
		expect(fake.api.of('commit')).toHaveLength(1);
	});

	test('a failing chunk upload call (5xx, 429, no answer) halves the chunk too', async () => {
		fake.api.failures.upload.push({ status: 500 }, { status: 429 }, 'network');
		const bytes = testBytes(9 * MiB);
		await upload(bytes);
		expect(chunkCalls().slice(0, 4)).toEqual([
			[1, 0, 8 * MiB],
			[1, 0, 4 * MiB],
			[1, 0, 2 * MiB],
			[1, 0, 1 * MiB],
		]);
		expect(storedBytes().equals(Buffer.from(bytes))).toBe(true);
	});

	test('halves down to 32 KiB, then gives up with a clear error, after the usual tries at the floor', async () => {
		for (let i = 0; i < 100; i++) fake.api.failures.put.push({ status: 503, body: 'SlowDown' });
		const failure = upload(testBytes(5_415_034));
		await expect(failure).rejects.toThrow(FilestackApiError);
		await expect(failure).rejects.toThrow(
			'Upload of part 1 (Intelligent Ingestion, down to chunks of 32 KiB) failed with HTTP 503 after 4 tries: SlowDown',
		);
		const halves = [4_194_304, 2_097_152, 1_048_576, 524_288, 262_144, 131_072, 65_536];
		// Four tries in all at 32 KiB: the test policy's `attempts`.
		expect(putSizes()).toEqual([5_415_034, ...halves, 32_768, 32_768, 32_768, 32_768]);
		expect(fake.api.of('commit')).toHaveLength(0);
		expect(fake.api.of('complete')).toHaveLength(0);
	});

	test('with one try allowed, the first failure at 32 KiB ends it, as in the Python SDK', async () => {
		fake.client.close();
		fake.client = testHttp({ attempts: 1 });
		for (let i = 0; i < 100; i++) fake.api.failures.put.push('network');
		await expect(upload(testBytes(5_415_034))).rejects.toThrow(
			/^Upload of part 1 \(Intelligent Ingestion, down to chunks of 32 KiB\) failed: /,
		);
		expect(putSizes().slice(-2)).toEqual([65_536, 32_768]);
	});

	test('a chunk throttled with 429 waits as long as Retry-After asks, then goes again smaller', async () => {
		fake.api.failures.put.push({ status: 429, headers: { 'Retry-After': '2' } });
		await upload(testBytes(5 * MiB));
		expect(fake.client.sleeps).toEqual([2000]);
		expect(putSizes()).toEqual([5 * MiB, 4 * MiB, 1 * MiB]);
	});

	test('a 4xx other than 429 is not retried', async () => {
		fake.api.failures.put.push({
			status: 403,
			body: '<Error><Code>AccessDenied</Code><Message>no</Message></Error>',
		});
		await expect(upload(testBytes(1000))).rejects.toThrow(
			'Upload of part 1 at offset 0 failed with HTTP 403: AccessDenied: no',
		);
		expect(putSizes()).toEqual([1000]);
	});

	test('chunks that go through grow back to the part size', async () => {
		fake.api.failures.put.push('network');
		await upload(testBytes(16 * MiB));
		expect(putSizes()).toEqual([8 * MiB, 4 * MiB, 4 * MiB, 8 * MiB]);
	});

	test('the chunk size belongs to one upload: the next one starts at 8 MiB again', async () => {
		fake.api.failures.put.push('network', 'network');
		await upload(testBytes(8 * MiB));
		const first = putSizes();
		fake.api.requests.length = 0;
		await upload(testBytes(8 * MiB));
		expect(first[0]).toBe(8 * MiB);
		expect(first[1]).toBe(4 * MiB);
		expect(putSizes()).toEqual([8 * MiB]);
	});
});
