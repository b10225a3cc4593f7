import nock from 'nock';

import { Client } from '../../nodes/Filestack/sdk/client';
import { resolveEndpoints } from '../../nodes/Filestack/sdk/endpoints';
import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { nodeTransport } from '../harness/nodeTransport';
import { policySignature } from '../support/signatures';

const ORIGIN = 'http://filestack.test';
const SECRET = 'app-secret-for-tests';
const HANDLE = 'AbCdEfGhIjKlMnOpQrSt';

interface SignedRequest {
	policy: Record<string, unknown>;
	signature: string;
	policyB64: string;
}

/** Decodes a policy the way Filestack checks it: the signature over the base64 text, then the JSON inside. */
function readPolicy(policyB64: string, signature: string): SignedRequest {
	const json = Buffer.from(policyB64.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
		'utf8',
	);
	return { policy: JSON.parse(json) as Record<string, unknown>, signature, policyB64 };
}

function fromPath(path: string): SignedRequest {
	const match = /security=p:([^,/]+),s:([0-9a-f]+)/.exec(decodeURIComponent(path));
	if (!match) throw new Error(`no security segment in ${path}`);
	return readPolicy(match[1], match[2]);
}

function expectLeastPrivilege(
	signed: SignedRequest,
	calls: string[],
	handle?: string,
	url?: string,
) {
	const expected = policySignature(SECRET, signed.policyB64);
	expect(signed.signature).toBe(expected);
	expect(signed.policy.call).toEqual(calls);
	expect(signed.policy.handle).toBe(handle);
	expect(signed.policy.url).toBe(url);
	const now = Date.now() / 1000;
	expect(signed.policy.expiry as number).toBeGreaterThan(now);
	expect(signed.policy.expiry as number).toBeLessThanOrEqual(now + 5 * 60 + 1);
}

/** Answers the next `method` request to ORIGIN, whatever its path, with `reply`; then gives the path it asked for. */
function answerAnyPath(method: 'GET' | 'POST', reply: nock.ReplyFnResult): () => string {
	let path = '';
	nock(ORIGIN)
		.intercept(/.*/, method)
		.reply(function (uri) {
			path = uri;
			return reply;
		});
	return () => path;
}

