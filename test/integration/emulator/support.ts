import { createHash } from 'crypto';

import { type Emulator, startEmulator } from '../../emulator';
import { policySignature } from '../../support/signatures';

// What the emulator's own test files share: one emulator a file, and requests made by hand, the way the official
// SDKs make them, so that the emulator is tested without the SDK under test.

export const MiB = 1024 * 1024;
export const KEY = 'TESTKEY';
export const SECRET = 'test-app-secret';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const md5Base64 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');
export const md5Hex = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** Python-SDK style security: url-safe base64 of the policy JSON, HMAC-SHA256(secret, that string) in hex. */
export function sign(policy: Json, secret = SECRET): { policy: string; signature: string } {
	const encoded = Buffer.from(JSON.stringify(policy)).toString('base64url');
	const padded = encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
	return { policy: padded, signature: policySignature(secret, padded) };
}

export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
export const segment = (security: { policy: string; signature: string }) =>
	`security=p:${security.policy},s:${security.signature}`;

export async function postJson(
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

export interface HandUpload {
	apikey?: string;
	security?: { policy: string; signature: string };
	partSize?: number;
	filename?: string;
	extra?: Json;
}

/** A regular multipart upload done by hand, the way the SDKs do it. */
export async function multipartUpload(
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

export async function getJson(url: string): Promise<Json> {
	return (await (await fetch(url)).json()) as Json;
}

export async function download(
	url: string,
): Promise<{ status: number; body: Buffer; headers: Headers }> {
	const res = await fetch(url);
	return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** The emulator of the test file that runs: started by useEmulator(). */
export let emulator: Emulator;

/** Starts an emulator with one app (KEY) before a file's tests, resets it after each test, closes it at the end. */
export function useEmulator(): void {
	beforeAll(async () => {
		emulator = await startEmulator({ apps: [{ apiKey: KEY }] });
	});
	afterEach(async () => emulator.reset());
	afterAll(async () => emulator.close());
}
