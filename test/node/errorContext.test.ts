import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { startEmulator, type Emulator } from '../emulator';
import type { Harness, NodeSpec, WorkflowRun } from '../harness';
import { bytes, createHarness, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { credentialsFor, pairedItems } from './support';
import { credentialsAt, startScriptedServer, type ScriptedServer } from './scriptedServer';

// Every error names the item and what failed: also a network error n8n would word its own way, a download cut
// short, a parameter out of range (by its label), a credential whose endpoint is wrong, and Filestack's or S3's
// escaped error text (shown decoded).
const APP: EmulatedApp = { apiKey: 'ERROR_CONTEXT_KEY', appSecret: 'error-context-app-secret' };
const HANDLE = 'AAAAAAAAAAAAAAAAAAAA';

let emulator: Emulator;
let harness: Harness;
/** Answers each request as the test in progress says. */
let answer: Parameters<typeof startScriptedServer>[0];
let scripted: ScriptedServer;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [APP] });
	harness = await createHarness({ credentials: credentialsFor(emulator, APP) });
	scripted = await startScriptedServer((request, res) => answer(request, res));
});

afterAll(async () => {
	await scripted.close();
	await harness.close();
	await emulator.close();
});

function failure(run: WorkflowRun) {
	expect(run.status).toBe('error');
	const error = run.nodeError('Filestack');
	expect(error).toBeDefined();
	return error!;
}

const download = (onError?: NodeSpec['onError']): NodeSpec => ({
	...filestackNode({ resource: 'file', operation: 'download', handle: HANDLE }),
	...(onError ? { onError } : {}),
});

describe('a network error', () => {
	it('that n8n would reword (refused connection) keeps the call and the item', async () => {
		// A port nothing listens on any more.
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as AddressInfo;
		await new Promise<void>((resolve) => probe.close(() => resolve()));

		const run = await harness.run(
			{ nodes: [download()] },
			{ credentials: credentialsAt(`http://127.0.0.1:${port}`, APP.apiKey) },
		);

		const error = failure(run);
		expect(error.message).toMatch(
			new RegExp(`^Download of ${HANDLE} failed after 6 tries: .*ECONNREFUSED.* \\[item 0\\]$`),
		);
		expect(error.description).toBe('Filestack could not be reached after several tries.');
	});

	it('that cuts a download short names the handle and how many bytes arrived', async () => {
		answer = (_, res) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 100000 });
			res.write(Buffer.alloc(1000, 7), () => res.destroy());
		};
		const run = await harness.run(
			{ nodes: [download()] },
			{ credentials: credentialsAt(scripted.url, APP.apiKey) },
		);

		const error = failure(run);
		expect(error.message).toMatch(
			new RegExp(`^Download of ${HANDLE} failed after 1000 of 100000 bytes: .+ \\[item 0\\]$`),
		);
		expect(error.description).toBe(
			'The connection broke while the file was arriving; running the node again downloads the file again.',
		);
	});
});

describe('a parameter out of range is named by its label', () => {
	it('a Handle that is a URL without a handle', async () => {
		const error = failure(
			await harness.run({
				nodes: [filestackNode({ resource: 'file', operation: 'getMetadata', handle: 'http://' })],
			}),
		);

		expect(error.message).toBe(
			'Handle "http://" is a URL without a file handle at the end of its path (File → Get Metadata) [item 0]',
		);
	});

	it.each([
		['signUrl', 'Sign URL'],
		['createPolicy', 'Create Policy'],
	])('an Expires In beyond any date (%s)', async (operation, label) => {
		const error = failure(
			await harness.run({
				nodes: [
					filestackNode({
						resource: 'security',
						operation,
						handle: HANDLE,
						calls: ['read'],
						expiresIn: '={{ 1e13 }}',
					}),
				],
			}),
		);

		expect(error.message).toBe(
			`Expires In (Seconds) must be a number from 1 to 3153600000 (got 10000000000000) (Security → ${label}) [item 0]`,
		);
	});

	it('Parallel Parts beyond the limit', async () => {
		const first = emulator.requests.length;
		const error = failure(
			await harness.run({
				nodes: [
					source([{ binary: { data: bytes('a small file', 'a.txt') } }]),
					filestackNode({ resource: 'file', operation: 'upload', concurrency: '={{ 25 }}' }),
				],
			}),
		);

		expect(error.message).toBe(
			'Parallel Parts must be a whole number from 1 to 20 (got 25) (File → Upload) [item 0]',
		);
		expect(emulator.requests.length).toBe(first);
	});
});

describe('a credential whose endpoint is wrong', () => {
	const badEndpoint = () => ({
		filestackApi: { ...credentialsFor(emulator, APP).filestackApi, cdnUrl: 'not a url' },
	});
	const message = (item: number) =>
		`The credential's CDN URL must be an http(s) URL (got "not a url") (File → Download) [item ${item}]`;
	const twoItems = () => source([{ json: { n: 0 } }, { json: { n: 1 } }]);

	it('with Continue On Fail, gives an error item for each item', async () => {
		const run = await harness.run(
			{ nodes: [twoItems(), download('continueRegularOutput')] },
			{ credentials: badEndpoint() },
		);

		expect(run.status).toBe('success');
		const items = run.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map(({ json }) => json)).toEqual([{ error: message(0) }, { error: message(1) }]);
	});

	it('without it, fails naming the first item', async () => {
		const error = failure(
			await harness.run({ nodes: [twoItems(), download()] }, { credentials: badEndpoint() }),
		);

		expect(error.message).toBe(message(0));
	});
});

describe("Filestack's and S3's escaped error text", () => {
	it.each([
		[
			'S3 XML',
			'application/xml',
			'<Error><Code>AccessDenied</Code><Message>You can&apos;t read &quot;this&quot; &amp; that</Message></Error>',
			'AccessDenied: You can\'t read "this" & that',
		],
		[
			'Filestack JSON',
			'application/json',
			JSON.stringify({ error: 'File &apos;a&lt;b&gt;&#39;s&#x21; not allowed' }),
			"File 'a<b>'s! not allowed",
		],
	])('%s is shown decoded', async (_, type, body, shown) => {
		answer = (__, res) => {
			res.writeHead(403, { 'Content-Type': type });
			res.end(body);
		};
		const error = failure(
			await harness.run(
				{ nodes: [download()] },
				{ credentials: credentialsAt(scripted.url, APP.apiKey) },
			),
		);

		expect(error.message).toBe(
			`Download of ${HANDLE} failed with HTTP 403: ${shown} (File → Download) [item 0]`,
		);
	});
});

describe('an operation the node does not have (a workflow saved by a later version, or edited by hand)', () => {
	it.each([
		['file', 'frobnicate', 'The operation "frobnicate" of "File" is not known'],
		['toString', 'call', 'The resource "toString" is not known'],
	])(
		'%s → %s fails each item with its index, or gives error items with Continue On Fail',
		async (resource, operation, text) => {
			const message = (item: number) => `${text} [item ${item}]`;
			const node = (onError?: NodeSpec['onError']): NodeSpec => ({
				...filestackNode({ resource, operation }),
				...(onError ? { onError } : {}),
			});
			const twoItems = source([{ json: { n: 0 } }, { json: { n: 1 } }]);

			const error = failure(await harness.run({ nodes: [twoItems, node()] }));
			expect(error.message).toBe(message(0));

			const run = await harness.run({ nodes: [twoItems, node('continueRegularOutput')] });
			const items = run.output('Filestack');
			expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(items.map(({ json }) => json)).toEqual([{ error: message(0) }, { error: message(1) }]);
		},
	);
});
