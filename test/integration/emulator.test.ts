import { createHash, randomBytes } from 'crypto';
import { existsSync } from 'fs';
import { createServer, request, type Server } from 'http';
import type { AddressInfo } from 'net';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { crc32 } from 'zlib';
import { type Emulator, startEmulator } from '../emulator';
import { policySignature, webhookSignature } from '../support/signatures';

const MiB = 1024 * 1024;
const KEY = 'TESTKEY';
const SECRET = 'test-app-secret';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const md5Base64 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');
const md5Hex = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** Python-SDK style security: url-safe base64 of the policy JSON, HMAC-SHA256(secret, that string) in hex. */
function sign(policy: Json, secret = SECRET): { policy: string; signature: string } {
	const encoded = Buffer.from(JSON.stringify(policy)).toString('base64url');
	const padded = encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
	return { policy: padded, signature: policySignature(secret, padded) };
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const segment = (security: { policy: string; signature: string }) =>
	`security=p:${security.policy},s:${security.signature}`;

async function postJson(
	url: string,
	body: Json,
): Promise<{ status: number; json: Json; headers: Headers }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

interface HandUpload {
	apikey?: string;
	security?: { policy: string; signature: string };
	partSize?: number;
	filename?: string;
	extra?: Json;
}

/** A regular multipart upload done by hand, the way the SDKs do it. */
async function multipartUpload(
	emulator: Emulator,
	data: Buffer,
	options: HandUpload = {},
): Promise<{ status: number; json: Json }> {
	const base = { apikey: options.apikey ?? KEY, ...(options.security ?? {}) };
	const filename = options.filename ?? 'data.bin';
	const started = await postJson(`${emulator.url}/multipart/start`, {
		...base,
		filename,
		mimetype: 'application/octet-stream',
		size: data.length,
		store: { location: 's3' },
	});
	expect(started.status).toBe(200);
	const { uri, region, upload_id, location_url } = started.json;
	const partSize = options.partSize ?? 5 * MiB;
	const parts: Json[] = [];
	for (let offset = 0, part = 1; offset < data.length; offset += partSize, part++) {
		const bytes = data.subarray(offset, offset + partSize);
		const issued = await postJson(`${location_url}/multipart/upload`, {
			...base,
			uri,
			region,
			upload_id,
			part,
			size: bytes.length,
			md5: md5Base64(bytes),
			store: { location: 's3' },
		});
		expect(issued.status).toBe(200);
		const put = await fetch(issued.json.url, {
			method: 'PUT',
			headers: issued.json.headers,
			body: bytes,
		});
		expect(put.status).toBe(200);
		parts.push({ part_number: part, etag: put.headers.get('etag') });
	}
	const complete = {
		...base,
		uri,
		region,
		upload_id,
		filename,
		mimetype: 'application/octet-stream',
		size: data.length,
		store: { location: 's3' },
		parts,
		...options.extra,
	};
	let result = await postJson(`${location_url}/multipart/complete`, complete);
	while (result.status === 202)
		result = await postJson(`${location_url}/multipart/complete`, complete);
	return result;
}

async function getJson(url: string): Promise<Json> {
	return (await (await fetch(url)).json()) as Json;
}

async function download(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
	const res = await fetch(url);
	return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

describe('Filestack emulator', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator({ apps: [{ apiKey: KEY }] });
	});
	afterEach(async () => emulator.reset());
	afterAll(async () => emulator.close());

	describe('regular multipart upload', () => {
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
			const started = await postJson(`${emulator.url}/multipart/start`, {
				apikey: KEY,
				filename: 'f',
				mimetype: 'x/y',
				size: data.length,
			});
			const { uri, region, upload_id } = started.json;
			const coordinates = { apikey: KEY, uri, region, upload_id };
			const issued = await postJson(`${emulator.url}/multipart/upload`, {
				...coordinates,
				part: 1,
				size: data.length,
				md5: md5Base64(data),
			});
			const put = await fetch(issued.json.url, {
				method: 'PUT',
				headers: issued.json.headers,
				body: data,
			});
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

	describe('S3 PUT checks', () => {
		async function issue(data: Buffer) {
			const started = await postJson(`${emulator.url}/multipart/start`, {
				apikey: KEY,
				filename: 'f.bin',
				size: data.length,
			});
			const { uri, region, upload_id } = started.json;
			const coordinates = { apikey: KEY, uri, region, upload_id };
			const issued = await postJson(`${emulator.url}/multipart/upload`, {
				...coordinates,
				part: 1,
				size: data.length,
				md5: md5Base64(data),
			});
			return {
				coordinates,
				url: issued.json.url as string,
				headers: issued.json.headers as Record<string, string>,
			};
		}

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
				const started = await postJson(`${emulator.url}/multipart/start`, {
					apikey: KEY,
					filename: 'big',
					size: count * MiB,
				});
				const { uri, region, upload_id } = started.json;
				const issued = await postJson(`${emulator.url}/multipart/upload`, {
					apikey: KEY,
					uri,
					region,
					upload_id,
					part: 1,
					size: count * MiB,
					md5: hash.digest('base64'),
				});
				const headers = { ...issued.json.headers, 'Content-Length': count * MiB };
				return await new Promise<number>((resolve, reject) => {
					const req = request(issued.json.url, { method: 'PUT', headers }, (res) => {
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

	describe('Intelligent Ingestion', () => {
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

	describe('security', () => {
		beforeEach(() => emulator.apps.set({ apiKey: KEY, appSecret: SECRET }));

		it('requires a valid, unexpired policy allowing store on the upload API', async () => {
			const start = { apikey: KEY, filename: 'f', size: 1 };
			const none = await postJson(`${emulator.url}/multipart/start`, start);
			expect(none.status).toBe(403);
			expect(none.json.error).toContain('Invalid App policy');

			const forged = { ...sign({ expiry: inAnHour() }), signature: 'ab'.repeat(32) };
			expect(
				(await postJson(`${emulator.url}/multipart/start`, { ...start, ...forged })).status,
			).toBe(403);
			const expired = await postJson(`${emulator.url}/multipart/start`, {
				...start,
				...sign({ expiry: 1000 }),
			});
			expect(expired.json.error).toContain('expired');
			const readOnly = await postJson(`${emulator.url}/multipart/start`, {
				...start,
				...sign({ expiry: inAnHour(), call: ['read'] }),
			});
			expect(readOnly.status).toBe(403);
			expect(readOnly.json.error).toContain('"store"');

			const result = await multipartUpload(emulator, Buffer.from('secret data'), {
				security: sign({ expiry: inAnHour(), call: ['store'] }),
			});
			expect(result.status).toBe(200);
		});

		it('accepts the Python SDK vector for its policy and signature', async () => {
			// Security({'expiry': 253381964415, 'call': ['read']}, 'SECURITY-SECRET') from the Python SDK README.
			emulator.apps.set({ apiKey: KEY });
			const { json } = await multipartUpload(emulator, Buffer.from('x'));
			emulator.apps.update(KEY, { appSecret: 'SECURITY-SECRET' });
			const policy = 'eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAyNTMzODE5NjQ0MTV9';
			const signature = 'f61fa1effb0638ab5b6e208d5d2fd9343f8557d8a0bf529c6d8542935f77bb3c';
			expect(
				(await download(`${emulator.url}/security=p:${policy},s:${signature}/${json.handle}`))
					.status,
			).toBe(200);
			expect(
				(
					await download(
						`${emulator.url}/security=policy:${policy},signature:${signature}/${json.handle}`,
					)
				).status,
			).toBe(200);
		});

		it('checks the call and handle of a policy on CDN, metadata, delete and overwrite', async () => {
			const { json } = await multipartUpload(emulator, Buffer.from('guarded'), {
				security: sign({ expiry: inAnHour() }),
			});
			const handle = json.handle as string;

			const unsigned = await fetch(`${emulator.url}/${handle}`);
			expect(unsigned.status).toBe(403);
			expect(await unsigned.text()).toContain(`application [${KEY}] policy error`);
			const read = sign({ expiry: inAnHour(), call: ['read'], handle });
			expect((await download(`${emulator.url}/${segment(read)}/${handle}`)).body.toString()).toBe(
				'guarded',
			);
			const otherHandle = sign({
				expiry: inAnHour(),
				call: ['read'],
				handle: 'AAAAAAAAAAAAAAAAAAAA',
			});
			expect((await fetch(`${emulator.url}/${segment(otherHandle)}/${handle}`)).status).toBe(403);

			const query = (security: { policy: string; signature: string }) =>
				`policy=${security.policy}&signature=${security.signature}`;
			expect(
				(await fetch(`${emulator.url}/${handle}/metadata?size=true&${query(read)}`)).status,
			).toBe(403);
			const stat = sign({ expiry: inAnHour(), call: ['stat'] });
			expect(
				(await fetch(`${emulator.url}/${handle}/metadata?size=true&${query(stat)}`)).status,
			).toBe(200);
			expect(
				(await fetch(`${emulator.url}/${handle}/metadata?exif=true&${query(stat)}`)).status,
			).toBe(403);

			const write = sign({ expiry: inAnHour(), call: ['write'] });
			const overwrite = await fetch(`${emulator.url}/api/file/${handle}?${query(read)}`, {
				method: 'POST',
				body: 'new',
			});
			expect(overwrite.status).toBe(403);
			expect(
				(
					await fetch(`${emulator.url}/api/file/${handle}?${query(write)}`, {
						method: 'POST',
						body: 'new',
					})
				).status,
			).toBe(200);

			expect(
				(
					await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}&${query(write)}`, {
						method: 'DELETE',
					})
				).status,
			).toBe(403);
			const remove = sign({ expiry: inAnHour(), call: ['remove'] });
			expect(
				(
					await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}&${query(remove)}`, {
						method: 'DELETE',
					})
				).status,
			).toBe(200);
		});

		it('keeps one video job per URL whatever policy signs each poll', async () => {
			emulator.faults.videoPollsUntilDone = 1;
			const { json } = await multipartUpload(emulator, Buffer.from('film'), {
				security: sign({ expiry: inAnHour() }),
			});
			const poll = async (expiry: number) =>
				await getJson(
					`${emulator.url}/video_convert=preset:h264/${segment(sign({ expiry, call: ['convert'] }))}/${json.handle}`,
				);
			const started = await poll(inAnHour());
			const done = await poll(inAnHour() + 60);
			expect(done).toMatchObject({ status: 'completed', uuid: started.uuid });
			const readOnly = sign({ expiry: inAnHour(), call: ['read'] });
			expect(
				(
					await fetch(
						`${emulator.url}/video_convert=preset:h264/${segment(readOnly)}/${json.handle}`,
					)
				).status,
			).toBe(403);
		});

		it('reads the policy of /process from its security task', async () => {
			const body = {
				apikey: KEY,
				sources: ['https://example.com/a.txt'],
				tasks: [{ name: 'store', params: { location: 's3' } }],
			};
			expect((await postJson(`${emulator.url}/process`, body)).status).toBe(403);
			const { policy, signature } = sign({ expiry: inAnHour(), call: ['store'] });
			const signed = {
				...body,
				tasks: [...body.tasks, { name: 'security', params: { policy, signature } }],
			};
			expect((await postJson(`${emulator.url}/process`, signed)).status).toBe(200);
		});

		it("checks a policy's handle against every file a chain reads, and its url against every external URL", async () => {
			const stored = async (text: string) =>
				(
					await multipartUpload(emulator, Buffer.from(text), {
						security: sign({ expiry: inAnHour() }),
					})
				).json.handle as string;
			const [image, mark] = [await stored('image'), await stored('mark')];
			const fetchWith = async (policy: Json, path: string) => {
				const res = await fetch(
					`${emulator.url}/${path.replace('SECURITY', segment(sign(policy)))}`,
				);
				return { status: res.status, text: await res.text() };
			};
			const forImage = { expiry: inAnHour(), call: ['read'], handle: image };

			for (const chain of [
				`watermark=file:${mark}`,
				`collage=files:[${mark}],width:10,height:10`,
				`fallback=handle:${mark}`,
			]) {
				expect(await fetchWith(forImage, `${chain}/SECURITY/${image}`)).toEqual({
					status: 403,
					text: `application [${KEY}] policy error: policy is for another handle than ${mark}`,
				});
				expect(
					(await fetchWith({ ...forImage, handle: undefined }, `${chain}/SECURITY/${image}`))
						.status,
				).toBe(200);
			}

			const url = 'https://example.com/a.txt';
			const onlyThatUrl = {
				expiry: inAnHour(),
				call: ['read'],
				url: '^(?:https://example\\.com/a\\.txt)$',
			};
			expect((await fetchWith(onlyThatUrl, `${KEY}/SECURITY/${url}`)).status).toBe(200);
			// The whole URL must match: neither a longer one nor another one passes.
			for (const other of [`${url}x`, 'https://example.com/b.txt']) {
				expect(await fetchWith(onlyThatUrl, `${KEY}/SECURITY/${other}`)).toEqual({
					status: 403,
					text: `application [${KEY}] policy error: policy url does not allow ${other}`,
				});
			}
			expect(
				(
					await fetchWith(
						{ ...forImage, ...onlyThatUrl },
						`watermark=file:"${url}"/SECURITY/${image}`,
					)
				).status,
			).toBe(200);
			expect(
				(
					await fetchWith(
						onlyThatUrl,
						`watermark=file:"https://example.com/b.txt"/SECURITY/${image}`,
					)
				).text,
			).toContain('policy url does not allow https://example.com/b.txt');

			const process = (sources: string[], policy: Json) =>
				postJson(`${emulator.url}/process`, {
					apikey: KEY,
					sources,
					tasks: [
						{ name: 'store', params: { location: 's3' } },
						{ name: 'security', params: sign(policy) },
					],
				});
			const storeThatUrl = { ...onlyThatUrl, call: ['store'] };
			expect((await process([url], storeThatUrl)).status).toBe(200);
			expect((await process(['https://example.com/b.txt'], storeThatUrl)).status).toBe(403);
		});
	});

	describe('CDN and transformations', () => {
		let handle: string;
		const content = Buffer.from('transform me, please');

		beforeEach(async () => {
			handle = (await multipartUpload(emulator, content, { filename: 'photo.jpg' })).json
				.handle as string;
		});

		it('passes the source through, naming the task chain, and honours output=format', async () => {
			const res = await download(
				`${emulator.url}/resize=width:100,height:50/output=format:png/${handle}`,
			);
			expect(res.status).toBe(200);
			expect(res.body.equals(content)).toBe(true);
			expect(res.headers.get('x-emulator-tasks')).toBe(
				'resize=width:100,height:50/output=format:png',
			);
			expect(res.headers.get('content-type')).toBe('image/png');
			expect(res.headers.get('content-disposition')).toContain('photo.png');
		});

		it('refuses unknown tasks and malformed parameters, and external URLs without an API key', async () => {
			const unknown = await fetch(`${emulator.url}/resize=width:10/frobnicate=x:1/${handle}`);
			expect(unknown.status).toBe(400);
			expect(await unknown.text()).toContain('frobnicate');
			expect((await fetch(`${emulator.url}/resize=width/${handle}`)).status).toBe(400);
			expect(
				(await fetch(`${emulator.url}/resize=width:10/https://example.com/x.png`)).status,
			).toBe(400);
			expect((await fetch(`${emulator.url}/AAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
		});

		it('stores a transformation result with POST and a final store task', async () => {
			const res = await postJson(
				`${emulator.url}/flip/output=format:png/store=filename:flipped.png,path:"out/"/${handle}`,
				{},
			);
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({
				filename: 'flipped.png',
				size: content.length,
				type: 'image/png',
				container: 'emulator-bucket',
			});
			expect(res.json.key).toBe(`out/${res.json.handle}_flipped.png`);
			expect((await download(res.json.url)).body.equals(content)).toBe(true);
		});

		it('answers tags, sfw and ocr with plausible, stable JSON', async () => {
			const tags = await getJson(`${emulator.url}/tags/${handle}`);
			expect(tags.tags.user).toBeNull();
			expect(Object.keys(tags.tags.auto).length).toBeGreaterThan(0);
			expect(await getJson(`${emulator.url}/tags/${handle}`)).toEqual(tags);
			expect(typeof (await getJson(`${emulator.url}/sfw/${handle}`)).sfw).toBe('boolean');
			const ocr = await getJson(`${emulator.url}/ocr/${handle}`);
			expect(ocr.document.text_areas[0].lines[0].words.length).toBeGreaterThan(0);
		});

		it('zips several handles into a real ZIP archive', async () => {
			const second = Buffer.from('second file');
			const other = (await multipartUpload(emulator, second, { filename: 'notes.txt' })).json
				.handle;
			const res = await download(`${emulator.url}/${KEY}/zip/[${handle},${other}]`);
			expect(res.headers.get('content-type')).toBe('application/zip');
			const entries: Array<{ name: string; data: Buffer; crc: number }> = [];
			for (let at = 0; res.body.readUInt32LE(at) === 0x04034b50; ) {
				const size = res.body.readUInt32LE(at + 18);
				const nameLength = res.body.readUInt16LE(at + 26);
				const name = res.body.subarray(at + 30, at + 30 + nameLength).toString();
				const start = at + 30 + nameLength + res.body.readUInt16LE(at + 28);
				entries.push({
					name,
					data: res.body.subarray(start, start + size),
					crc: res.body.readUInt32LE(at + 14),
				});
				at = start + size;
			}
			expect(entries.map((entry) => entry.name)).toEqual(['photo.jpg', 'notes.txt']);
			expect(entries[0].data.equals(content)).toBe(true);
			expect(entries[1].data.equals(second)).toBe(true);
			for (const entry of entries) expect(entry.crc).toBe(crc32(entry.data));
			expect(res.body.readUInt32LE(res.body.length - 22)).toBe(0x06054b50);
		});

		it('screenshots an external URL as a PNG without contacting it, the same every time', async () => {
			const url = `${emulator.url}/${KEY}/urlscreenshot=width:320,height:200/https://example.com/page`;
			const first = await download(url);
			expect(first.headers.get('content-type')).toBe('image/png');
			expect(first.body.subarray(1, 4).toString()).toBe('PNG');
			expect(first.body.readUInt32BE(16)).toBe(320);
			expect((await download(url)).body.equals(first.body)).toBe(true);
		});

		it('returns metadata: the default set, or the attributes asked, with digests of the content', async () => {
			const defaults = await getJson(`${emulator.url}/${handle}/metadata`);
			expect(Object.keys(defaults).sort()).toEqual([
				'container',
				'filename',
				'location',
				'mimetype',
				'path',
				'size',
				'uploaded',
				'writeable',
			]);
			const asked = await getJson(
				`${emulator.url}/api/file/${handle}/metadata?size=true&md5=true&sha256=true`,
			);
			expect(asked).toEqual({
				size: content.length,
				md5: md5Hex(content),
				sha256: createHash('sha256').update(content).digest('hex'),
			});
			expect((await fetch(`${emulator.url}/${handle}/metadata?colour=true`)).status).toBe(400);
		});
	});

	describe('video_convert', () => {
		let handle: string;
		beforeEach(async () => {
			handle = (await multipartUpload(emulator, Buffer.from('a movie'), { filename: 'clip.mov' }))
				.json.handle as string;
		});

		it('goes started → pending → completed on the same URL and stores the result', async () => {
			const url = `${emulator.url}/video_convert=preset:webm,width:320/${handle}`;
			const started = await getJson(url);
			expect(started).toMatchObject({
				status: 'started',
				data: {},
				metadata: { result: {}, source: {} },
			});
			expect(started.uuid).toMatch(/^[0-9a-f]{32}$/);
			expect(started.timestamp).toMatch(/^\d+$/);
			expect((await getJson(url)).status).toBe('pending');
			const done = await getJson(url);
			expect(done).toMatchObject({
				status: 'completed',
				message: 'Done',
				uuid: started.uuid,
				timestamp: started.timestamp,
			});
			expect(done.metadata.result).toMatchObject({
				width: 320,
				mime_type: 'video/webm',
				extname: '.webm',
			});
			const result = await download(done.data.url);
			expect(result.body.toString()).toBe('a movie');
			expect(result.headers.get('content-type')).toBe('video/webm');
			expect((await download(done.data.thumb)).headers.get('content-type')).toBe('image/png');
			expect(await getJson(url)).toEqual(done);
		});

		it('ends failed, or stays pending, as the faults say', async () => {
			emulator.faults.videoOutcome = 'failed';
			emulator.faults.videoPollsUntilDone = 1;
			const url = `${emulator.url}/video_convert=preset:h264/${handle}`;
			await fetch(url);
			const failed = await getJson(url);
			expect(failed.status).toBe('failed');
			expect(failed.message).toBeTruthy();

			emulator.faults.videoOutcome = 'stall';
			const stalled = `${emulator.url}/video_convert=preset:mp3/${handle}`;
			for (let i = 0; i < 5; i++) await fetch(stalled);
			expect((await getJson(stalled)).status).toBe('pending');
		});
	});

	describe('File API and /process', () => {
		let handle: string;
		beforeEach(async () => {
			handle = (await multipartUpload(emulator, Buffer.from('original'), { filename: 'doc.txt' }))
				.json.handle as string;
		});

		it('overwrites with raw bytes, a multipart fileUpload, or a URL', async () => {
			const raw = await fetch(`${emulator.url}/api/file/${handle}`, {
				method: 'POST',
				headers: { 'Content-Type': 'text/plain' },
				body: 'raw bytes',
			});
			expect(await raw.json()).toEqual({
				url: `${emulator.url}/api/file/${handle}`,
				mimetype: 'text/plain',
				isWriteable: true,
				size: 9,
				filename: 'doc.txt',
			});
			expect((await download(`${emulator.url}/api/file/${handle}`)).body.toString()).toBe(
				'raw bytes',
			);

			const form = new FormData();
			form.append('other', 'ignored');
			form.append(
				'fileUpload',
				new Blob([Buffer.from('from a form')], { type: 'application/octet-stream' }),
				'filename',
			);
			const multipart = await fetch(`${emulator.url}/api/file/${handle}`, {
				method: 'POST',
				body: form,
			});
			expect(multipart.status).toBe(200);
			expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe('from a form');

			const encoded = await fetch(`${emulator.url}/api/file/${handle}?base64decode=true`, {
				method: 'POST',
				body: Buffer.from('decoded!').toString('base64'),
			});
			expect(((await encoded.json()) as Json).size).toBe(8);
			expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe('decoded!');

			const source = (await multipartUpload(emulator, Buffer.from('fetched over loopback'))).json
				.url as string;
			const byUrl = await fetch(`${emulator.url}/api/file/${handle}`, {
				method: 'POST',
				body: new URLSearchParams({ url: source }),
			});
			expect(byUrl.status).toBe(200);
			expect((await download(`${emulator.url}/${handle}`)).body.toString()).toBe(
				'fetched over loopback',
			);
			expect(
				emulator.requests.find((entry) => entry.route === 'overwrite' && entry.body)?.body,
			).toEqual({ url: source });
		});

		it('deletes a file; it is gone afterwards', async () => {
			const segments = emulator.files.get(handle)?.content.segments ?? [];
			expect(segments.length).toBeGreaterThan(0);
			expect((await fetch(`${emulator.url}/api/file/${handle}`, { method: 'DELETE' })).status).toBe(
				400,
			);
			const deleted = await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}`, {
				method: 'DELETE',
			});
			expect(deleted.status).toBe(200);
			expect(emulator.files.has(handle)).toBe(false);
			expect(segments.filter((segment) => existsSync(segment))).toEqual([]);
			expect((await fetch(`${emulator.url}/${handle}`)).status).toBe(404);
		});

		it('stores from an external URL with synthesized content, and from a loopback URL for real', async () => {
			const external = {
				apikey: KEY,
				sources: ['https://example.com/pics/cat.png'],
				tasks: [{ name: 'store', params: { path: 'pics/' } }],
			};
			const first = await postJson(`${emulator.url}/process`, external);
			expect(first.json).toMatchObject({
				filename: 'cat.png',
				type: 'image/png',
				container: 'emulator-bucket',
			});
			expect(first.json.key).toBe(`pics/${first.json.handle}_cat.png`);
			const second = await postJson(`${emulator.url}/process`, external);
			expect(second.json.handle).not.toBe(first.json.handle);
			const md5Of = async (handle: unknown) =>
				await emulator.files.get(String(handle))?.content.md5();
			expect(await md5Of(second.json.handle)).toBe(await md5Of(first.json.handle));
			const metadata = await getJson(
				`${emulator.url}/${first.json.handle}/metadata?width=true&height=true`,
			);
			expect(metadata).toEqual({ width: 64, height: 64 });

			const origin = await new Promise<Server>((resolve) => {
				const server = createServer((req, res) => {
					res.writeHead(200, { 'Content-Type': 'text/csv' });
					res.end(`a,b\n1,${req.headers['x-token']}\n`);
				});
				server.listen(0, '127.0.0.1', () => resolve(server));
			});
			try {
				const { port } = origin.address() as AddressInfo;
				const local = await postJson(`${emulator.url}/process`, {
					apikey: KEY,
					sources: [{ source: `http://127.0.0.1:${port}/table.csv`, headers: { 'x-token': '42' } }],
					tasks: [{ name: 'store', params: {} }],
				});
				expect(local.json).toMatchObject({ filename: 'table.csv', type: 'text/csv', size: 9 });
				expect((await download(local.json.url)).body.toString()).toBe('a,b\n1,42\n');
			} finally {
				origin.close();
			}
		});
	});

	describe('fault injection', () => {
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
			const started = await postJson(`${emulator.url}/multipart/start`, {
				apikey: KEY,
				filename: 'f',
				size: data.length,
			});
			const { uri, region, upload_id } = started.json;
			const coordinates = { apikey: KEY, uri, region, upload_id };
			const issued = await postJson(`${emulator.url}/multipart/upload`, {
				...coordinates,
				part: 1,
				size: data.length,
				md5: md5Base64(data),
			});
			const put = () =>
				fetch(issued.json.url, { method: 'PUT', headers: issued.json.headers, body: data });

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
	});

	it('posts a signed fp.upload webhook to the app', async () => {
		const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
		const receiver = await new Promise<Server>((resolve) => {
			const server = createServer((req, res) => {
				let body = '';
				req.on('data', (chunk: Buffer) => (body += chunk.toString()));
				req.on('end', () => {
					received.push({ headers: req.headers, body });
					res.end();
				});
			});
			server.listen(0, '127.0.0.1', () => resolve(server));
		});
		try {
			const { port } = receiver.address() as AddressInfo;
			emulator.apps.set({
				apiKey: KEY,
				webhook: { url: `http://127.0.0.1:${port}/hook`, secret: 'hook-secret' },
			});
			const { json } = await multipartUpload(emulator, Buffer.from('event'), { filename: 'e.txt' });
			await emulator.reset(); // waits for deliveries under way
			expect(received).toHaveLength(1);
			const { headers, body } = received[0];
			expect(headers['fs-signature']).toBe(
				webhookSignature('hook-secret', headers['fs-timestamp'] as string, body),
			);
			expect(JSON.parse(body)).toMatchObject({
				action: 'fp.upload',
				text: { url: json.url, filename: 'e.txt', status: 'Stored', size: 5 },
			});
		} finally {
			receiver.close();
		}
	});

	it('forgets files on reset and deletes its directory on close', async () => {
		const instance = await startEmulator();
		const { json } = await multipartUpload(instance, Buffer.from('temporary'), {
			apikey: 'EMULATOR_API_KEY',
		});
		const [path] = instance.files.get(json.handle)?.content.segments ?? [];
		expect(existsSync(path)).toBe(true);
		await instance.reset();
		expect(instance.files.size).toBe(0);
		expect(existsSync(path)).toBe(false);
		expect(instance.requests).toHaveLength(0);
		await instance.close();
		expect(existsSync(path.replace(/\/files\/.*$/, ''))).toBe(false);
	});
});
