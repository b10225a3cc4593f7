/**
 * Upload benchmark: the SDK's streamed multipart upload against the simplest streamed upload of the same file to the
 * same emulator, for throughput and for the client's memory.
 *
 *   npx tsc -p tsconfig.tools.json && node --expose-gc .build/bench/upload.js [--sizes 256,1024] [--repeat 3]
 *     [--transport n8n|node]
 *
 * The emulator runs in a child process, so this process's RSS is the client's alone. Files are generated first
 * (deterministic bytes, streamed to disk; on /dev/shm when there is one, as is the emulator's spool, so that disk
 * writeback does not blur the numbers). Baseline and SDK runs alternate; the best time of each counts, and the
 * highest RSS. Every run checks the MD5 the emulator stored against the source's, and deletes the file again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { Http } from '../nodes/Filestack/sdk/http';
import type { Transport } from '../nodes/Filestack/sdk/transport';
import { uploadStream } from '../nodes/Filestack/sdk/upload';
import { deterministicBytes } from '../test/harness/deterministicBytes';
import { nodeTransport } from '../test/harness/nodeTransport';

const MiB = 1024 * 1024;
const API_KEY = 'BENCH_KEY';
const TARGETS = { throughputRatio: 0.75, rssGrowthMiB: 16, rssMaxMiB: 200 };
/** The node reads n8n's binary store 1 MiB at a time (`getBinaryStream(id, 1 MiB)`); both contenders do here. */
const READ_CHUNK = MiB;

interface SourceFile {
	path: string;
	size: number;
	md5Hex: string;
}

interface Timing {
	seconds: number;
	/** Seconds of the PUT alone (baseline only). */
	putSeconds?: number;
	peakRss: number;
}

type Result = { best: Timing; peakRss: number };

function print(line: string): void {
	process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			sizes: { type: 'string', default: '256,1024' },
			repeat: { type: 'string', default: '3' },
			transport: { type: 'string', default: 'n8n' },
		},
	});
	const sizes = values.sizes.split(',').map((mib) => Math.round(Number(mib) * MiB));
	const repeat = Math.max(1, Number(values.repeat));
	const { transport, name } = await chooseTransport(values.transport);
	const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
	const dir = await mkdtemp(join(scratch, 'filestack-bench-'));
	const emulator = await startEmulator(dir);
	print(`emulator ${emulator.url} in a child process; spool and sources in ${scratch}`);
	print(`SDK transport: ${name}; ${repeat} alternating runs each, best time; GC between runs: ${Boolean(global.gc)}`);

	const results = new Map<number, { baseline: Result; sdk: Result }>();
	let ok = true;
	try {
		for (const size of sizes) {
			const file = await writeSource(dir, size);
			const runs = { baseline: [] as Timing[], sdk: [] as Timing[] };
			for (let i = 0; i < repeat; i++) {
				const baseline = await rawUpload(emulator.url, file);
				runs.baseline.push(baseline.timing);
				ok = (await checkAndDelete(emulator.url, baseline.handle, file)) && ok;
				const sdk = await sdkUpload(emulator.url, transport, file);
				runs.sdk.push(sdk.timing);
				ok = (await checkAndDelete(emulator.url, sdk.handle, file)) && ok;
			}
			const result = { baseline: summarise(runs.baseline), sdk: summarise(runs.sdk) };
			results.set(size, result);
			report(size, result);
			await rm(file.path);
		}
	} finally {
		emulator.process.kill('SIGTERM');
		await rm(dir, { recursive: true, force: true });
	}
	ok = checkTargets(results) && ok;
	if (!ok) process.exitCode = 1;
}

/** The transport the n8n node uses in production (its Transport on n8n-core's httpRequest helper), or Node's http. */
async function chooseTransport(which: string): Promise<{ transport: Transport; name: string }> {
	if (which === 'node') return { transport: nodeTransport(), name: 'Node http (test/harness/nodeTransport.ts)' };
	const { httpRequest } = await import(
		'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions'
	);
	const { n8nTransport } = await import('../nodes/Filestack/transport/n8nTransport');
	const context = { helpers: { httpRequest }, getExecutionCancelSignal: () => undefined };
	return {
		transport: n8nTransport(context as unknown as Parameters<typeof n8nTransport>[0]),
		name: "n8nTransport on n8n-core's httpRequest (axios), as in production",
	};
}

async function startEmulator(dir: string): Promise<{ url: string; process: ChildProcess }> {
	const cli = join(__dirname, '..', 'test', 'emulator', 'cli.js');
	// Its own process, so that this process's memory is the client's alone; never shipped, only runs our emulator.
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
	const child = spawn(process.execPath, [cli, '--apikey', API_KEY], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, TMPDIR: dir },
	});
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.once('exit', (code) => reject(new Error(`The emulator exited with code ${code}`)));
		child.stdout!.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('\n')) resolve((JSON.parse(output.split('\n')[0]) as { url: string }).url);
		});
	});
	return { url, process: child };
}

