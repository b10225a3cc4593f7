import { createHash, randomBytes } from 'crypto';
import { request } from 'http';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import { type Json, postJson, multipartUpload, download, issuePartOne } from './requests';
import { MiB, KEY, emulator, describeEmulator, md5Base64, md5Hex } from './support';

// The regular multipart upload and its S3 part PUTs (test/emulator/multipart.ts, s3.ts).

describeEmulator('regular multipart upload', () => {
	it('stores a 12 MB file in three parts and serves it back byte for byte', async () => {
		const data = randomBytes(12_000_000);
		const result = await multipartUpload(emulator, data, {
			filename: 'report.bin',
			extra: { upload_tags: { a: 'b' } },
		});

		expect(result.status).toBe(200);
		expect(result.json).toMatchObject({
			filename: 'report.bin',
			size: 12_000_000,
			mimetype: 'application/octet-stream',
			status: 'Stored',
			container: 'emulator-bucket',
			upload_tags: { a: 'b' },
		});
		const handle = result.json.handle as string;
		expect(handle).toMatch(/^[A-Za-z0-9]{20}$/);
		expect(result.json.url).toBe(`${emulator.url}/${handle}`);
		expect(result.json.key).toBe(`${handle}_report.bin`);
		const stored = emulator.files.get(handle);
		expect(stored).toMatchObject({ size: 12_000_000, uploadTags: { a: 'b' } });
		expect(stored?.content.segments).toHaveLength(3); // the parts as they came, not a copy
		expect(await stored?.content.md5()).toBe(md5Hex(data));

		const fetched = await download(result.json.url);
		expect(fetched.status).toBe(200);
		expect(fetched.headers.get('content-length')).toBe('12000000');
		expect(fetched.headers.get('content-disposition')).toContain('filename="report.bin"');
		expect(md5Hex(fetched.body)).toBe(md5Hex(data));

		const puts = emulator.requests.filter((entry) => entry.route === 'put');
		expect(puts).toHaveLength(3);
		expect(puts[0].body).toBeUndefined();
		expect(emulator.requests.find((entry) => entry.route === 'start')?.body).toMatchObject({
			filename: 'report.bin',
		});
	});

	it('a download begun before the file is deleted still delivers every part', async () => {
		const data = randomBytes(12_000_000);
		const { json } = await multipartUpload(emulator, data);
		const response = await fetch(json.url as string);
		const reader = response.body!.getReader();
		const chunks: Uint8Array[] = [];
		let read = await reader.read(); // bytes have come, so every part is open
		const deleted = await fetch(`${emulator.url}/api/file/${json.handle}?key=${KEY}`, {
			method: 'DELETE',
		});
		expect(deleted.status).toBe(200);
		for (; !read.done; read = await reader.read()) chunks.push(read.value);
		expect(md5Hex(Buffer.concat(chunks))).toBe(md5Hex(data));
	});

	it('answers start with the upload coordinates and upload with a presigned URL and its headers', async () => {
		const started = await postJson(`${emulator.url}/multipart/start`, {
			apikey: KEY,
			filename: 'a.txt',
			mimetype: 'text/plain',
			size: 3,
		});
		expect(started.json).toMatchObject({ region: 'us-east-1', location_url: emulator.url });
		expect(started.json.upload_type).toBeUndefined();
		const { uri, region, upload_id } = started.json;
		const md5 = md5Base64(Buffer.from('abc'));
		const issued = await postJson(`${emulator.url}/multipart/upload`, {
			apikey: KEY,
			uri,
			region,
			upload_id,
			part: 1,
			size: 3,
			md5,
		});
		expect(issued.json.url).toMatch(new RegExp(`^${emulator.url}/s3/.*X-Amz-Signature=`));
		expect(issued.json.headers).toMatchObject({ 'Content-MD5': md5 });
		expect(issued.json.headers['Content-Type']).toBeUndefined();
		expect(issued.json.headers.Authorization).toMatch(/^AWS4-HMAC-SHA256 /);
	});

	it('refuses a complete whose ETags are not exactly the ones returned', async () => {
		const data = Buffer.from('small file');
		const { coordinates, url, headers } = await issuePartOne(
			{ filename: 'f', mimetype: 'x/y', size: data.length },
			md5Base64(data),
		);
		const put = await fetch(url, { method: 'PUT', headers, body: data });
		const etag = put.headers.get('etag') as string;
		expect(etag).toBe(`"${md5Hex(data)}"`);

		const body = { ...coordinates, filename: 'f', mimetype: 'x/y', size: data.length };
		const unquoted = await postJson(`${emulator.url}/multipart/complete`, {
			...body,
			parts: [{ part_number: 1, etag: etag.slice(1, -1) }],
		});
		expect(unquoted.status).toBe(400);
		expect(unquoted.json.error).toContain('invalid params: parts');
		expect(unquoted.json).toMatchObject({ i: 'UPL-emu-1', t: expect.any(Number) });
		expect(unquoted.json.c).toMatch(/^[0-9a-f-]{36}$/);

		const right = await postJson(`${emulator.url}/multipart/complete`, {
			...body,
			parts: [{ part_number: 1, etag }],
		});
		expect(right.status).toBe(200);
	});

	it('refuses parts smaller than 5 MiB except the last, as S3 does', async () => {
		const result = await postJson(`${emulator.url}/multipart/start`, {
			apikey: KEY,
			filename: 'f',
			size: 4,
		});
		const { uri, region, upload_id } = result.json;
		const parts: Json[] = [];
		for (const [index, bytes] of [Buffer.from('ab'), Buffer.from('cd')].entries()) {
			const issued = await postJson(`${emulator.url}/multipart/upload`, {
				apikey: KEY,
				uri,
				region,
				upload_id,
				part: index + 1,
				size: 2,
				md5: md5Base64(bytes),
			});
			const put = await fetch(issued.json.url, {
				method: 'PUT',
				headers: issued.json.headers,
				body: bytes,
			});
			parts.push({ part_number: index + 1, etag: put.headers.get('etag') });
		}
		const complete = await postJson(`${emulator.url}/multipart/complete`, {
			apikey: KEY,
			uri,
			region,
			upload_id,
			filename: 'f',
			size: 4,
			parts,
		});
		expect(complete.status).toBe(400);
		expect(complete.json.error).toContain('EntityTooSmall');
	});

	it('answers Filestack-style 400s for unknown uploads, missing fields and unknown API keys', async () => {
		const unknown = await postJson(`${emulator.url}/multipart/upload`, {
			apikey: KEY,
			uri: '/x',
			region: 'us-east-1',
			upload_id: 'nope',
			part: 1,
			size: 1,
			md5: 'x',
		});
		expect(unknown.status).toBe(400);
		expect(unknown.json.error).toContain('upload_id');
		const missing = await postJson(`${emulator.url}/multipart/start`, { apikey: KEY, size: 1 });
		expect(missing.status).toBe(400);
		expect(missing.json.error).toContain('filename');
		const badKey = await postJson(`${emulator.url}/multipart/start`, {
			apikey: 'WRONG',
			filename: 'f',
			size: 1,
		});
		expect(badKey.status).toBe(400);
		expect(badKey.json.error).toContain('Invalid Application');
	});

	it('answers 202 to complete as many times as asked, then 200, and the same 200 again', async () => {
		emulator.faults.complete202Count = 2;
		const result = await multipartUpload(emulator, Buffer.from('hello'));
		expect(result.status).toBe(200);
		const completes = emulator.requests.filter((entry) => entry.route === 'complete');
		expect(completes).toHaveLength(3);
		// Repeated after success (as when the answer was lost), complete answers the same.
		const repeated = await postJson(
			`${emulator.url}/multipart/complete`,
			completes[0].body as Json,
		);
		expect(repeated).toMatchObject({ status: 200, json: result.json });
		expect(emulator.files.size).toBe(1);
	});
});

