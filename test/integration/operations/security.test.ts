import { Readable } from 'stream';

import type { Client } from '../../../nodes/Filestack/sdk/client';
import { FilestackApiError, FilestackValidationError } from '../../../nodes/Filestack/sdk/errors';
import { Security } from '../../../nodes/Filestack/sdk/security';
import type { StoredFile } from '../../../nodes/Filestack/sdk/storedFile';
import { policySignature } from '../../support/signatures';
import { pathsRequested } from '../../support/site';
import {
	PHOTO_PNG,
	OPEN,
	SECURED,
	SECRET,
	WRONG_SECRET,
	REMOTE_URL,
	emulator,
	site,
	clientFor,
	readAll,
	uploadBytes,
	downloadBytes,
	requestsSince,
	storedContent,
	type Credentials,
	inPath,
	expectSigning,
	inAMinute,
	useEmulatorAndSite,
	client,
	useClient,
	describeSignedOnly,
	photo,
} from './support';

// Security: what each call sends with and without the app secret, what a wrong or missing secret gets, and
// policies limited to the files and URLs a call reads.

useEmulatorAndSite();

describeSignedOnly(() => {
	it("a signed URL with a Security of the caller's making opens the file, and a transformation of it", async () => {
		const security = client.signOwnPolicy(
			(secret) =>
				new Security({ expiry: inAMinute(), call: ['read'], handle: photo.handle }, secret),
		);
		const url = client.filelink(photo.handle).transform().url(security);

		expect(url).toBe(
			`${emulator.url}/security=p:${security.policyB64},s:${security.signature}/${photo.handle}`,
		);
		expectSigning(true, inPath(new URL(url).pathname), ['read'], photo.handle);
		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(Buffer.from(await response.arrayBuffer())).toEqual(PHOTO_PNG);

		const resized = client
			.filelink(photo.handle)
			.transform()
			.add({ name: 'resize', params: { width: 32 } })
			.url(security);
		expect((await fetch(resized)).status).toBe(200);
	});
});

/** A file and a second one, uploaded by a client with the right secret, for the calls below to act on. */
interface Fixture {
	file: StoredFile;
	other: StoredFile;
}

/** Every SDK operation; `needsSecret`: refused by the SDK itself when the credential has no app secret. */
const operations: Array<
	[name: string, needsSecret: boolean, run: (client: Client, fixture: Fixture) => Promise<unknown>]
> = [
	[
		'upload',
		false,
		async (client) => await uploadBytes(client, Buffer.from('new'), 'new.txt', 'text/plain'),
	],
	[
		'upload from a loopback URL',
		false,
		async (client) => await client.uploadFromUrl(`${site.url}/report.csv`),
	],
	['upload from a remote URL', false, async (client) => await client.uploadFromUrl(REMOTE_URL)],
	['download', false, async (client, { file }) => await downloadBytes(client, file.handle)],
	['metadata', false, async (client, { file }) => await client.filelink(file.handle).metadata()],
	[
		'metadata with md5',
		false,
		async (client, { file }) => await client.filelink(file.handle).metadata(['md5']),
	],
	[
		'transformation download',
		false,
		async (client, { file }) =>
			await readAll(
				(
					await client
						.filelink(file.handle)
						.transform()
						.add({ name: 'resize', params: { width: 100 } })
						.download()
				).stream,
			),
	],
	[
		'transformation store',
		false,
		async (client, { file }) =>
			await client
				.filelink(file.handle)
				.transform()
				.add({ name: 'resize', params: { width: 100 } })
				.store(),
	],
	[
		'screenshot',
		false,
		async (client) =>
			await readAll(
				(await client.screenshot('https://www.example.com/', { width: 800 }).download()).stream,
			),
	],
	[
		'zip',
		false,
		async (client, { file, other }) =>
			await readAll((await client.zip([file.handle, other.handle]).download()).stream),
	],
	['delete', true, async (client, { file }) => await client.filelink(file.handle).delete()],
	[
		'overwrite from a stream',
		true,
		async (client, { file }) =>
			await client
				.filelink(file.handle)
				.overwrite({ size: 3, open: async () => Readable.from([Buffer.from('new')]) }),
	],
	[
		'overwrite from a URL',
		true,
		async (client, { file }) =>
			await client.filelink(file.handle).overwrite({ url: `${site.url}/report.csv` }),
	],
	['tags', true, async (client, { file }) => await client.filelink(file.handle).tags()],
	['sfw', true, async (client, { file }) => await client.filelink(file.handle).sfw()],
	['ocr', true, async (client, { file }) => await client.filelink(file.handle).ocr()],
	[
		'signed URL of a custom Security',
		true,
		async (client, { file }) => {
			const security = client.signOwnPolicy(
				(secret) => new Security({ expiry: inAMinute(), call: ['read'] }, secret),
			);
			return await client.http.send('Signed URL', {
				method: 'GET',
				url: client.filelink(file.handle).transform().url(security),
			});
		},
	],
];

