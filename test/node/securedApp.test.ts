import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INodeExecutionData } from 'n8n-workflow';

import { type RequestLogEntry } from '../emulator';
import { syntheticPng } from '../emulator/png';
import type { NodeSpec } from '../harness';
import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { credentialsFor, fingerprint, storedBytes, visibleText, useNodeFixture } from './support';
import { policySignature } from '../support/signatures';

// Every operation against a Filestack application with security turned on: with the app secret in the credential
// each one succeeds, every request it makes being signed; without it, each one fails clearly, and no secret is
// ever shown.
const SECRET = 'secured-app-secret-do-not-show';
const APP: EmulatedApp = { apiKey: 'SECURED_APP_KEY', appSecret: SECRET };
const WITHOUT_SECRET: EmulatedApp = { apiKey: APP.apiKey };
const LOGO = syntheticPng(40, 20, 'logo');

const fixture = useNodeFixture({
	apps: [APP],
	faults: { videoPollsUntilDone: 1 },
	site: { '/logo.png': { type: 'image/png', body: LOGO } },
});
let photo: { handle: string; content: Buffer };

beforeAll(async () => {
	const content = syntheticPng(64, 64, 'photo');
	photo = {
		handle: (await fixture.seeder.store(APP, content, 'photo.png', 'image/png')).handle,
		content,
	};
});

/** A file of its own for an operation that changes or removes it. */
const freshFile = async () =>
	(await fixture.seeder.store(APP, randomBytes(2000), 'scratch.bin')).handle;

/** Whether a request to the emulator carries a policy and signature (the S3 part PUTs are presigned instead). */
function isSigned({ route, path, query, body }: RequestLogEntry): boolean {
	if (route === 'put') return true;
	const fields = (body ?? {}) as { policy?: unknown; tasks?: Array<{ name: string }> };
	return (
		(query.policy !== undefined && query.signature !== undefined) ||
		fields.policy !== undefined ||
		decodeURIComponent(path).includes('/security=p:') ||
		(fields.tasks?.some(({ name }) => name === 'security') ?? false)
	);
}

interface Case {
	operation: string;
	/** The Filestack node (and a source before it, if it needs input), built once the files it needs exist. */
	nodes: () => Promise<NodeSpec[]>;
	/** What the one output item must show. */
	check: (item: INodeExecutionData) => Promise<void>;
}

const expectBytes = async (actual: Buffer, expected: Buffer) =>
	expect(fingerprint(actual)).toEqual(fingerprint(expected));