describe('Client: every request with an app secret carries a valid, unexpired, least-privilege policy', () => {
	let transport: ReturnType<typeof nodeTransport>;
	let client: Client;

	beforeAll(() => {
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
	});
	afterAll(() => nock.restore());
	beforeEach(() => {
		transport = nodeTransport({ sleep: async () => {} });
		const endpoints = resolveEndpoints({
			endpoints: 'customUrls',
			uploadUrl: ORIGIN,
			cdnUrl: ORIGIN,
			apiUrl: `${ORIGIN}/api`,
		});
		client = new Client({ apiKey: 'KEY', appSecret: SECRET, endpoints, transport });
	});
	afterEach(() => {
		transport.close();
		expect(nock.isDone()).toBe(true);
		nock.cleanAll();
	});

	it('download: read, on that handle', async () => {
		const path = answerAnyPath('GET', [
			200,
			'bytes',
			{
				'content-type': 'text/plain',
				'content-length': '5',
				'content-disposition': 'attachment; filename="a.txt"',
			},
		]);
		const file = await client.filelink(HANDLE).download();
		expect(path()).toMatch(new RegExp(`^/security=p:[^/]+/${HANDLE}$`));
		expectLeastPrivilege(fromPath(path()), ['read'], HANDLE);
		expect(file).toMatchObject({ filename: 'a.txt', mimetype: 'text/plain', size: 5 });
	});

	it('metadata: stat (and exif when asked), in the query', async () => {
		let query: Record<string, string> = {};
		nock(ORIGIN)
			.get(`/${HANDLE}/metadata`)
			.query((q) => ((query = q as Record<string, string>), true))
			.reply(200, { size: 5, exif: {} });
		await client.filelink(HANDLE).metadata(['size', 'exif']);
		expect(query).toMatchObject({ size: 'true', exif: 'true' });
		expectLeastPrivilege(readPolicy(query.policy, query.signature), ['stat', 'exif'], HANDLE);
	});

	it('delete: remove, with the API key', async () => {
		let query: Record<string, string> = {};
		nock(ORIGIN)
			.delete(`/api/file/${HANDLE}`)
			.query((q) => ((query = q as Record<string, string>), true))
			.reply(200, 'success');
		await client.filelink(HANDLE).delete();
		expect(query.key).toBe('KEY');
		expectLeastPrivilege(readPolicy(query.policy, query.signature), ['remove'], HANDLE);
	});

	it('overwrite from a URL: write, form-encoded', async () => {
		let query: Record<string, string> = {};
		nock(ORIGIN)
			.post(`/api/file/${HANDLE}`, 'url=https%3A%2F%2Fexample.com%2Fnew.png')
			.query((q) => ((query = q as Record<string, string>), true))
			.reply(200, { url: 'x', size: 3 });
		await client.filelink(HANDLE).overwrite({ url: 'https://example.com/new.png' });
		expect(query.base64decode).toBe('false');
		expectLeastPrivilege(readPolicy(query.policy, query.signature), ['write'], HANDLE);
	});

	it.each(['tags', 'sfw', 'ocr'] as const)(
		'%s: read and convert, task before the security segment',
		async (task) => {
			const path = answerAnyPath('GET', [200, { result: task }]);
			await expect(client.filelink(HANDLE)[task]()).resolves.toEqual({ result: task });
			expect(path()).toMatch(new RegExp(`^/${task}/security=p:[^/]+/${HANDLE}$`));
			expectLeastPrivilege(fromPath(path()), ['read', 'convert'], HANDLE);
		},
	);

	it('store of a transformation: read, convert and store, signed (unlike the Python SDK)', async () => {
		const path = answerAnyPath('POST', [
			200,
			{ url: `${ORIGIN}/NEWHANDLE0123456789x`, size: 9, type: 'image/png', filename: 'r.png' },
		]);
		const stored = await client
			.filelink(HANDLE)
			.transform()
			.add({ name: 'resize', params: { width: 100 } })
			.store();
		expect(path()).toMatch(new RegExp(`^/resize=width:100/store/security=p:[^/]+/${HANDLE}$`));
		expectLeastPrivilege(fromPath(path()), ['read', 'convert', 'store'], HANDLE);
		expect(stored).toMatchObject({
			handle: 'NEWHANDLE0123456789x',
			mimetype: 'image/png',
			size: 9,
		});
	});

	it('upload from URL: pick and store for that URL only, as the security task of /process', async () => {
		let body: { tasks: Array<{ name: string; params: Record<string, string> }> } = { tasks: [] };
		nock(ORIGIN)
			.post('/process', (b) => ((body = b as typeof body), true))
			.reply(200, { handle: 'H', url: `${ORIGIN}/H`, type: 'text/plain', size: 1 });
		await client.uploadFromUrl('https://example.com/a.txt', { path: 'in/' });
		expect(body.tasks[0]).toEqual({ name: 'store', params: { location: 's3', path: 'in/' } });
		expect(body.tasks[1].name).toBe('security');
		expectLeastPrivilege(
			readPolicy(body.tasks[1].params.policy, body.tasks[1].params.signature),
			['pick', 'store'],
			undefined,
			'^(?:https://example\\.com/a\\.txt)$',
		);
	});
});

describe('Client without an app secret', () => {
	const transport = nodeTransport();
	const endpoints = resolveEndpoints({ endpoints: 'cloud' });
	const client = new Client({ apiKey: 'KEY', endpoints, transport });
	afterAll(() => transport.close());

	it('builds unsigned URLs', () => {
		expect(client.filelink(HANDLE).url()).toBe(`https://cdn.filestackcontent.com/${HANDLE}`);
	});

	it.each([
		['delete', (c: Client) => c.filelink(HANDLE).delete()],
		['overwrite', (c: Client) => c.filelink(HANDLE).overwrite({ url: 'https://example.com' })],
		['tags', (c: Client) => c.filelink(HANDLE).tags()],
	])('refuses %s before any request, naming the missing app secret', async (_name, call) => {
		const failure = call(client);
		await expect(failure).rejects.toBeInstanceOf(FilestackValidationError);
		await expect(failure).rejects.toThrow(/app secret/);
	});

	it('refuses what is not a handle', () => {
		expect(() => client.filelink('not/a handle')).toThrow(/is not a Filestack handle/);
	});

	it('never shows the app secret when serialised', () => {
		const signed = new Client({ apiKey: 'KEY', appSecret: SECRET, endpoints, transport });
		expect(JSON.stringify(signed)).not.toContain(SECRET);
		expect(Object.values(signed).map(String).join()).not.toContain(SECRET);
	});
});
