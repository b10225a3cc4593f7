import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { nodeTransport } from '../harness/nodeTransport';

/** The test harness's Node transport, which the upload tests and the benchmark stand on, over real loopback HTTP. */
describe('nodeTransport', () => {
	let server: http.Server;
	let origin: string;
	let handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
	const transport = nodeTransport();

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => handler(req, res, Buffer.concat(chunks)));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		transport.close();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	test('sends JSON and a query, reads JSON, and gives header names in lower case', async () => {
		handler = (req, res, body) => {
			res.setHeader('X-Echo', req.headers['content-type'] ?? '');
			res.end(JSON.stringify({ url: req.url, body: JSON.parse(body.toString()) }));
		};
		const response = await transport.request({
			method: 'POST',
			url: `${origin}/p?a=1`,
			query: { b: '2' },
			json: { x: 1 },
			responseType: 'json',
		});
		expect(response).toMatchObject({ status: 200, body: { url: '/p?a=1&b=2', body: { x: 1 } } });
		expect(response.headers['x-echo']).toBe('application/json');
	});

	test('any status is a response; text stays text', async () => {
		handler = (_req, res) => {
			res.statusCode = 503;
			res.end('busy');
		};
		await expect(
			transport.request({ method: 'GET', url: origin, responseType: 'json' }),
		).resolves.toMatchObject({
			status: 503,
			body: 'busy',
		});
	});

	test('a view into a bigger buffer sends only its own bytes, with its length', async () => {
		handler = (req, res, body) => res.end(`${req.headers['content-length']}:${body.toString()}`);
		const whole = Buffer.from('0123456789');
		const response = await transport.request({
			method: 'PUT',
			url: origin,
			body: new Uint8Array(whole.buffer, whole.byteOffset + 3, 4),
			responseType: 'text',
		});
		expect(response.body).toBe('4:3456');
	});

	test('streams a body given as an async iterable', async () => {
		handler = (req, res, body) =>
			res.end(`${req.headers['content-length']}:${createHash('md5').update(body).digest('hex')}`);
		const pieces = [Buffer.alloc(70_000, 1), Buffer.alloc(5, 2)];
		const response = await transport.request({
			method: 'PUT',
			url: origin,
			headers: { 'Content-Length': '70005' },
			body: (async function* () {
				yield* pieces;
			})(),
			responseType: 'text',
		});
		expect(response.body).toBe(
			`70005:${createHash('md5').update(Buffer.concat(pieces)).digest('hex')}`,
		);
	});

	test('a stream response is handed over unread', async () => {
		handler = (_req, res) => res.end('abc');
		const response = await transport.request({
			method: 'GET',
			url: origin,
			responseType: 'stream',
		});
		const chunks: Buffer[] = [];
		for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
		expect(Buffer.concat(chunks).toString()).toBe('abc');
	});

	test('a silent server past the timeout is a rejection', async () => {
		handler = () => undefined;
		await expect(transport.request({ method: 'GET', url: origin, timeoutMs: 100 })).rejects.toThrow(
			'no data for 100 ms',
		);
	});

	test('a body cut off before its declared length is a rejection, not a short success', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Length': '100' });
			res.write('{"partial":');
			setTimeout(() => res.destroy(), 20);
		};
		await expect(
			transport.request({ method: 'GET', url: origin, responseType: 'json' }),
		).rejects.toThrow();
	});
});