describeEmulator('S3 PUT checks', () => {
	const issue = async (data: Buffer) =>
		await issuePartOne({ filename: 'f.bin', size: data.length }, md5Base64(data));

	it('rejects a wrong body (BadDigest), a short body (IncompleteBody) and other headers (SignatureDoesNotMatch)', async () => {
		const data = randomBytes(1000);
		const { coordinates, url, headers } = await issue(data);

		const corrupted = Buffer.from(data);
		corrupted[10] ^= 0xff;
		const badDigest = await fetch(url, { method: 'PUT', headers, body: corrupted });
		expect(badDigest.status).toBe(400);
		expect(await badDigest.text()).toContain('<Code>BadDigest</Code>');

		const short = await fetch(url, { method: 'PUT', headers, body: data.subarray(0, 999) });
		expect(short.status).toBe(400);
		expect(await short.text()).toContain('<Code>IncompleteBody</Code>');

		const unsigned = await fetch(url, {
			method: 'PUT',
			headers: { ...headers, 'Content-MD5': md5Base64(Buffer.from('another body')) },
			body: data,
		});
		expect(unsigned.status).toBe(403);
		expect(await unsigned.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

		// None of the refused bodies became the part: complete uses only the good one.
		const good = await fetch(url, { method: 'PUT', headers, body: data });
		const etag = good.headers.get('etag');
		const done = await postJson(`${emulator.url}/multipart/complete`, {
			...coordinates,
			filename: 'f.bin',
			size: data.length,
			parts: [{ part_number: 1, etag }],
		});
		expect(done.status).toBe(200);
		expect((await download(done.json.url)).body.equals(data)).toBe(true);
	});

	it('keeps memory flat while receiving a 64 MiB part', async () => {
		// Young garbage (the socket's 64 KiB reads) is collected as we go, so what is measured is what the server keeps.
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
		const chunk = randomBytes(MiB);
		const putMiBs = async (count: number, sample: () => void) => {
			const hash = createHash('md5');
			for (let i = 0; i < count; i++) hash.update(chunk);
			const issued = await issuePartOne(
				{ filename: 'big', size: count * MiB },
				hash.digest('base64'),
			);
			const headers = { ...issued.headers, 'Content-Length': count * MiB };
			return await new Promise<number>((resolve, reject) => {
				const req = request(issued.url, { method: 'PUT', headers }, (res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				});
				req.on('error', reject);
				let sent = 0;
				const write = () => {
					while (sent < count) {
						sent++;
						sample();
						if (!req.write(chunk)) {
							req.once('drain', write);
							return;
						}
					}
					req.end();
				};
				write();
			});
		};
		expect(await putMiBs(8, () => undefined)).toBe(200); // warms up buffers and code paths
		gc({ type: 'minor' });
		const before = process.memoryUsage().rss;
		let peak = before;
		const status = await putMiBs(64, () => {
			gc({ type: 'minor' });
			peak = Math.max(peak, process.memoryUsage().rss);
		});
		expect(status).toBe(200);
		expect((peak - before) / MiB).toBeLessThan(20);
	});
});
