import { emulatorEndpoints, startEmulator, type Emulator } from '../emulator';
import type { Harness, NodeSpec, WorkflowRun } from '../harness';
import { bytes, createHarness, filestackNode, source } from '../harness';
import { type AnswerLosingProxy, startAnswerLosingProxy } from '../harness/answerLosingProxy';

// What users read when a call is not repeated (its outcome unknown), when a part uses up its tries, and when a
// request cannot be sent at all. n8n's sleep is recorded, not spent: the production backoff of fifteen tries
// would take minutes, and the waits themselves show how often a request was tried.
const waits: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number) => void waits.push(ms),
}));

const APP = { apiKey: 'RETRIES_KEY' };
const REMOTE_URL = 'https://files.example.com/big/video.mov';

let emulator: Emulator;
let proxy: AnswerLosingProxy;
let harness: Harness;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [APP] });
	proxy = await startAnswerLosingProxy(emulator.url);
	harness = await createHarness({
		credentials: { filestackApi: { ...APP, ...emulatorEndpoints(proxy.url) } },
	});
});
afterAll(async () => {
	await harness.close();
	await proxy.close();
	await emulator.close();
});
beforeEach(() => (waits.length = 0));
afterEach(async () => await emulator.reset());

async function failure(nodes: NodeSpec[]) {
	const result: WorkflowRun = await harness.run({ nodes });
	expect(result.status).toBe('error');
	return result.nodeError('Filestack')!;
}

test('Upload From URL whose answer is lost: stored once, and the message says the outcome is unknown and what to check', async () => {
	proxy.loseNext(1, (method, path) => method === 'POST' && path === '/process');
	const error = await failure([
		filestackNode({ resource: 'file', operation: 'uploadFromUrl', url: REMOTE_URL }),
	]);

	expect(error.message).toMatch(
		/^Upload from URL: the request may have reached Filestack, but no answer came back \(.+\)\. Whether it took effect is unknown, and it was not sent again, so as not to do it twice\. Look for the new file among the application's files \(Filestack dashboard\) before running it again, which could store a second copy\. \(File → Upload From URL\) \[item 0\]$/,
	);
	expect(error.description).toBe(
		'Filestack may have done it already: running the workflow again could do it twice.',
	);
	expect(emulator.requests.filter((request) => request.route === 'process')).toHaveLength(1);
	expect(emulator.files.size).toBe(1);
	expect(waits).toEqual([]);
});

test('an item whose answer was lost beside the failure that fails the node is named in its description', async () => {
	proxy.loseNext(1, (method, path) => method === 'POST' && path === '/process');
	const error = await failure([
		source([{ json: { url: 'ftp://files.example.com/a.bin' } }, { json: { url: REMOTE_URL } }]),
		filestackNode({
			resource: 'file',
			operation: 'uploadFromUrl',
			url: '={{ $json.url }}',
			itemsAtOnce: 2,
		}),
	]);

	expect(error.message).toMatch(/\(File → Upload From URL\) \[item 0\]$/);
	expect(error.description).toMatch(/Items that may have been done too, their answer lost: 1\.$/);
	expect(emulator.files.size).toBe(1);
});

test('a part that uses up its tries: the message names the part, the item and the number of tries', async () => {
	emulator.faults.failNext('put', 100, 'cutoff');
	const error = await failure([
		source([{ binary: { data: bytes('a small file that never gets through\n', 'small.txt') } }]),
		filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' }),
	]);

	expect(error.message).toMatch(/^Upload of part 1 failed after 15 tries: .+ \[item 0\]$/);
	expect(error.description).toBe('Filestack could not be reached after several tries.');
	expect(emulator.requests.filter((request) => request.route === 'put')).toHaveLength(15);
	// Each try of the PUT asked for its own URL; none of those asks counted against the PUT's tries.
	expect(emulator.requests.filter((request) => request.route === 'upload')).toHaveLength(15);
	expect(emulator.requests.filter((request) => request.route === 'complete')).toHaveLength(0);
});

test.each([
	['Upload From URL', { resource: 'file', operation: 'uploadFromUrl', url: REMOTE_URL }, 'process'],
	[
		'Transform → Stored File',
		{
			resource: 'transformation',
			operation: 'transform',
			sourceType: 'url',
			url: REMOTE_URL,
			chainInput: 'text',
			taskChain: 'flip',
			output: 'store',
		},
		'transform',
	],
] as const)(
	'%s waits for its answer as long as its Timeout (Seconds) says',
	async (_label, parameters, route) => {
		emulator.faults.delayMs = 2_500;
		const error = await failure([filestackNode({ ...parameters, timeout: 1 })]);

		expect(error.message).toMatch(/no answer came back .*timeout of 1000ms exceeded/);
		expect(emulator.requests.filter((request) => request.route === route)).toHaveLength(1);
	},
);

describe('a request that cannot be sent fails at once, without a retry', () => {
	// An unsupported protocol can no longer reach the HTTP layer from the node (every URL input and the status URL
	// are checked first); test/unit/http.test.ts shows the HTTP layer failing at once on one.
	test('an invalid URL', async () => {
		const first = emulator.requests.length;
		const result = await harness.run(
			{ nodes: [filestackNode({ resource: 'file', operation: 'uploadFromUrl', url: REMOTE_URL })] },
			{ credentials: { filestackApi: { ...APP, ...emulatorEndpoints('http://[::1') } } },
		);

		expect(result.status).toBe('error');
		expect(result.nodeError('Filestack')!.message).toMatch(/Invalid URL.* \[item 0\]$/);
		expect(waits).toEqual([]);
		expect(emulator.requests.length).toBe(first);
	});
});