const cases: Case[] = [
	{
		operation: 'file: upload',
		nodes: async () => [
			source([{ binary: { data: bytes(LOGO, 'logo.png', 'image/png') } }]),
			filestackNode({ resource: 'file', operation: 'upload' }),
		],
		check: async ({ json }) =>
			await expectBytes(await storedBytes(fixture.emulator, String(json.handle)), LOGO),
	},
	{
		operation: 'file: uploadFromUrl',
		nodes: async () => [
			filestackNode({
				resource: 'file',
				operation: 'uploadFromUrl',
				url: `${fixture.site.url}/logo.png`,
			}),
		],
		check: async ({ json }) =>
			await expectBytes(await storedBytes(fixture.emulator, String(json.handle)), LOGO),
	},
	{
		operation: 'file: download',
		nodes: async () => [
			filestackNode({ resource: 'file', operation: 'download', handle: photo.handle }),
		],
		check: async (item) => await expectBytes(await binaryBuffer(item), photo.content),
	},
	{
		operation: 'file: getMetadata',
		nodes: async () => [
			filestackNode({
				resource: 'file',
				operation: 'getMetadata',
				handle: photo.handle,
				attributes: ['size', 'exif'],
			}),
		],
		check: async ({ json }) =>
			expect(json).toEqual({ handle: photo.handle, size: photo.content.length, exif: {} }),
	},
	{
		operation: 'file: delete',
		nodes: async () => [
			filestackNode({ resource: 'file', operation: 'delete', handle: await freshFile() }),
		],
		check: async ({ json }) => expect(fixture.emulator.files.has(String(json.handle))).toBe(false),
	},
	{
		operation: 'file: overwrite',
		nodes: async () => [
			source([{ binary: { data: bytes(LOGO, 'logo.png', 'image/png') } }]),
			filestackNode({ resource: 'file', operation: 'overwrite', handle: await freshFile() }),
		],
		check: async ({ json }) =>
			await expectBytes(await storedBytes(fixture.emulator, String(json.handle)), LOGO),
	},
	...['getTags', 'checkSafeForWork', 'ocr'].map((operation) => ({
		operation: `file: ${operation}`,
		nodes: async () => [filestackNode({ resource: 'file', operation, handle: photo.handle })],
		check: async ({ json }: INodeExecutionData) =>
			expect(Object.keys(json).length).toBeGreaterThan(1),
	})),
	{
		operation: 'transformation: transform (URL)',
		nodes: async () => [
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle: photo.handle,
				tasks: { task: [{ name: 'flip' }] },
			}),
		],
		check: async ({ json }) => {
			// The URL is signed for reading and processing this one file.
			const response = await fetch(String(json.url));
			await expectBytes(Buffer.from(await response.arrayBuffer()), photo.content);
		},
	},
	{
		operation: 'transformation: transform (binary)',
		nodes: async () => [
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				handle: photo.handle,
				chainInput: 'text',
				taskChain: 'resize=width:10',
				output: 'binary',
			}),
		],
		check: async (item) => await expectBytes(await binaryBuffer(item), photo.content),
	},
	{
		operation: 'transformation: transform (store)',
		nodes: async () => [
			filestackNode({
				resource: 'transformation',
				operation: 'transform',
				sourceType: 'url',
				url: `${fixture.site.url}/logo.png`,
				chainInput: 'text',
				taskChain: 'flop',
				output: 'store',
			}),
		],
		check: async ({ json }) =>
			await expectBytes(await storedBytes(fixture.emulator, String(json.handle)), LOGO),
	},
	{
		operation: 'transformation: screenshot',
		nodes: async () => [
			filestackNode({
				resource: 'transformation',
				operation: 'screenshot',
				url: 'https://example.com/',
				screenshotOptions: { width: 100, height: 50 },
				output: 'binary',
			}),
		],
		check: async (item) =>
			await expectBytes(await binaryBuffer(item), syntheticPng(100, 50, 'https://example.com/')),
	},
	{
		operation: 'transformation: zip',
		nodes: async () => [
			filestackNode({
				resource: 'transformation',
				operation: 'zip',
				files: [photo.handle, await freshFile()],
				output: 'store',
			}),
		],
		check: async ({ json }) =>
			expect(json).toMatchObject({ filename: 'archive.zip', mimetype: 'application/zip' }),
	},
	{
		operation: 'audioVideo: convert',
		nodes: async () => [
			filestackNode({
				resource: 'audioVideo',
				operation: 'convert',
				handle: photo.handle,
				pollInterval: 0.1,
				downloadResult: true,
			}),
		],
		check: async (item) => {
			expect(item.json.status).toBe('completed');
			await expectBytes(await binaryBuffer(item), photo.content);
		},
	},
	{
		operation: 'audioVideo: getStatus',
		nodes: async () => [
			filestackNode({
				resource: 'audioVideo',
				operation: 'getStatus',
				statusUrl: `${fixture.emulator.url}/video_convert=preset:mp3/${photo.handle}`,
			}),
		],
		check: async ({ json }) => expect(json.status).toBe('started'),
	},
	{
		operation: 'security: createPolicy',
		nodes: async () => [
			filestackNode({ resource: 'security', operation: 'createPolicy', calls: ['read'] }),
		],
		check: async ({ json }) => {
			const query = new URLSearchParams({
				policy: String(json.policyBase64),
				signature: String(json.signature),
			});
			expect(
				(await fetch(`${fixture.emulator.url}/api/file/${photo.handle}?${query}`)).status,
			).toBe(200);
		},
	},
	{
		operation: 'security: signUrl',
		nodes: async () => [
			filestackNode({ resource: 'security', operation: 'signUrl', handle: photo.handle }),
		],
		check: async ({ json }) => expect((await fetch(String(json.url))).status).toBe(200),
	},
];

describe('with the app secret in the credential', () => {
	it.each(cases)('$operation succeeds, every request signed', async ({ nodes, check }) => {
		const first = fixture.emulator.requests.length;
		const run = await fixture.harness.run({ nodes: await nodes() });

		expect(run.error?.message).toBeUndefined();
		// (Building a URL, a policy or a signed URL sends nothing; the check uses what was made.)
		expect(fixture.emulator.requests.slice(first).filter((request) => !isSigned(request))).toEqual(
			[],
		);
		await check(run.output('Filestack')[0]);
		expect(visibleText(run)).not.toContain(SECRET);
	});
});

