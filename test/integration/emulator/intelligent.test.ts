import { randomBytes } from 'crypto';

import { postJson, download } from './requests';
import { MiB, KEY, emulator, describeEmulator, md5Base64, md5Hex } from './support';

// Intelligent Ingestion: chunks, commits and the app setting that allows them (test/emulator/multipart.ts).

describeEmulator('Intelligent Ingestion', () => {
	it('assembles committed parts from chunks, a failed chunk re-sent in halves', async () => {
		emulator.apps.set({ apiKey: 'FII', intelligentIngestion: true });
		const data = randomBytes(8 * MiB + 100_000);
		const started = await postJson(`${emulator.url}/multipart/start`, {
			apikey: 'FII',
			filename: 'big.bin',
			size: data.length,
			fii: true,
		});
		expect(started.json.upload_type).toBe('intelligent_ingestion');
		const coordinates = {
			apikey: 'FII',
			uri: started.json.uri,
			region: started.json.region,
			upload_id: started.json.upload_id,
		};

		const sendChunk = async (part: number, bytes: Buffer, offset: number) => {
			const issued = await postJson(`${emulator.url}/multipart/upload`, {
				...coordinates,
				part,
				size: bytes.length,
				md5: md5Base64(bytes),
				offset,
				fii: true,
			});
			expect(issued.status).toBe(200);
			return await fetch(issued.json.url, {
				method: 'PUT',
				headers: issued.json.headers,
				body: bytes,
			});
		};
		const part1 = data.subarray(0, 8 * MiB);
		emulator.faults.failNext('put', 1, 500);
		expect((await sendChunk(1, part1, 0)).status).toBe(500);
		expect((await sendChunk(1, part1.subarray(0, 4 * MiB), 0)).status).toBe(200);
		expect((await sendChunk(1, part1.subarray(4 * MiB), 4 * MiB)).status).toBe(200);
		expect((await sendChunk(2, data.subarray(8 * MiB), 0)).status).toBe(200);
		for (const part of [1, 2]) {
			const committed = await postJson(`${emulator.url}/multipart/commit`, {
				...coordinates,
				part,
				size: data.length,
			});
			expect(committed.status).toBe(200);
		}
		const done = await postJson(`${emulator.url}/multipart/complete`, {
			...coordinates,
			filename: 'big.bin',
			size: data.length,
			fii: true,
		});
		expect(done.status).toBe(200);
		expect(md5Hex((await download(done.json.url)).body)).toBe(md5Hex(data));
	});

	it('refuses FII chunks and commits when the app has no Intelligent Ingestion', async () => {
		const started = await postJson(`${emulator.url}/multipart/start`, {
			apikey: KEY,
			filename: 'f',
			size: 3,
			fii: true,
		});
		expect(started.json.upload_type).toBeUndefined();
		const { uri, region, upload_id } = started.json;
		const chunk = await postJson(`${emulator.url}/multipart/upload`, {
			apikey: KEY,
			uri,
			region,
			upload_id,
			part: 1,
			size: 3,
			md5: md5Base64(Buffer.from('abc')),
			offset: 0,
			fii: true,
		});
		expect(chunk.status).toBe(400);
		expect(chunk.json.error).toContain('Intelligent Ingestion');
	});
});
