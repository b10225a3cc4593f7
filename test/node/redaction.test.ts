import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import type { Harness, NodeSpec } from '../harness';
import { createHarness, filestackNode, source } from '../harness';
import { type Site, startSite } from '../support/site';
import type { EmulatedApp } from './support';
import { credentialsFor, pairedItems, Seeder, visibleText } from './support';
import { credentialsAt, startScriptedServer, type ScriptedServer } from './scriptedServer';

// No message and no error item shows the API key, a policy or a signature: not even when a server repeats the
// request (its URL, query and body) in its error text, nor in the status URL a timed-out conversion names.
const APP: EmulatedApp = { apiKey: 'REDACTION_KEY', appSecret: 'redaction-app-secret' };
const HANDLE = 'AAAAAAAAAAAAAAAAAAAA';

let echo: ScriptedServer;
let harness: Harness;

beforeAll(async () => {
	// Refuses every request with HTTP 400, repeating it the way some servers do.
	echo = await startScriptedServer(({ method, url, body }, res) => {
		res.writeHead(400, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ error: `Cannot serve ${method} ${url} ${body}`.trim() }));
	});
	harness = await createHarness({
		credentials: credentialsAt(echo.url, APP.apiKey, APP.appSecret),
	});
});

afterAll(async () => {
	await harness.close();
	await echo.close();
});

