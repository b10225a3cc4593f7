import { Http } from '../../nodes/Filestack/sdk/http';
import { leastPrivilege } from '../../nodes/Filestack/sdk/security';
import { uploadStream, type UploadOptions } from '../../nodes/Filestack/sdk/upload';
import { startEmulator, type Emulator } from '../emulator';
import { deterministicBytes, digestOf } from '../harness/deterministicBytes';
import { nodeTransport } from '../harness/nodeTransport';

const MiB = 1024 * 1024;
const PART = 8 * MiB;
const REGULAR = 'REGULAR_KEY';
const FII = 'FII_KEY';
const SIGNED = 'SIGNED_KEY';
const SECRET = 'integration-secret';

let emulator: Emulator;
let transport: ReturnType<typeof nodeTransport>;
/** Quick retries: the faults below are many, and waiting as long as in production would only slow the suite. */
let http: Http;

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [
			{ apiKey: REGULAR },
			{ apiKey: FII, intelligentIngestion: true },
			{ apiKey: SIGNED, appSecret: SECRET },
		],
	});
	transport = nodeTransport();
	http = new Http(transport, { attempts: 8, baseDelayMs: 20, maxDelayMs: 250, timeoutMs: 30_000 });
});
afterAll(async () => {
	transport.close();
	await emulator.close();
});
afterEach(async () => await emulator.reset());

/** Uploads `size` deterministic bytes and checks the file the CDN serves back is the same, byte for byte. */
async function roundTrip(
	apiKey: string,
	size: number,
	seed: number,
	options: Partial<UploadOptions> = {},
) {
	const file = await uploadStream(
		http,
		{ uploadBase: emulator.url, apiKey },
		{ size, stream: deterministicBytes(size, seed) },
		{ filename: `file-${size}.bin`, mimetype: 'application/x-test', ...options },
	);
	expect(file).toMatchObject({
		filename: `file-${size}.bin`,
		size,
		mimetype: 'application/x-test',
	});
	const download = await http.send('Download', {
		method: 'GET',
		url: file.url,
		responseType: 'stream',
	});
	const [served, expected] = await Promise.all([
		digestOf(download.body as AsyncIterable<Uint8Array>),
		digestOf(deterministicBytes(size, seed)),
	]);
	expect(served).toBe(expected);
	return file;
}

const sizes: Array<[string, number]> = [
	['0 bytes', 0],
	['1 byte', 1],
	['exactly one part', PART],
	['one byte over a part', PART + 1],
	['300 MiB', 300 * MiB],
];

describe.each([
	['regular multipart', REGULAR, 'off'],
	['Intelligent Ingestion', FII, 'auto'],
] as const)('%s: byte-exact round trips', (_mode, apiKey, intelligent) => {
	test.each(sizes)('%s', async (_label, size) => {
		await roundTrip(apiKey, size, size + 1, { intelligent });
		const commits = emulator.requests.filter((request) => request.route === 'commit').length;
		expect(commits).toBe(apiKey === FII ? Math.max(1, Math.ceil(size / PART)) : 0);
	});
});

describe('under faults', () => {
	const faults = {
		seed: 42,
		putFailureRate: 0.15,
		putCutoffRate: 0.1,
		apiFailureRate: 0.1,
		apiThrottleRate: 0.05,
		retryAfterSeconds: 0,
		complete202Count: 2,
	};

	test.each([
		['regular multipart', REGULAR],
		['Intelligent Ingestion', FII],
	])(
		'%s: a quarter of the PUTs failing or cut off mid-body, 503s and 429s on the API: still byte-identical',
		async (_mode, apiKey) => {
			Object.assign(emulator.faults, faults);
			await roundTrip(apiKey, 100 * MiB + 12_345, 99, { concurrency: 6 });
			const puts = emulator.requests.filter((request) => request.route === 'put').length;
			const completes = emulator.requests.filter((request) => request.route === 'complete').length;
			// Every part was PUT at least once, and the faults did hit: far more PUTs than parts.
			expect(puts).toBeGreaterThan(13 * 1.2);
			expect(completes).toBeGreaterThanOrEqual(3);
		},
	);
});

describe('signed requests', () => {
	test('an app with security gets a policy and signature on every Upload API call, and the file arrives intact', async () => {
		const sign = (calls: Parameters<typeof leastPrivilege>[1]['call']) =>
			leastPrivilege(SECRET, { call: calls });
		const file = await uploadStream(
			http,
			{ uploadBase: emulator.url, apiKey: SIGNED },
			{ size: 20 * MiB, stream: deterministicBytes(20 * MiB, 5) },
			{
				filename: 'signed.bin',
				sign,
				store: { path: 'folder/', workflows: ['wf-1'], uploadTags: { origin: 'test' } },
			},
		);
		const stored = emulator.files.get(file.handle)!;
		expect(await stored.content.md5()).toBe(await digestOf(deterministicBytes(20 * MiB, 5), 'md5'));
		expect(stored).toMatchObject({ uploadTags: { origin: 'test' }, workflows: ['wf-1'] });
		expect(file).toMatchObject({ upload_tags: { origin: 'test' } });
		const apiCalls = emulator.requests.filter((request) =>
			['start', 'upload', 'complete'].includes(request.route),
		);
		expect(
			apiCalls.every(
				(request) => typeof (request.body as { signature?: unknown }).signature === 'string',
			),
		).toBe(true);
	});

	test('without a signature the app refuses the start, and nothing is uploaded', async () => {
		await expect(
			uploadStream(
				http,
				{ uploadBase: emulator.url, apiKey: SIGNED },
				{ size: 10, stream: deterministicBytes(10, 1) },
				{ filename: 'x' },
			),
		).rejects.toThrow(/^Multipart start failed with HTTP 4\d\d/);
		expect(emulator.requests.filter((request) => request.route === 'upload')).toHaveLength(0);
	});
});