describe('without the app secret in the credential', () => {
	const needsSecret = cases.filter(({ operation }) =>
		/delete|overwrite|getTags|checkSafeForWork|ocr|createPolicy|signUrl/.test(operation),
	);

	it.each(needsSecret)(
		'$operation refuses before sending anything, asking for the app secret',
		async ({ nodes }) => {
			const specs = await nodes();
			const first = fixture.emulator.requests.length;
			const run = await fixture.harness.run(
				{ nodes: specs },
				{ credentials: credentialsFor(fixture.emulator, WITHOUT_SECRET) },
			);

			expect(run.status).toBe('error');
			const error = run.nodeError('Filestack');
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toMatch(/app secret.* \[item 0\]$/);
			expect(fixture.emulator.requests.length).toBe(first);
		},
	);

	const refusedByFilestack = cases.filter(({ operation }) =>
		/upload$|download|getMetadata|transform \(binary\)|convert/.test(operation),
	);

	it.each(refusedByFilestack)(
		"$operation fails with Filestack's refusal and a hint at the app secret",
		async ({ nodes }) => {
			const run = await fixture.harness.run(
				{ nodes: await nodes() },
				{ credentials: credentialsFor(fixture.emulator, WITHOUT_SECRET) },
			);

			const error = run.nodeError('Filestack');
			expect(error?.name).toBe('NodeApiError');
			expect(error?.message).toMatch(/failed with HTTP 403: .*policy.* \[item 0\]$/);
			expect(error?.description).toMatch(/app secret/);
		},
	);

	it('fails with a wrong app secret, which it never shows', async () => {
		const wrong = 'a-wrong-secret-also-hidden';
		const run = await fixture.harness.run(
			{ nodes: [filestackNode({ resource: 'file', operation: 'download', handle: photo.handle })] },
			{ credentials: credentialsFor(fixture.emulator, { apiKey: APP.apiKey, appSecret: wrong }) },
		);

		expect(run.nodeError('Filestack')?.message).toMatch(
			/HTTP 403: .*signature does not match the policy \(File → Download\) \[item 0\]$/,
		);
		expect(visibleText(run)).not.toContain(wrong);
		expect(visibleText(run)).not.toContain(SECRET);
	});
});

describe('Get Status signs only for the credential’s own CDN', () => {
	it('refuses a status URL on another host before sending anything, and shows nothing of that host', async () => {
		const hits: string[] = [];
		const foreign = createServer((req, res) => {
			hits.push(req.url ?? '');
			res.writeHead(500, { 'Content-Type': 'text/plain' }).end('FOREIGN BODY, never to be shown');
		});
		await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
		const { port } = foreign.address() as AddressInfo;
		try {
			const statusUrl = `http://127.0.0.1:${port}/video_convert=preset:h264/${photo.handle}`;
			const run = await fixture.harness.run({
				nodes: [filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl })],
			});

			const error = run.nodeError('Filestack');
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toBe(
				`Status URL "${statusUrl}" is not on this credential's Filestack CDN (${fixture.emulator.url}); only a status URL of this application's conversions can be checked (Audio/Video → Get Status) [item 0]`,
			);
			expect(hits).toEqual([]);
			expect(visibleText(run)).not.toContain('FOREIGN BODY');
		} finally {
			foreign.closeAllConnections();
			await new Promise<void>((resolve) => foreign.close(() => resolve()));
		}
	});

	it.each([
		[
			'a store ahead of the conversion',
			(key: string) => `${key}/store=location:s3/https://example.com/video_convert/x.png`,
		],
		['several handles', (key: string) => `${key}/video_convert/[${photo.handle},${photo.handle}]`],
		[
			'a task before video_convert',
			() => `resize=width:10/video_convert=preset:h264/${photo.handle}`,
		],
	])(
		'refuses a status URL with %s before sending anything: only one video_convert of one source is signed',
		async (_case, path) => {
			const statusUrl = `${fixture.emulator.url}/${path(APP.apiKey)}`;
			const sent = fixture.emulator.requests.length;
			const run = await fixture.harness.run({
				nodes: [filestackNode({ resource: 'audioVideo', operation: 'getStatus', statusUrl })],
			});

			expect(run.nodeError('Filestack')?.message).toMatch(
				/^Status URL ".*" is not a Filestack video_convert status URL \(.*\): .* \(Audio\/Video → Get Status\) \[item 0\]$/,
			);
			expect(fixture.emulator.requests.length).toBe(sent);
		},
	);
});

