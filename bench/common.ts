import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import type { ByteStream, Transport } from '../nodes/Filestack/sdk/transport';
import { deterministicBytes } from '../test/harness/deterministicBytes';
import { nodeTransport } from '../test/harness/nodeTransport';

// What the benchmark's scenarios share: output, sources, measuring, and the plain HTTP calls of the benchmark itself.

export const MiB = 1024 * 1024;
export const API_KEY = 'BENCH_KEY';
/** The node reads n8n's binary store 1 MiB at a time (`getBinaryStream(id, 1 MiB)`); the SDK alone does too here. */
export const READ_CHUNK = MiB;

export interface SourceFile {
	path: string;
	size: number;
	md5Hex: string;
}

export interface Timing {
	seconds: number;
	peakRss: number;
}

export function print(line: string): void {
	process.stdout.write(`${line}\n`);
}

/** Sources and spools on /dev/shm when there is one, so that disk writeback does not blur the numbers. */
export function scratchRoot(): string {
	return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** Deterministic bytes written to a file as a stream, hashed on the way. */
export async function writeSource(
	dir: string,
	size: number,
	seed: number = size,
	name = `source-${size}.bin`,
): Promise<SourceFile> {
	const path = join(dir, name);
	const md5 = createHash('md5');
	await pipeline(
		deterministicBytes(size, seed, Math.min(size, MiB) || 1),
		async function* (pieces: AsyncIterable<Buffer>) {
			for await (const piece of pieces) {
				md5.update(piece);
				yield piece;
			}
		},
		createWriteStream(path),
	);
	return { path, size, md5Hex: md5.digest('hex') };
}

/** Settles memory (when GC is exposed), then the process's RSS now. */
export async function settledRss(): Promise<number> {
	global.gc?.();
	await new Promise((resolve) => setTimeout(resolve, 200));
	return process.memoryUsage().rss;
}

/** Runs `work` while sampling this process's RSS every 50 ms, after settling memory. */
export async function measure<T>(
	work: () => Promise<T>,
): Promise<Timing & { result: T; startRss: number }> {
	const startRss = await settledRss();
	let peakRss = startRss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 50);
	const started = process.hrtime.bigint();
	try {
		const result = await work();
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		return { result, seconds, startRss, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
	} finally {
		clearInterval(sampler);
	}
}

export async function md5Hex(stream: ByteStream): Promise<string> {
	const md5 = createHash('md5');
	for await (const chunk of stream) md5.update(chunk);
	return md5.digest('hex');
}

/** Runs `work` on every item, at most `limit` at once; the results in the items' order. */
export async function pool<T, R>(
	items: readonly T[],
	limit: number,
	work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

export async function requestJson(
	method: string,
	url: string,
	body?: unknown,
): Promise<Record<string, unknown>> {
	const response = await fetch(url, {
		method,
		headers: body === undefined ? undefined : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
	try {
		return JSON.parse(text) as Record<string, unknown>;
	} catch {
		return { text };
	}
}

/** The MD5 of a file the emulator stores, as its File API reports it. */
/**
 * A plain GET with Node's http, its body as it comes: the baselines' download. `agent: false` opens a connection of
 * its own, as n8n-core's HTTP helper does for every request.
 */
export async function rawGet(
	url: string,
	agent?: http.Agent | false,
): Promise<http.IncomingMessage> {
	const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
		http.get(url, { agent }, resolve).once('error', reject);
	});
	if (response.statusCode !== 200)
		throw new Error(`The baseline GET answered ${response.statusCode}`);
	return response;
}

export async function storedMd5(origin: string, handle: string): Promise<string> {
	return String((await requestJson('GET', `${origin}/api/file/${handle}/metadata?md5=true`)).md5);
}

/** The transport the n8n node uses in production (its Transport on n8n-core's httpRequest helper), or Node's http. */
export async function chooseTransport(
	which: string,
): Promise<{ transport: Transport; name: string }> {
	if (which === 'node')
		return { transport: nodeTransport(), name: 'Node http (test/harness/nodeTransport.ts)' };
	const { httpRequest } = await import(
		'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions'
	);
	const { n8nTransport } = await import('../nodes/Filestack/helpers/n8nTransport');
	const context = { helpers: { httpRequest }, getExecutionCancelSignal: () => undefined };
	return {
		transport: n8nTransport(context as unknown as Parameters<typeof n8nTransport>[0]),
		name: "n8nTransport on n8n-core's httpRequest (axios), as in production",
	};
}

export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
export const mbs = (size: number, seconds: number) => `${(size / MiB / seconds).toFixed(1)} MB/s`;
export const verdict = (passed: boolean, text: string) => {
	print(`${passed ? 'PASS' : 'FAIL'}  ${text}`);
	return passed;
};
