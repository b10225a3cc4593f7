import type { INodeParameters } from 'n8n-workflow';

import type { Harness } from '../harness';
import { bytes, createHarness, filestackNode, source } from '../harness';
import { credentialsAt, startScriptedServer, type ScriptedServer } from './scriptedServer';

// A redirect is never followed: each request carries the API key, a policy and a signature (in its URL or its
// body), which must reach no origin but the credential's own. The redirecting server points every request to
// another loopback server, which must receive nothing.
const API_KEY = 'REDIRECT_KEY';
const APP_SECRET = 'redirect-app-secret';

let elsewhere: ScriptedServer;
let redirecting: ScriptedServer;
let harness: Harness;

beforeAll(async () => {
	elsewhere = await startScriptedServer((_, res) => res.end('{}'));
	redirecting = await startScriptedServer(({ url }, res) => {
		res.writeHead(307, { Location: `${elsewhere.url}${url}` });
		res.end();
	});
	harness = await createHarness({
		credentials: credentialsAt(redirecting.url, API_KEY, APP_SECRET),
	});
});

afterAll(async () => {
	await harness.close();
	await redirecting.close();
	await elsewhere.close();
});

beforeEach(() => {
	redirecting.received.splice(0);
	elsewhere.received.splice(0);
});

const operations: Array<[string, INodeParameters]> = [
	[
		'Upload From URL (POST /process, signed body)',
		{ resource: 'file', operation: 'uploadFromUrl', url: 'https://example.com/a.pdf' },
	],
	[
		'Get Metadata (GET, signed query)',
		{ resource: 'file', operation: 'getMetadata', handle: 'AAAAAAAAAAAAAAAAAAAA' },
	],
	[
		'Download (GET, signed CDN URL)',
		{ resource: 'file', operation: 'download', handle: 'AAAAAAAAAAAAAAAAAAAA' },
	],
	['Upload (POST /multipart/start, signed body)', { resource: 'file', operation: 'upload' }],
];

it.each(operations)(
	'%s: a 307 elsewhere is not followed and names only its origin',
	async (_, parameters) => {
		const run = await harness.run({
			nodes: [
				source([{ binary: { data: bytes('redirected bytes', 'a.txt', 'text/plain') } }]),
				filestackNode(parameters),
			],
		});

		expect(redirecting.received).toHaveLength(1);
		expect(elsewhere.received).toEqual([]);
		const message = run.nodeError('Filestack')?.message;
		expect(message).toMatch(
			/ failed with HTTP 307: redirected to http:\/\/127\.0\.0\.1:\d+, which is not followed: /,
		);
		expect(message).toContain(elsewhere.url);
		expect(message).not.toContain(`${elsewhere.url}/`);
	},
);

it("Upload: a 307 from the start answer's upload host is not followed either", async () => {
	const start = await startScriptedServer((_, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(
			JSON.stringify({ uri: '/u', region: 'r', upload_id: 'U', location_url: redirecting.url }),
		);
	});
	try {
		const run = await harness.run(
			{
				nodes: [
					source([{ binary: { data: bytes('redirected bytes', 'a.txt', 'text/plain') } }]),
					filestackNode({ resource: 'file', operation: 'upload' }),
				],
			},
			{ credentials: credentialsAt(start.url, API_KEY, APP_SECRET) },
		);

		expect(start.received.map(({ url }) => url)).toEqual(['/multipart/start']);
		expect(redirecting.received.length).toBeGreaterThan(0);
		expect(elsewhere.received).toEqual([]);
		expect(run.nodeError('Filestack')?.message).toContain(
			`failed with HTTP 307: redirected to ${elsewhere.url}, which is not followed`,
		);
	} finally {
		await start.close();
	}
});

it('the credential test does not follow it either', async () => {
	const result = await harness.testCredential('filestackApi', {
		...credentialsAt(redirecting.url, API_KEY, APP_SECRET).filestackApi,
	});

	expect(result.status).toBe('Error');
	expect(result.message).toContain(`redirected to ${elsewhere.url}, which is not followed`);
	expect(redirecting.received.length).toBeGreaterThan(0);
	expect(elsewhere.received).toEqual([]);
});
