import type { Client } from '../../nodes/Filestack/sdk/client';
import { FilestackUnknownOutcomeError } from '../../nodes/Filestack/sdk/errors';
import type { RetryPolicy } from '../../nodes/Filestack/sdk/retry';
import { type Emulator, startEmulator } from '../emulator';
import { type AnswerLosingProxy, startAnswerLosingProxy } from '../harness/answerLosingProxy';
import { deterministicBytes } from '../harness/deterministicBytes';
import { nodeTransport } from '../harness/nodeTransport';
import { emulatorClient, QUICK_RETRY } from '../support/emulatorClient';

// Calls that create, change or delete, when an answer is lost after Filestack acted: what the server received
// proves that nothing was done twice, and the caller is told the outcome is unknown.
const APP = { apiKey: 'ONCE_KEY', appSecret: 'once-app-secret' };
const REMOTE_URL = 'https://files.example.com/reports/large.pdf';

let emulator: Emulator;
let proxy: AnswerLosingProxy;
let transport: ReturnType<typeof nodeTransport>;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [APP] });
	proxy = await startAnswerLosingProxy(emulator.url);
	transport = nodeTransport();
});
afterAll(async () => {
	transport.close();
	await proxy.close();
	await emulator.close();
});
afterEach(async () => await emulator.reset());

/** A client that reaches the emulator through the proxy. */
function client(retry: Partial<RetryPolicy> = {}): Client {
	return emulatorClient(proxy.url, APP, transport, { ...QUICK_RETRY, ...retry });
}

const received = (route: string) =>
	emulator.requests.filter((request) => request.route === route).length;
const on = (method: string, pattern: RegExp) => (m: string, path: string) =>
	m === method && pattern.test(path);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function seedFile(): Promise<string> {
	const direct = emulatorClient(emulator.url, APP, transport);
	const stored = await direct.upload(
		{ size: 1000, stream: deterministicBytes(1000, 3) },
		{ filename: 'seed.bin' },
	);
	return stored.handle;
}

describe('an answer lost after Filestack acted', () => {
	test('Upload From URL stores one file, and the error says the outcome is unknown and what to check', async () => {
		proxy.loseNext(1, on('POST', /^\/process$/));
		const failure = client().uploadFromUrl(REMOTE_URL);

		await expect(failure).rejects.toBeInstanceOf(FilestackUnknownOutcomeError);
		await expect(failure).rejects.toThrow(
			/^Upload from URL: the request may have reached Filestack, but no answer came back .*Whether it took effect is unknown.*Look for the new file among the application's files/,
		);
		expect(received('process')).toBe(1);
		expect(emulator.files.size).toBe(1);
	});

	test('Transform → Stored File stores one file', async () => {
		const handle = await seedFile();
		proxy.loseNext(1, on('POST', /\/store/));
		const failure = client().filelink(handle).transform().add({ name: 'flip' }).store();

		await expect(failure).rejects.toBeInstanceOf(FilestackUnknownOutcomeError);
		expect(received('transform')).toBe(1);
		expect(emulator.files.size).toBe(2);
	});

	test('Overwrite is sent once, and the error says to check the metadata', async () => {
		const handle = await seedFile();
		proxy.loseNext(1, on('POST', /^\/api\/file\//));
		const failure = client().filelink(handle).overwrite({ url: REMOTE_URL });

		await expect(failure).rejects.toThrow(FilestackUnknownOutcomeError);
		await expect(failure).rejects.toThrow(`Check the metadata of ${handle}`);
		expect(received('overwrite')).toBe(1);
	});

	test('Delete is done: the repeat answers 404, which means the lost try deleted the file', async () => {
		const handle = await seedFile();
		proxy.loseNext(1, on('DELETE', /^\/api\/file\//));

		await expect(client().filelink(handle).delete()).resolves.toBeUndefined();
		expect(received('delete')).toBe(2);
		expect(emulator.files.has(handle)).toBe(false);
	});

	test('a /process answer slower than the per-try timeout stores one file, not one per try', async () => {
		emulator.faults.delayMs = 1_500;
		const failure = client({ timeoutMs: 300 }).uploadFromUrl(REMOTE_URL);

		await expect(failure).rejects.toThrow(FilestackUnknownOutcomeError);
		await expect(failure).rejects.toThrow(/no answer came back/);
		// Long enough for the emulator to finish every request it got.
		await sleep(2_500);
		expect(received('process')).toBe(1);
		expect(emulator.files.size).toBe(1);
	});
});

describe('where Filestack cannot have acted, or a call may take long', () => {
	test('Upload From URL answered 503, then 429, is tried again and stores one file', async () => {
		emulator.faults.failNext('process', 1, 503);
		emulator.faults.failNext('process', 1, 429);

		const stored = await client().uploadFromUrl(REMOTE_URL);
		expect(received('process')).toBe(3);
		expect([...emulator.files.keys()]).toEqual([stored.handle]);
	});

	test('Upload From URL answered 500 is not tried again', async () => {
		emulator.faults.failNext('process', 1, 500);

		await expect(client().uploadFromUrl(REMOTE_URL)).rejects.toThrow(
			/^Upload from URL failed with HTTP 500/,
		);
		expect(received('process')).toBe(1);
	});

	test('a connection refused is tried again: nothing was sent', async () => {
		const closed = await startAnswerLosingProxy(emulator.url);
		const refused = closed.url;
		await closed.close();
		const sleeps: number[] = [];
		const refusing = emulatorClient(
			refused,
			APP,
			{ ...transport, sleep: async (ms) => void sleeps.push(ms) },
			QUICK_RETRY,
		);

		await expect(refusing.uploadFromUrl(REMOTE_URL)).rejects.toThrow(
			/^Upload from URL failed after 4 tries: .*ECONNREFUSED/,
		);
		expect(sleeps).toHaveLength(3);
	});

	test('Upload From URL and Store with a timeout of their own wait for a slow answer', async () => {
		const handle = await seedFile();
		emulator.faults.delayMs = 1_000;
		const slow = client({ timeoutMs: 300 });

		const fetched = await slow.uploadFromUrl(REMOTE_URL, {}, { timeoutMs: 10_000 });
		const stored = await slow
			.filelink(handle)
			.transform()
			.add({ name: 'flip' })
			.store({}, { timeoutMs: 10_000 });
		expect(received('process')).toBe(1);
		expect(received('transform')).toBe(1);
		expect(emulator.files.has(fetched.handle) && emulator.files.has(stored.handle)).toBe(true);
	});
});
