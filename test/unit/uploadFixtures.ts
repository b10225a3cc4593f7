import { createHash } from 'node:crypto';
import nock from 'nock';

import { Http } from '../../nodes/Filestack/sdk/http';
import type { RetryPolicy } from '../../nodes/Filestack/sdk/retry';
import type { StoredFile } from '../../nodes/Filestack/sdk/storedFile';
import type { ByteStream } from '../../nodes/Filestack/sdk/transport';
import {
	type UploadOptions,
	type UploadSource,
	uploadStream,
} from '../../nodes/Filestack/sdk/upload';
import { nodeTransport } from '../harness/nodeTransport';

export const UPLOAD_BASE = 'https://upload.example.test';
export const LOCATION = 'https://upload-eu.example.test';
export const STORAGE = 'https://s3.example.test';
export const MiB = 1024 * 1024;

/** Deterministic bytes, mostly outside UTF-8 so that nock hands bodies over as hex. */
export function testBytes(size: number, seed = 7): Uint8Array {
	const bytes = new Uint8Array(size);
	let state = seed;
	for (let i = 0; i < size; i++) {
		state = (state * 1103515245 + 12345) >>> 0;
		bytes[i] = 0x80 | (state >>> 24);
	}
	return bytes;
}

/** A stream over `bytes` in chunks of `chunk` bytes, counting how far it has been read. */
export function streamOf(bytes: Uint8Array, chunk = 100_003): ByteStream & { pulled: number } {
	const stream = {
		pulled: 0,
		async *[Symbol.asyncIterator]() {
			for (let at = 0; at < bytes.length; at += chunk) {
				const piece = bytes.slice(at, at + chunk);
				stream.pulled += piece.length;
				yield piece;
			}
		},
	};
	return stream;
}

export const md5Base64 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');
export const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** An Http over Node's http whose waits are recorded, not spent. */
export function testHttp(retry: Partial<RetryPolicy> = {}) {
	const sleeps: number[] = [];
	const transport = nodeTransport({
		sleep: async (ms) => {
			sleeps.push(ms);
		},
	});
	const http = new Http(
		transport,
		{ attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 5000, ...retry },
		() => 0.5,
	);
	return { http, sleeps, close: () => transport.close() };
}

/**
 * A fresh fake upload API and test Http for each test of the file (or describe block) that calls it, closed and
 * cleaned after each test. A test may replace the client (to retry otherwise); the one in place is closed.
 */
export function useFakeUploadApi(): {
	readonly api: FakeUploadApi;
	client: ReturnType<typeof testHttp>;
	/** An upload through the client to the fake API, for the app `KEY`. */
	upload(source: UploadSource, options: UploadOptions): Promise<StoredFile>;
} {
	let api: FakeUploadApi | undefined;
	let client: ReturnType<typeof testHttp> | undefined;
	beforeEach(() => {
		api = new FakeUploadApi();
		client = testHttp();
	});
	afterEach(() => {
		client?.close();
		cleanNock();
	});
	const during = <T>(piece: T | undefined): T => {
		if (piece === undefined) throw new Error('The fake upload API exists only while a test runs');
		return piece;
	};
	return {
		get api() {
			return during(api);
		},
		get client() {
			return during(client);
		},
		set client(replacement) {
			client = replacement;
		},
		upload: async (source, options) =>
			await uploadStream(
				during(client).http,
				{ uploadBase: UPLOAD_BASE, apiKey: 'KEY' },
				source,
				options,
			),
	};
}

/** What a failure injected into the fake API does: answer this status (and headers), or drop the connection. */
export type Injected =
	| { status: number; body?: string; headers?: Record<string, string> }
	| 'network';

type Route = 'start' | 'upload' | 'put' | 'commit' | 'complete';

export interface Recorded {
	route: Route;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** JSON body of API calls. */
	json?: Record<string, unknown>;
	/** Bytes of PUTs. */
	bytes?: Buffer;
}

/**
 * A fake Upload API and storage on nock: records every request, answers like Filestack and S3, and lets a test
 * inject failures route by route, in order.
 */
export class FakeUploadApi {
	readonly requests: Recorded[] = [];
	readonly failures: Record<Route, Injected[]> = {
		start: [],
		upload: [],
		put: [],
		commit: [],
		complete: [],
	};
	startResponse: Record<string, unknown> = {
		uri: '/bucket/key',
		region: 'us-east-1',
		upload_id: 'UPLOAD-1',
		location_url: LOCATION,
	};
	/** How many times complete answers 202 first. */
	complete202 = 0;
	private urlCounter = 0;

	constructor() {
		nock(UPLOAD_BASE)
			.persist()
			.post('/multipart/start')
			.reply(this.handler('start', () => [200, this.startResponse]));
		const location = nock(LOCATION).persist();
		location.post('/multipart/upload').reply(
			this.handler('upload', (json) => {
				const n = ++this.urlCounter;
				const offset = json.offset === undefined ? '' : `/${String(json.offset)}`;
				return [
					200,
					{
						url: `${STORAGE}/put/${String(json.part)}${offset}?try=${n}`,
						headers: { 'Content-MD5': json.md5, 'x-amz-date': `D${n}` },
					},
				];
			}),
		);
		location.post('/multipart/commit').reply(this.handler('commit', () => [200, '']));
		location.post('/multipart/complete').reply(
			this.handler('complete', (json) => {
				if (this.complete202 > 0) {
					this.complete202--;
					return [202, ''];
				}
				return [
					200,
					{
						handle: 'HANDLE1',
						url: 'https://cdn.example.test/HANDLE1',
						filename: json.filename,
						size: json.size,
						mimetype: json.mimetype,
						status: 'Stored',
						key: `abc_${String(json.filename)}`,
						container: 'bucket',
						upload_tags: json.upload_tags,
					},
				];
			}),
		);
		nock(STORAGE)
			.persist()
			.put(/.*/)
			.reply(this.handler('put', (_json, bytes) => [200, '', { ETag: `"${md5Hex(bytes)}"` }]));
	}

	of(route: Route): Recorded[] {
		return this.requests.filter((request) => request.route === route);
	}

	private handler(
		route: Route,
		answer: (
			json: Record<string, unknown>,
			bytes: Buffer,
		) => [number, unknown, Record<string, string>?],
	) {
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const api = this;
		return async function (
			this: { req: { headers: Record<string, string | string[] | undefined> } },
			path: string,
			body: unknown,
		) {
			const recorded: Recorded = { route, path, headers: { ...this.req.headers } };
			let json: Record<string, unknown> = {};
			if (route === 'put') {
				recorded.bytes = Buffer.from(typeof body === 'string' ? body : '', 'hex');
			} else {
				json = recorded.json = (typeof body === 'string' ? JSON.parse(body) : body) as Record<
					string,
					unknown
				>;
			}
			api.requests.push(recorded);
			const failure = api.failures[route].shift();
			if (failure === 'network') throw new Error('socket hang up (injected)');
			if (failure) return [failure.status, failure.body ?? '', failure.headers ?? {}];
			return answer(json, recorded.bytes ?? Buffer.alloc(0));
		};
	}
}

export function cleanNock(): void {
	nock.cleanAll();
}

// Jest gives each test file its own nock but one shared `http`: each file must take its interception down again.
beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
});
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});