async function makeFixture(): Promise<Fixture> {
	const client = clientFor(SECURED, SECRET);
	return {
		file: await uploadBytes(client, Buffer.from('first file\n'), 'first.txt', 'text/plain'),
		other: await uploadBytes(client, Buffer.from('second file\n'), 'second.txt', 'text/plain'),
	};
}

describe('security enforced, with a wrong app secret', () => {
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	it.each(operations)(
		"%s is refused with 403 and the emulator's reason, changing nothing",
		async (_name, _needsSecret, run) => {
			const before = await storedContent();
			const mark = emulator.requests.length;
			const outcome = run(clientFor(SECURED, WRONG_SECRET), fixture);

			await expect(outcome).rejects.toBeInstanceOf(FilestackApiError);
			await expect(outcome).rejects.toMatchObject({
				status: 403,
				message: expect.stringMatching(
					/ failed with HTTP 403: .*signature does not match the policy/,
				),
			});
			await expect(outcome).rejects.toMatchObject({
				message: expect.not.stringContaining(WRONG_SECRET),
			});
			expect(requestsSince(mark)).toHaveLength(1); // a refusal is not retried
			expect(await storedContent()).toEqual(before);
			expect(pathsRequested(site)).toEqual([]);
		},
	);
});

describe.each([
	['no security', OPEN],
	['security enforced', SECURED],
])('%s, without an app secret', (label, apiKey) => {
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	it.each(operations.filter(([, needsSecret]) => needsSecret))(
		'%s is refused before any request, naming the app secret',
		async (_name, _needsSecret, run) => {
			const mark = emulator.requests.length;
			const outcome = run(clientFor(apiKey), fixture);

			await expect(outcome).rejects.toBeInstanceOf(FilestackValidationError);
			await expect(outcome).rejects.toThrow(/needs .*the app secret of your Filestack application/);
			expect(requestsSince(mark)).toEqual([]);
		},
	);

	if (label === 'security enforced') {
		it.each(operations.filter(([, needsSecret]) => !needsSecret))(
			'%s is refused by Filestack with 403: credentials not provided',
			async (_name, _needsSecret, run) => {
				const before = await storedContent();
				const mark = emulator.requests.length;
				const outcome = run(clientFor(apiKey), fixture);

				await expect(outcome).rejects.toBeInstanceOf(FilestackApiError);
				await expect(outcome).rejects.toMatchObject({
					status: 403,
					message: expect.stringMatching(
						/ failed with HTTP 403: .*policy.*proper credentials were not provided/,
					),
				});
				expect(requestsSince(mark)).toHaveLength(1);
				expect(await storedContent()).toEqual(before);
			},
		);
	}
});

describe('least privilege: a policy for one handle does not open another', () => {
	useClient(SECURED, SECRET);
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	it('a read policy of one file reads it, and not the other', async () => {
		const { file, other } = fixture;
		const security = client.signOwnPolicy(
			(secret) =>
				new Security({ expiry: inAMinute(), call: ['read'], handle: file.handle }, secret),
		);

		expect((await fetch(client.filelink(file.handle).transform().url(security))).status).toBe(200);
		const refused = await fetch(client.filelink(other.handle).transform().url(security));
		expect(refused.status).toBe(403);
		expect(await refused.text()).toBe(
			`application [${SECURED}] policy error: policy is for another handle than ${other.handle}`,
		);
	});

	it("the SDK's own signed URL of one file, pointed at another, is refused", async () => {
		const { file, other } = fixture;
		const signedForFile = client.filelink(file.handle).url();
		const refused = await fetch(
			signedForFile.replace(new RegExp(`/${file.handle}$`), `/${other.handle}`),
		);
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain(`policy is for another handle than ${other.handle}`);
	});

	it('a delete policy of one file cannot delete another, and a read policy cannot delete at all', async () => {
		const { file, other } = fixture;
		const deleteFile = client.policyFor(['remove'], { handle: file.handle }) as Security;
		const readOther = client.policyFor(['read'], { handle: other.handle }) as Security;
		const attempt = async (handle: string, security: Security) =>
			await fetch(
				`${emulator.url}/api/file/${handle}?${new URLSearchParams({ key: SECURED, ...security.toParams() }).toString()}`,
				{
					method: 'DELETE',
				},
			);

		const wrongHandle = await attempt(other.handle, deleteFile);
		expect(wrongHandle.status).toBe(403);
		expect(await wrongHandle.text()).toContain(`policy is for another handle than ${other.handle}`);
		const wrongCall = await attempt(other.handle, readOther);
		expect(wrongCall.status).toBe(403);
		expect(await wrongCall.text()).toContain('policy does not allow the "remove" call');
		expect(emulator.files.has(other.handle)).toBe(true);
	});
});

