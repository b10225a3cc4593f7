import type { Emulator } from '../../emulator';
import { KEY, MiB, emulator, md5Base64 } from './support';

// Requests made by hand, the way the official SDKs make them.

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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

/** Starts a regular upload by hand and asks where to PUT its part 1: the whole `start.size` bytes, of MD5 `md5`. */
export async function issuePartOne(
	start: { filename: string; size: number; mimetype?: string },
	md5: string,
): Promise<{ coordinates: Json; url: string; headers: Record<string, string> }> {
	const started = await postJson(`${emulator.url}/multipart/start`, { apikey: KEY, ...start });
	const { uri, region, upload_id } = started.json;
	const coordinates = { apikey: KEY, uri, region, upload_id };
	const issued = await postJson(`${emulator.url}/multipart/upload`, {
		...coordinates,
		part: 1,
		size: start.size,
		md5,
	});
	return {
		coordinates,
		url: issued.json.url as string,
		headers: issued.json.headers as Record<string, string>,
	};
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

/** The handle of `content`, uploaded to the test's emulator by hand (a multipart upload). */
export async function uploadedHandle(content: Buffer, filename: string): Promise<string> {
	return (await multipartUpload(emulator, content, { filename })).json.handle as string;
}
