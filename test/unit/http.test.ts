import nock from 'nock';

import {
	FilestackApiError,
	FilestackNetworkError,
	FilestackUnknownOutcomeError,
} from '../../nodes/Filestack/sdk/errors';
import { Http } from '../../nodes/Filestack/sdk/http';
import { backoffDelay, DEFAULT_RETRY, retryAfterMs } from '../../nodes/Filestack/sdk/retry';
import { nodeTransport } from '../harness/nodeTransport';

const ORIGIN = 'http://filestack.test';
const policy = { ...DEFAULT_RETRY, attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const networkError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('Http: retries and errors', () => {
	let waits: number[];
	let http: Http;
	let transport: ReturnType<typeof nodeTransport>;

	beforeAll(() => {
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
	});
	afterAll(() => nock.restore());
	beforeEach(() => {
		waits = [];
		transport = nodeTransport({ sleep: async (ms) => void waits.push(ms) });
		http = new Http(transport, policy, () => 0.5);
	});
	afterEach(() => {
		transport.close();
		nock.cleanAll();
	});

	it('retries 5xx with growing jittered backoff and returns the first success', async () => {
		nock(ORIGIN)
			.post('/start')
			.reply(503, 'busy')
			.post('/start')
			.reply(502)
			.post('/start')
			.reply(200, { ok: true });
		const body = await http.json('Start', {
			method: 'POST',
			url: `${ORIGIN}/start`,
			json: {},
			idempotent: true,
		});
		expect(body).toEqual({ ok: true });
		expect(waits).toEqual([75, 150]);
	});

	it('takes a redirect as a failure at once, naming only the origin it points to', async () => {
		nock(ORIGIN)
			.get('/api/file/H')
			.query(true)
			.reply(302, 'moved', { Location: 'https://storage.test/bucket/H?X-Amz-Signature=abc' });
		const failure = http.send('Download of H', {
			method: 'GET',
			url: `${ORIGIN}/api/file/H`,
			query: { policy: 'eyJ9', signature: 'abc' },
			responseType: 'stream',
		});
		await expect(failure).rejects.toThrow(FilestackApiError);
		await expect(failure).rejects.toThrow(
			'Download of H failed with HTTP 302: redirected to https://storage.test, which is not followed: the credential goes only to the Filestack addresses it names',
		);
		expect(waits).toEqual([]);
		expect(nock.isDone()).toBe(true);
	});

	it('honours Retry-After on 429 when it asks for more than the backoff', async () => {
		nock(ORIGIN).get('/x').reply(429, '', { 'Retry-After': '3' }).get('/x').reply(200, {});
		await http.json('X', { method: 'GET', url: `${ORIGIN}/x` });
		expect(waits).toEqual([3_000]);
	});

	it('after a 429, holds back every request of the client (of the same Http or one made by withRetry) for one shared pause', async () => {
		const pauses: Array<{ ms: number; end: () => void }> = [];
		const throttled = new Http(
			nodeTransport({
				sleep: async (ms) => await new Promise<void>((end) => pauses.push({ ms, end })),
			}),
			policy,
			() => 0.5,
		);
		const arrived: string[] = [];
		const scope = nock(ORIGIN)
			.get('/a')
			.reply(429, '', { 'Retry-After': '3' })
			.get('/a')
			.reply(200, () => (arrived.push('a'), {}))
			.get('/b')
			.reply(200, () => (arrived.push('b'), {}));
		const first = throttled.json('A', { method: 'GET', url: `${ORIGIN}/a` });
		while (pauses.length === 0) await new Promise((resolve) => setImmediate(resolve));
		const second = throttled
			.withRetry({ attempts: 15 })
			.json('B', { method: 'GET', url: `${ORIGIN}/b` });
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(arrived).toEqual([]);
		expect(pauses.map((pause) => pause.ms)).toEqual([3_000]);

		pauses[0].end();
		await expect(Promise.all([first, second])).resolves.toEqual([{}, {}]);
		expect(arrived.sort()).toEqual(['a', 'b']);
		expect(pauses).toHaveLength(1);
		expect(scope.isDone()).toBe(true);
	});

	it('retries network errors', async () => {
		nock(ORIGIN).get('/x').replyWithError('socket hang up').get('/x').reply(200, {});
		await expect(http.json('X', { method: 'GET', url: `${ORIGIN}/x` })).resolves.toEqual({});
		expect(waits).toHaveLength(1);
	});

	it('gives up after the last try with the cause', async () => {
		nock(ORIGIN).get('/x').times(4).replyWithError('connect refused');
		const failure = http.json('Metadata', { method: 'GET', url: `${ORIGIN}/x` });
		await expect(failure).rejects.toBeInstanceOf(FilestackNetworkError);
		await expect(failure).rejects.toThrow(/^Metadata failed after 4 tries: connect refused/);
		expect(waits).toHaveLength(3);
	});

	it("never retries other 4xx, and reports Filestack's error text and correlation id", async () => {
		nock(ORIGIN)
			.post('/multipart/start')
			.reply(403, { error: 'Invalid App policy', c: 'c0ffee-42', i: 'UPL-eu-w-1-10', t: 1 });
		const failure = http.json('Multipart start', {
			method: 'POST',
			url: `${ORIGIN}/multipart/start`,
			json: {},
		});
		await expect(failure).rejects.toMatchObject({
			status: 403,
			detail: 'Invalid App policy',
			correlationId: 'c0ffee-42',
		});
		await expect(failure).rejects.toThrow(
			'Multipart start failed with HTTP 403: Invalid App policy (correlation id c0ffee-42)',
		);
		expect(waits).toEqual([]);
	});

	it('reads S3 XML errors', async () => {
		nock(ORIGIN)
			.put('/part')
			.reply(
				400,
				'<Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match</Message></Error>',
			);
		await expect(
			http.send('Part 1', { method: 'PUT', url: `${ORIGIN}/part`, body: 'x' }),
		).rejects.toThrow(
			'Part 1 failed with HTTP 400: BadDigest: The Content-MD5 you specified did not match',
		);
	});

	it('reads the error text of a streamed response', async () => {
		nock(ORIGIN).get('/h').reply(404, { error: 'File not found' });
		const failure = http.send('Download of h', {
			method: 'GET',
			url: `${ORIGIN}/h`,
			responseType: 'stream',
		});
		await expect(failure).rejects.toBeInstanceOf(FilestackApiError);
		await expect(failure).rejects.toThrow('Download of h failed with HTTP 404: File not found');
	});

	it('treats a success that is not JSON (a legacy error answered with 200) as a failure', async () => {
		nock(ORIGIN).get('/m').times(4).reply(200, 'Invalid Application');
		await expect(http.json('Metadata', { method: 'GET', url: `${ORIGIN}/m` })).rejects.toThrow(
			/unexpected response: Invalid Application/,
		);
	});

	it('rebuilds a request given as a function for each try', async () => {
		let built = 0;
		nock(ORIGIN).post('/o', 'first').reply(500).post('/o', 'second').reply(200, 'done');
		const response = await http.send('Overwrite', async () => ({
			method: 'POST',
			url: `${ORIGIN}/o`,
			idempotent: true,
			body: ++built === 1 ? 'first' : 'second',
			responseType: 'text',
		}));
		expect(response.body).toBe('done');
		expect(built).toBe(2);
	});

	describe('a request that is not idempotent (a POST unless marked)', () => {
		const store = () =>
			http.json('Store', { method: 'POST', url: `${ORIGIN}/store`, outcomeCheck: 'Look for it.' });

		it('is tried again after a refusal: 429, 503, a refused connection, an unknown host', async () => {
			nock(ORIGIN)
				.post('/store')
				.reply(429)
				.post('/store')
				.reply(503)
				.post('/store')
				.replyWithError(networkError('connect ECONNREFUSED', 'ECONNREFUSED'))
				.post('/store')
				.replyWithError(networkError('getaddrinfo ENOTFOUND', 'ENOTFOUND'))
				.post('/store')
				.reply(200, { url: 'u' });
			const patient = new Http(transport, { ...policy, attempts: 5 }, () => 0.5);
			await expect(
				patient.json('Store', { method: 'POST', url: `${ORIGIN}/store` }),
			).resolves.toEqual({ url: 'u' });
			expect(waits).toHaveLength(4);
		});

		it.each([
			[
				'no answer',
				() => nock(ORIGIN).post('/store').replyWithError('socket hang up'),
				/no answer came back \(socket hang up\)/,
			],
			[
				'a 504',
				() => nock(ORIGIN).post('/store').reply(504, 'Gateway Timeout'),
				/the answer was lost on the way \(Store failed with HTTP 504: Gateway Timeout\)/,
			],
			[
				'an unreadable success',
				() => nock(ORIGIN).post('/store').reply(200, '{"url": "ht'),
				/its answer could not be read/,
			],
		])(
			'fails after %s, once, saying the outcome is unknown and what to check',
			async (_label, reply, cause) => {
				const scope = reply();
				const failure = store();
				await expect(failure).rejects.toBeInstanceOf(FilestackUnknownOutcomeError);
				await expect(failure).rejects.toThrow(cause);
				await expect(failure).rejects.toThrow(/Whether it took effect is unknown.* Look for it\.$/);
				expect(scope.isDone()).toBe(true);
				expect(waits).toEqual([]);
			},
		);
	});

	it('a legacy error answered 200 with a text fails a POST at once, as an error of Filestack', async () => {
		const scope = nock(ORIGIN).post('/store').reply(200, 'Invalid Application');
		const failure = http.json('Store', { method: 'POST', url: `${ORIGIN}/store` });
		await expect(failure).rejects.toBeInstanceOf(FilestackApiError);
		await expect(failure).rejects.toThrow(
			'Store failed with HTTP 200: unexpected response: Invalid Application',
		);
		expect(scope.isDone()).toBe(true);
		expect(waits).toEqual([]);
	});

	it('a DELETE answered 404 after a try that got no answer is done; a 404 at first is not', async () => {
		nock(ORIGIN).delete('/f').replyWithError('socket hang up').delete('/f').reply(404, 'gone');
		await expect(
			http.send('Delete', { method: 'DELETE', url: `${ORIGIN}/f` }),
		).resolves.toMatchObject({
			status: 404,
		});
		nock(ORIGIN).delete('/f').reply(404, 'File not found');
		await expect(http.send('Delete', { method: 'DELETE', url: `${ORIGIN}/f` })).rejects.toThrow(
			'Delete failed with HTTP 404: File not found',
		);
	});

	it.each([
		['an unsupported protocol', 'ftp://filestack.test/x', /Protocol "ftp:" not supported/],
		['an invalid URL', 'http://[::1/x', /Invalid URL/],
	])('%s fails at once', async (_label, url, cause) => {
		await expect(http.send('X', { method: 'GET', url })).rejects.toThrow(cause);
		expect(waits).toEqual([]);
	});
});

describe('retry arithmetic', () => {
	it('doubles each step up to the maximum, half of it random', () => {
		const steps = [1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1));
		expect(steps).toEqual([100, 200, 400, 800, 1000]);
		expect(backoffDelay(policy, 3, () => 0)).toBe(200);
	});

	it('reads Retry-After as seconds or as a date', () => {
		expect(retryAfterMs('2', 0)).toBe(2000);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
		expect(retryAfterMs('soon', 0)).toBeUndefined();
		expect(retryAfterMs(undefined, 0)).toBeUndefined();
	});
});