describe('a URL handed out is signed for what it reads only, for the lifetime asked', () => {
	/** The policy of a URL's security segment, once its signature is checked against the app secret. */
	function policyOf(url: unknown): Record<string, unknown> {
		const match = /\/security=p:([^,/]+),s:([0-9a-f]+)\//.exec(decodeURIComponent(String(url)));
		if (!match) throw new Error(`no security segment in ${String(url)}`);
		const [, policy, signature] = match;
		expect(signature).toBe(policySignature(SECRET, policy));
		return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<string, unknown>;
	}

	/** The policy expires `minutes` after it was signed, during the run that just ended. */
	function expectLifetime(policy: Record<string, unknown>, minutes: number): void {
		const now = Date.now() / 1000;
		expect(policy.expiry).toBeGreaterThan(now + minutes * 60 - 30);
		expect(policy.expiry).toBeLessThanOrEqual(now + minutes * 60);
	}

	it('Transform of a URL: the URL is signed for that URL only, for 15 minutes by default', async () => {
		const page = `${fixture.site.url}/logo.png`;
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					sourceType: 'url',
					url: page,
					chainInput: 'text',
					taskChain: 'flip',
				}),
			],
		});

		const { url } = run.output('Filestack')[0].json;
		const policy = policyOf(url);
		expect(policy).toEqual({
			call: ['read', 'convert'],
			url: `^(?:${page.replace(/\./g, '\\.')})$`,
			expiry: expect.any(Number),
		});
		expectLifetime(policy, 15);
		expect((await fetch(String(url))).status).toBe(200);
		const elsewhere = await fetch(String(url).replace(page, `${fixture.site.url}/other.png`));
		expect(elsewhere.status).toBe(403);
	});

	it('Screenshot: the URL is signed for that page only', async () => {
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'screenshot',
					url: 'https://example.com/',
					urlLifetime: 60,
				}),
			],
		});

		const policy = policyOf(run.output('Filestack')[0].json.url);
		expect(policy).toEqual({
			call: ['read', 'convert'],
			url: '^(?:https://example\\.com/)$',
			expiry: expect.any(Number),
		});
		expectLifetime(policy, 60);
	});

	it('URL Lifetime longer than a week is refused, naming the parameter, and no URL is handed out', async () => {
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'zip',
					files: [photo.handle, await freshFile()],
					urlLifetime: 7 * 24 * 60 + 1,
				}),
			],
		});

		expect(run.nodeError('Filestack')?.message).toBe(
			'URL Lifetime (Minutes) must be a whole number from 1 to 10080 (got 10081) (Transformation → Zip) [item 0]',
		);
		expect(visibleText(run)).not.toContain('security=');
	});

	it('Transform of a stored file: the URL reads that file only, for the lifetime asked', async () => {
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					handle: photo.handle,
					chainInput: 'text',
					taskChain: 'flip',
					urlLifetime: 5,
				}),
			],
		});

		const policy = policyOf(run.output('Filestack')[0].json.url);
		expect(policy).toEqual({
			call: ['read', 'convert'],
			handle: photo.handle,
			expiry: expect.any(Number),
		});
		expectLifetime(policy, 5);
	});

	it('Zip of several stored files: no handle can be named, so the lifetime asked is all that limits it', async () => {
		const other = await freshFile();
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'zip',
					files: [photo.handle, other],
					urlLifetime: 120,
				}),
			],
		});

		const { url } = run.output('Filestack')[0].json;
		const policy = policyOf(url);
		expect(policy).toEqual({ call: ['read', 'convert'], expiry: expect.any(Number) });
		expectLifetime(policy, 120);
		expect((await fetch(String(url))).status).toBe(200);
	});

	it('Zip of a stored file and a URL: the URL is signed for that file and that URL', async () => {
		const page = `${fixture.site.url}/logo.png`;
		const run = await fixture.harness.run({
			nodes: [
				filestackNode({
					resource: 'transformation',
					operation: 'zip',
					files: [photo.handle, page],
				}),
			],
		});

		const { url } = run.output('Filestack')[0].json;
		const policy = policyOf(url);
		expect(policy).toEqual({
			call: ['read', 'convert'],
			handle: photo.handle,
			url: `^(?:${page.replace(/\./g, '\\.')})$`,
			expiry: expect.any(Number),
		});
		expectLifetime(policy, 15);
		expect((await fetch(String(url))).status).toBe(200);
	});
});
