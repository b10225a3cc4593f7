import { randomBytes } from 'crypto';

import { type Emulator, startEmulator } from '../../emulator';
import { type Json, postJson, multipartUpload, download, issuePartOne } from './requests';
import { MiB, KEY, emulator, describeEmulator, md5Base64, md5Hex } from './support';

// Injected faults: throttling, failures, cut connections, seeded draws and delays (test/emulator/faults.ts).

describeEmulator('fault injection', () => {
	it('throttles and fails API routes with the configured statuses', async () => {
		const start = { apikey: KEY, filename: 'f', size: 1 };
		emulator.faults.apiThrottleRate = 1;
		const throttled = await postJson(`${emulator.url}/multipart/start`, start);
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('1');
		emulator.faults.apiThrottleRate = 0;
		emulator.faults.apiFailureRate = 1;
		const failed = await postJson(`${emulator.url}/multipart/start`, start);
		expect(failed.status).toBe(503);
		expect(failed.json.i).toBe('UPL-emu-1');
		emulator.faults.apiFailureRate = 0;
		emulator.faults.failNext('start', 2, 502);
		expect((await postJson(`${emulator.url}/multipart/start`, start)).status).toBe(502);
		expect((await postJson(`${emulator.url}/multipart/start`, start)).status).toBe(502);
		expect((await postJson(`${emulator.url}/multipart/start`, start)).status).toBe(200);
	});

	it('cuts or fails PUTs without ever keeping a partial part', async () => {
		const data = randomBytes(2 * MiB);
		const { coordinates, url, headers } = await issuePartOne(
			{ filename: 'f', size: data.length },
			md5Base64(data),
		);
		const put = () => fetch(url, { method: 'PUT', headers, body: data });

		emulator.faults.putCutoffRate = 1;
		await expect(put()).rejects.toThrow();
		emulator.faults.putCutoffRate = 0;
		emulator.faults.putFailureRate = 1;
		const failed = await put();
		expect(failed.status).toBe(500);
		expect(await failed.text()).toContain('<Code>InternalError</Code>');
		emulator.faults.putFailureRate = 0;

		const complete = {
			...coordinates,
			filename: 'f',
			size: data.length,
			parts: [{ part_number: 1, etag: `"${md5Hex(data)}"` }],
		};
		expect((await postJson(`${emulator.url}/multipart/complete`, complete)).status).toBe(400);
		expect((await put()).status).toBe(200);
		const done = await postJson(`${emulator.url}/multipart/complete`, complete);
		expect(md5Hex((await download(done.json.url)).body)).toBe(md5Hex(data));
	});

	it('can drop the connection of a JSON route; the retried request then succeeds', async () => {
		emulator.faults.failNext('complete', 1, 'cutoff');
		const data = Buffer.from('retried');
		await expect(multipartUpload(emulator, data)).rejects.toThrow();
		const upload = emulator.requests.find((entry) => entry.route === 'complete')?.body as Json;
		const retried = await postJson(`${emulator.url}/multipart/complete`, upload);
		expect(retried.status).toBe(200);
		expect((await download(retried.json.url)).body.equals(data)).toBe(true);
	});

	it('draws faults from a seeded generator: the same seed gives the same sequence', async () => {
		const sequence = async (target: Emulator) => {
			target.faults.seed = 42;
			target.faults.apiFailureRate = 0.5;
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++)
				statuses.push((await fetch(`${target.url}/AAAAAAAAAAAAAAAAAAAA`)).status);
			return statuses;
		};
		const other = await startEmulator();
		try {
			const ours = await sequence(emulator);
			expect(ours).toEqual(await sequence(other));
			expect(ours).toContain(503);
			expect(ours).toContain(404);
		} finally {
			await other.close();
		}
	});

	it('delays every request by delayMs', async () => {
		emulator.faults.delayMs = 150;
		const began = Date.now();
		await fetch(`${emulator.url}/AAAAAAAAAAAAAAAAAAAA`);
		expect(Date.now() - began).toBeGreaterThanOrEqual(140);
	});

	it('holds every answer until answerAfterMs after its request arrived, handling the request meanwhile', async () => {
		const data = randomBytes(4 * MiB);
		const { url } = (await multipartUpload(emulator, data)).json as { url: string };
		const handle = new URL(url).pathname.slice(1);
		emulator.faults.answerAfterMs = 400;

		const began = Date.now();
		const stored = postJson(`${emulator.url}/flip/store/${handle}`, {});
		await new Promise((resolve) => setTimeout(resolve, 250));
		expect(emulator.files.size).toBe(2);
		expect((await stored).status).toBe(200);
		expect(Date.now() - began).toBeGreaterThanOrEqual(390);

		// A body bigger than the socket's buffers: the stream waits for the answer to leave, then flows to its end.
		const streamed = Date.now();
		const downloaded = await download(url);
		expect(Date.now() - streamed).toBeGreaterThanOrEqual(390);
		expect(md5Hex(downloaded.body)).toBe(md5Hex(data));
	});
});