/** Deterministic bytes written to a file as a stream, hashed on the way. */
async function writeSource(dir: string, size: number): Promise<SourceFile> {
	const path = join(dir, `source-${size}.bin`);
	const md5 = createHash('md5');
	await pipeline(
		deterministicBytes(size, size, MiB),
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

/** Runs `work` while sampling this process's RSS every 50 ms, after settling memory when GC is exposed. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRss: number }> {
	global.gc?.();
	await new Promise((resolve) => setTimeout(resolve, 200));
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
	}, 50);
	const started = process.hrtime.bigint();
	try {
		const result = await work();
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		return { result, seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
	} finally {
		clearInterval(sampler);
	}
}

/**
 * The baseline: the whole file as one part, streamed from disk in a single PUT with Node's http and nothing else,
 * then complete, so that the emulator does the same work to store it as for the SDK's upload. Asking for the
 * URL (start, upload) is not timed.
 */
async function rawUpload(origin: string, file: SourceFile): Promise<{ handle: string; timing: Timing }> {
	const session = {
		apikey: API_KEY,
		filename: 'baseline.bin',
		mimetype: 'application/octet-stream',
		size: file.size,
		store: { location: 's3' },
	};
	const start = await requestJson('POST', `${origin}/multipart/start`, session);
	const ids = { uri: start.uri, region: start.region, upload_id: start.upload_id };
	const md5 = Buffer.from(file.md5Hex, 'hex').toString('base64');
	const target = await requestJson('POST', `${origin}/multipart/upload`, {
		...session,
		...ids,
		part: 1,
		size: file.size,
		md5,
	});
	let putSeconds = 0;
	const run = await measure(async () => {
		const started = process.hrtime.bigint();
		const etag = await put(target.url as string, target.headers as Record<string, string>, file);
		putSeconds = Number(process.hrtime.bigint() - started) / 1e9;
		const parts = [{ part_number: 1, etag }];
		return await requestJson('POST', `${origin}/multipart/complete`, { ...session, ...ids, parts });
	});
	return { handle: String(run.result.handle), timing: { seconds: run.seconds, putSeconds, peakRss: run.peakRss } };
}

async function put(url: string, headers: Record<string, string>, file: SourceFile): Promise<string> {
	const request = http.request(url, { method: 'PUT', headers: { ...headers, 'content-length': String(file.size) } });
	const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
		request.once('response', resolve);
		request.once('error', reject);
	});
	await pipeline(createReadStream(file.path, { highWaterMark: READ_CHUNK }), request);
	const response = await responded;
	response.resume();
	if (response.statusCode !== 200) throw new Error(`The baseline PUT answered ${response.statusCode}`);
	return response.headers.etag ?? '';
}

/** The SDK with its defaults (8 MiB parts, 4 at a time), reading the file as a stream. */
async function sdkUpload(
	origin: string,
	transport: Transport,
	file: SourceFile,
): Promise<{ handle: string; timing: Timing }> {
	const client = new Http(transport);
	const run = await measure(
		async () =>
			await uploadStream(
				client,
				{ uploadBase: origin, apiKey: API_KEY },
				{ size: file.size, stream: createReadStream(file.path, { highWaterMark: READ_CHUNK }) },
				{ filename: 'sdk.bin', intelligent: 'off' },
			),
	);
	return { handle: run.result.handle, timing: { seconds: run.seconds, peakRss: run.peakRss } };
}

/** Whether the emulator stored exactly the source's bytes (by MD5); the file is deleted either way. */
async function checkAndDelete(origin: string, handle: string, file: SourceFile): Promise<boolean> {
	const metadata = await requestJson('GET', `${origin}/api/file/${handle}/metadata?md5=true`);
	await requestJson('DELETE', `${origin}/api/file/${handle}?key=${API_KEY}`);
	if (metadata.md5 === file.md5Hex) return true;
	print(`  stored MD5 ${String(metadata.md5)} differs from the source's ${file.md5Hex} (${handle})`);
	return false;
}

async function requestJson(method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
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

function summarise(timings: Timing[]): Result {
	const best = timings.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	return { best, peakRss: Math.max(...timings.map((timing) => timing.peakRss)) };
}

const mbs = (size: number, seconds: number) => `${(size / MiB / seconds).toFixed(1)} MB/s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

function report(size: number, { baseline, sdk }: { baseline: Result; sdk: Result }): void {
	const label = `${size / MiB} MiB`.padEnd(9);
	print(
		`${label} baseline (raw PUT + complete)  ${mbs(size, baseline.best.seconds).padStart(11)}` +
			`  (PUT alone ${mbs(size, baseline.best.putSeconds ?? NaN)})  peak RSS ${mib(baseline.peakRss)}`,
	);
	print(
		`${label} SDK uploadStream               ${mbs(size, sdk.best.seconds).padStart(11)}` +
			`  x${(baseline.best.seconds / sdk.best.seconds).toFixed(2)} of baseline  peak RSS ${mib(sdk.peakRss)}`,
	);
}

/** The targets, judged on the largest and smallest sizes run. */
function checkTargets(results: Map<number, { baseline: Result; sdk: Result }>): boolean {
	const sizes = [...results.keys()].sort((a, b) => a - b);
	const small = results.get(sizes[0])!;
	const large = results.get(sizes[sizes.length - 1])!;
	const ratio = large.baseline.best.seconds / large.sdk.best.seconds;
	const growth = (large.sdk.peakRss - small.sdk.peakRss) / MiB;
	const checks: Array<[string, boolean]> = [
		[
			`throughput x${ratio.toFixed(2)} of baseline at ${sizes[sizes.length - 1] / MiB} MiB (>= ${TARGETS.throughputRatio})`,
			ratio >= TARGETS.throughputRatio,
		],
		[
			`peak RSS grows ${growth.toFixed(1)} MiB from the smallest to the largest file (<= ${TARGETS.rssGrowthMiB})`,
			growth <= TARGETS.rssGrowthMiB,
		],
		[
			`peak RSS ${mib(large.sdk.peakRss)} at the largest file (< ${TARGETS.rssMaxMiB} MiB)`,
			large.sdk.peakRss / MiB < TARGETS.rssMaxMiB,
		],
	];
	for (const [text, passed] of checks) print(`${passed ? 'PASS' : 'FAIL'}  ${text}`);
	return checks.every(([, passed]) => passed);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