describe('least privilege: a chain is signed for every file it reads, and only those', () => {
	useClient(SECURED, SECRET);
	let fixture: Fixture;
	beforeEach(async () => {
		fixture = await makeFixture();
	});

	/** The policy of the one request since `mark`, as the server received it. */
	function receivedPolicy(mark: number): Record<string, unknown> {
		const [request] = requestsSince(mark);
		const { policy, signature } = inPath(request.path) as Required<Credentials>;
		expect(signature).toBe(policySignature(SECRET, policy));
		return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<string, unknown>;
	}

	it.each([
		['a watermark', (other: string) => ({ name: 'watermark', params: { file: other } })],
		[
			'a collage',
			(other: string) => ({ name: 'collage', params: { files: [other], width: 10, height: 10 } }),
		],
		['a fallback', (other: string) => ({ name: 'fallback', params: { handle: other } })],
	])(
		'%s of another stored file is served: its policy names no handle, since one policy names only one',
		async (_, task) => {
			const { file, other } = fixture;
			const mark = emulator.requests.length;
			const result = await client
				.filelink(file.handle)
				.transform()
				.add(task(other.handle))
				.download();

			expect(await readAll(result.stream)).toEqual(Buffer.from('first file\n'));
			const policy = receivedPolicy(mark);
			expect(policy).toEqual({ call: ['read', 'convert'], expiry: expect.any(Number) });
		},
	);

	it('a video conversion with another stored file as its watermark starts, and each poll is signed for both', async () => {
		const { file, other } = fixture;
		const mark = emulator.requests.length;
		const conversion = await client
			.filelink(file.handle)
			.transform()
			.videoConvert({ preset: 'h264', watermark_url: other.handle });

		expect(conversion.lastStatus?.status).toBe('started');
		expect(receivedPolicy(mark)).toEqual({
			call: ['read', 'convert', 'store'],
			expiry: expect.any(Number),
		});
	});

	it('a watermark from a URL: the policy names the handle and that URL, and opens no other URL', async () => {
		const { file } = fixture;
		const mark = emulator.requests.length;
		const chain = client
			.filelink(file.handle)
			.transform()
			.add({ name: 'watermark', params: { file: REMOTE_URL } });
		await readAll((await chain.download()).stream);

		expect(receivedPolicy(mark)).toEqual({
			call: ['read', 'convert'],
			expiry: expect.any(Number),
			handle: file.handle,
			url: '^(?:https://files\\.example\\.com/notes/readme\\.txt)$',
		});
		const elsewhere = await fetch(
			chain.url().replace(encodeURI(REMOTE_URL), 'https://files.example.com/notes/secret.txt'),
		);
		expect(elsewhere.status).toBe(403);
		expect(await elsewhere.text()).toContain(
			'policy url does not allow https://files.example.com/notes/secret.txt',
		);
	});

	it('a URL of an external source reads that URL only: pointed at another, it is refused', async () => {
		const shared = client.transformation({ url: REMOTE_URL }).add({ name: 'flip' }).url();
		expect((await fetch(shared)).status).toBe(200);

		const other = await fetch(shared.replace(REMOTE_URL, 'https://files.example.com/other.txt'));
		expect(other.status).toBe(403);
		expect(await other.text()).toContain(
			'policy url does not allow https://files.example.com/other.txt',
		);
	});
});