/** Every policy, signature and key the echo server received, as sent and decoded. */
function sentSecrets(): string[] {
	const found = echo.received.flatMap(({ url, body }) =>
		[
			...`${url} ${body}`.matchAll(
				/(?:policy|signature|key|apikey)(?:=|"\s*:\s*")([^&"\s/]+)|security=p:([^,]+),s:([^/]+)/gi,
			),
		].flatMap((match) => match.slice(1).filter((value) => value !== undefined)),
	);
	return [...new Set(found.flatMap((value) => [value, decodeURIComponent(value)]))];
}

const echoed: Array<[string, INodeParameters]> = [
	[
		'Download (security segment in the path)',
		{ resource: 'file', operation: 'download', handle: HANDLE },
	],
	[
		'Get Metadata (policy and signature in the query)',
		{ resource: 'file', operation: 'getMetadata', handle: HANDLE },
	],
	[
		'Delete (key, policy and signature in the query)',
		{ resource: 'file', operation: 'delete', handle: HANDLE },
	],
	[
		'Upload From URL (API key, policy and signature in the JSON body)',
		{ resource: 'file', operation: 'uploadFromUrl', url: 'https://example.com/a.pdf' },
	],
	[
		'Overwrite from a URL (policy and signature in the query)',
		{
			resource: 'file',
			operation: 'overwrite',
			handle: HANDLE,
			contentSource: 'url',
			url: 'https://example.com/b.pdf',
		},
	],
	[
		'Convert of a URL (API key and security segment in the path)',
		{
			resource: 'audioVideo',
			operation: 'convert',
			sourceType: 'url',
			url: 'https://example.com/c.mov',
		},
	],
	[
		'Transform of a URL (API key and security segment in the path)',
		{
			resource: 'transformation',
			operation: 'transform',
			sourceType: 'url',
			url: 'https://example.com/d.png',
			chainInput: 'text',
			taskChain: 'flip',
			output: 'binary',
		},
	],
];

describe('a server that repeats the request in its error text', () => {
	beforeEach(() => echo.received.splice(0));

	it.each(echoed)(
		'%s: the message hides what was derived from the credential',
		async (_, parameters) => {
			const run = await harness.run({ nodes: [filestackNode(parameters)] });

			const error = run.nodeError('Filestack');
			expect(error?.message).toMatch(
				/failed with HTTP 400: Cannot serve .*\[redacted\].* \[item 0\]$/,
			);
			const secrets = sentSecrets();
			expect(secrets.length).toBeGreaterThan(0);
			const shown = visibleText(run);
			for (const secret of [APP.apiKey, APP.appSecret!, ...secrets])
				expect(shown).not.toContain(secret);
		},
	);

	it('with Continue On Fail, the error items hide them too', async () => {
		const download: NodeSpec = {
			...filestackNode({ resource: 'file', operation: 'download', handle: '={{ $json.handle }}' }),
			onError: 'continueRegularOutput',
		};
		const run = await harness.run({
			nodes: [
				source([{ json: { handle: HANDLE } }, { json: { handle: 'BBBBBBBBBBBBBBBBBBBB' } }]),
				download,
			],
		});

		const items = run.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const [index, { json }] of items.entries()) {
			expect(json.error).toMatch(
				new RegExp(
					`^Download of \\w+ failed with HTTP 400: Cannot serve GET /security=\\[redacted\\]/\\w+ \\(File → Download\\) \\[item ${index}\\]$`,
				),
			);
		}
		const shown = visibleText(run);
		for (const secret of [APP.apiKey, ...sentSecrets()]) expect(shown).not.toContain(secret);
	});
});

describe("Filestack's policy error, quoting the signature and policy it was sent", () => {
	let refusing: ScriptedServer;
	let quoted: string[] = [];

	beforeAll(async () => {
		// Answers as Filestack does a request it does not accept, quoting its credentials.
		refusing = await startScriptedServer(({ url }, res) => {
			const { searchParams, pathname } = new URL(url, 'http://x');
			const segment = /security=p:([^,/]+),s:([^/]+)/.exec(pathname);
			const policy = searchParams.get('policy') ?? segment?.[1] ?? '';
			const signature = searchParams.get('signature') ?? segment?.[2] ?? '';
			quoted.push(policy, signature);
			res.writeHead(403, { 'Content-Type': 'text/plain' });
			res.end(
				`application [${APP.apiKey}] policy error: proper credentials were not provided: (signature: "${signature}"; policy "${policy}")`,
			);
		});
	});

	afterAll(async () => await refusing.close());
	beforeEach(() => (quoted = []));

	it.each([
		['Get Metadata', { resource: 'file', operation: 'getMetadata', handle: HANDLE }],
		['Download', { resource: 'file', operation: 'download', handle: HANDLE }],
	])('%s: the message and its description show neither', async (_, parameters) => {
		const run = await harness.run(
			{ nodes: [filestackNode(parameters)] },
			{ credentials: credentialsAt(refusing.url, APP.apiKey, APP.appSecret) },
		);

		expect(run.nodeError('Filestack')?.message).toContain(
			'policy error: proper credentials were not provided: (signature: "[redacted]"; policy "[redacted]")',
		);
		expect(quoted.filter(Boolean)).toHaveLength(2);
		const shown = visibleText(run);
		for (const secret of [APP.apiKey, APP.appSecret!, ...quoted])
			expect(shown).not.toContain(secret);
	});

	it('with Continue On Fail, the error item shows neither', async () => {
		const run = await harness.run(
			{
				nodes: [
					{
						...filestackNode({ resource: 'file', operation: 'getMetadata', handle: HANDLE }),
						onError: 'continueRegularOutput',
					},
				],
			},
			{ credentials: credentialsAt(refusing.url, APP.apiKey, APP.appSecret) },
		);

		const [{ json }] = run.output('Filestack');
		expect(json.error).toContain('(signature: "[redacted]"; policy "[redacted]")');
		expect(quoted.filter(Boolean)).toHaveLength(2);
		const shown = JSON.stringify(run.run);
		for (const secret of [APP.apiKey, ...quoted]) expect(shown).not.toContain(secret);
	});
});

describe('a conversion that is not done in time', () => {
	const CONVERTING: EmulatedApp = { apiKey: 'REDACTION_CONVERT_KEY' };
	let emulator: Emulator;
	let seeder: Seeder;
	let site: Site;

	beforeAll(async () => {
		emulator = await startEmulator({ apps: [CONVERTING] });
		seeder = new Seeder(emulator);
		site = await startSite({
			'/talk.mov': { type: 'video/quicktime', body: Buffer.alloc(5000, 1) },
		});
	});

	afterAll(async () => {
		seeder.close();
		await site.close();
		await emulator.close();
	});

	it('names its status URL with the API key hidden, which Get Status takes as shown', async () => {
		emulator.faults.videoOutcome = 'stall';
		const run = await harness.run(
			{
				nodes: [
					filestackNode({
						resource: 'audioVideo',
						operation: 'convert',
						sourceType: 'url',
						url: `${site.url}/talk.mov`,
						timeout: 1,
						pollInterval: 0.2,
					}),
				],
			},
			{ credentials: credentialsFor(emulator, CONVERTING) },
		);

		const error = run.nodeError('Filestack');
		expect(error?.message).toMatch(/^The conversion [0-9a-f]{32} was still "pending" after 1 s\./);
		expect(error?.message).toContain(
			`get its status later from ${emulator.url}/[redacted]/video_convert/${site.url}/talk.mov (Audio/Video → Convert) [item 0]`,
		);
		expect(visibleText(run)).not.toContain(CONVERTING.apiKey);

		// That URL, copied as shown, is one Get Status takes: the key is the credential's own.
		emulator.faults.videoOutcome = 'completed';
		const shownUrl = /get its status later from (\S+) \(Audio\/Video → Convert\) \[item 0\]$/.exec(
			error?.message ?? '',
		)?.[1];
		const resumed = await harness.run(
			{
				nodes: [
					filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl: shownUrl }),
				],
			},
			{ credentials: credentialsFor(emulator, CONVERTING) },
		);
		expect(resumed.output('Filestack')[0].json).toMatchObject({
			status: 'completed',
			statusUrl: `${emulator.url}/${CONVERTING.apiKey}/video_convert/${site.url}/talk.mov`,
		});
	});
});
