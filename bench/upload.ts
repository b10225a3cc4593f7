/**
 * Upload and download benchmark: the SDK against the simplest streamed HTTP request for the same bytes and the same
 * emulator, for throughput and for the client's memory.
 *
 *   npx tsc -p tsconfig.tools.json && node --expose-gc .build/bench/upload.js [--sizes 256,1024] [--repeat 3]
 *     [--transport n8n|node] [--faulty-uploads 20]
 *
 * `--faulty-uploads N` runs instead N uploads of 1 GiB with the SDK's default retry policy under the faults of the
 * upload tests (`UPLOAD_FAULTS`: a tenth of the part PUTs failing, a tenth cut off mid-body, 5 % 503 and 5 % 429
 * on the Upload API), and checks that every stored file is byte-identical to the source (MD5).
 *
 * Upload: the SDK's streamed multipart upload against one raw PUT of the whole file (the presigned URL of a single
 * part, so the emulator spools and hashes the bytes exactly as it does each of the SDK's parts). Download: the
 * SDK's `filelink(handle).download()` against a raw GET of the same URL, both hashing the bytes as they come.
 *
 * The emulator runs in a child process, so this process's RSS is the client's alone. Files are generated first
 * (deterministic bytes, streamed to disk; on /dev/shm when there is one, as is the emulator's spool, so that disk
 * writeback does not blur the numbers). Baseline and SDK runs alternate; the best time of each counts, and the
 * highest RSS. Every run checks the bytes by MD5 against the source's: the emulator's ETag of the raw PUT, the
 * stored file's MD5 after the SDK's upload, the MD5 of what each download received.
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

import { Client } from '../nodes/Filestack/sdk/client';
import { DEFAULT_PART_SIZE } from '../nodes/Filestack/sdk/upload';
import type { ByteStream, Transport } from '../nodes/Filestack/sdk/transport';
import { deterministicBytes } from '../test/harness/deterministicBytes';
import { nodeTransport } from '../test/harness/nodeTransport';

const MiB = 1024 * 1024;
const API_KEY = 'BENCH_KEY';
/** The faults of the upload tests (see test/emulator/faults.ts), for `--faulty-uploads`. */
const UPLOAD_FAULTS = {
	putFailureRate: 0.1,
	putCutoffRate: 0.1,
	apiFailureRate: 0.05,
	apiFailureStatus: 503,
	apiThrottleRate: 0.05,
	retryAfterSeconds: 1,
};
const FAULTY_UPLOAD_SIZE = 1024 * MiB;
const TARGETS = { uploadRatio: 0.75, downloadRatio: 0.8, rssGrowthMiB: 16, rssMaxMiB: 200 };
/** The node reads n8n's binary store 1 MiB at a time (`getBinaryStream(id, 1 MiB)`); both contenders do here. */
const READ_CHUNK = MiB;

interface SourceFile {
	path: string;
	size: number;
	md5Hex: string;
}

interface Timing {
	seconds: number;
	peakRss: number;
}

type Result = { best: Timing; peakRss: number };
type Contest = { baseline: Result; sdk: Result };
type Direction = 'upload' | 'download';

function print(line: string): void {
	process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			sizes: { type: 'string', default: '256,1024' },
			repeat: { type: 'string', default: '3' },
			transport: { type: 'string', default: 'n8n' },
			'faulty-uploads': { type: 'string' },
		},
	});
	if (values['faulty-uploads'] !== undefined) {
		await faultyUploads(Math.max(1, Number(values['faulty-uploads'])), values.transport);
		return;
	}
	const sizes = values.sizes.split(',').map((mib) => Math.round(Number(mib) * MiB));
	const repeat = Math.max(1, Number(values.repeat));
	const { transport, name } = await chooseTransport(values.transport);
	const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
	const dir = await mkdtemp(join(scratch, 'filestack-bench-'));
	const emulator = await startEmulator(dir);
	const client = new Client({
		apiKey: API_KEY,
		endpoints: { upload: emulator.url, cdn: emulator.url, api: `${emulator.url}/api` },
		transport,
	});
	print(`emulator ${emulator.url} in a child process; spool and sources in ${scratch}`);
	print(
		`SDK transport: ${name}; ${repeat} alternating runs each, best time; GC between runs: ${Boolean(global.gc)}`,
	);

	const results = new Map<number, Record<Direction, Contest>>();
	let ok = true;
	const check = (passed: boolean) => (ok = passed && ok);
	try {
		for (const size of sizes) {
			const file = await writeSource(dir, size);
			const runs = {
				upload: { baseline: [] as Timing[], sdk: [] as Timing[] },
				download: { baseline: [] as Timing[], sdk: [] as Timing[] },
			};
			for (let i = 0; i < repeat; i++) {
				const baseline = await rawUpload(emulator.url, file);
				runs.upload.baseline.push(baseline.timing);
				check(baseline.md5Hex === file.md5Hex || mismatch('raw PUT', baseline.md5Hex, file));
				const sdk = await sdkUpload(client, file);
				runs.upload.sdk.push(sdk.timing);
				check(await storedMd5Matches(emulator.url, sdk.handle, file));

				// Both downloads read the file the SDK stored: its parts, as any SDK upload leaves them.
				const url = client.filelink(sdk.handle).url();
				const raw = await measure(async () => await md5Hex(await rawGet(url)));
				runs.download.baseline.push(raw);
				check(raw.result === file.md5Hex || mismatch('raw GET', raw.result, file));
				const fetched = await measure(
					async () => await md5Hex((await client.filelink(sdk.handle).download()).stream),
				);
				runs.download.sdk.push(fetched);
				check(fetched.result === file.md5Hex || mismatch('SDK download', fetched.result, file));
				await requestJson('DELETE', `${emulator.url}/api/file/${sdk.handle}?key=${API_KEY}`);
			}
			const result = {
				upload: { baseline: summarise(runs.upload.baseline), sdk: summarise(runs.upload.sdk) },
				download: {
					baseline: summarise(runs.download.baseline),
					sdk: summarise(runs.download.sdk),
				},
			};
			results.set(size, result);
			report(size, result);
			await rm(file.path);
		}
	} finally {
		emulator.process.kill('SIGTERM');
		await rm(dir, { recursive: true, force: true });
	}
	check(checkTargets(results));
	if (!ok) process.exitCode = 1;
}

/**
 * `count` uploads of 1 GiB under UPLOAD_FAULTS, each checked by the MD5 of the stored file against the source's,
 * with the SDK's default retry policy. Prints a line per upload (time, PUT tries and how many failed) and a verdict.
 */
async function faultyUploads(count: number, transportName: string): Promise<void> {
	const { transport, name } = await chooseTransport(transportName);
	const counted = countingPuts(transport);
	const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
	const dir = await mkdtemp(join(scratch, 'filestack-bench-'));
	const emulator = await startEmulator(dir, UPLOAD_FAULTS);
	const client = new Client({
		apiKey: API_KEY,
		endpoints: { upload: emulator.url, cdn: emulator.url, api: `${emulator.url}/api` },
		transport: counted,
	});
	print(`emulator ${emulator.url} with faults ${JSON.stringify(UPLOAD_FAULTS)}`);
	print(`SDK transport: ${name}; ${count} uploads of 1 GiB, default retry policy`);
	let identical = 0;
	try {
		const file = await writeSource(dir, FAULTY_UPLOAD_SIZE);
		for (let run = 1; run <= count; run++) {
			const before = { ...counted.stats };
			const started = process.hrtime.bigint();
			const outcome = await sdkUpload(client, file).then(
				({ handle }) => ({ handle }),
				(error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
			);
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			const puts = counted.stats.puts - before.puts;
			const failed = counted.stats.failed - before.failed;
			const tries = `${puts} PUTs for ${FAULTY_UPLOAD_SIZE / DEFAULT_PART_SIZE} parts, ${failed} failed (${((100 * failed) / puts).toFixed(1)} %)`;
			if ('error' in outcome) {
				print(
					`upload ${run}/${count}: FAILED after ${seconds.toFixed(1)} s, ${tries}: ${outcome.error}`,
				);
				continue;
			}
			const metadata = await client.filelink(outcome.handle).metadata(['md5']);
			const same = metadata.md5 === file.md5Hex;
			if (same) identical++;
			print(
				`upload ${run}/${count}: ${seconds.toFixed(1)} s, ${tries}, MD5 ${same ? 'identical' : `DIFFERS (${String(metadata.md5)})`}`,
			);
			await retrying(
				async () =>
					await requestJson('DELETE', `${emulator.url}/api/file/${outcome.handle}?key=${API_KEY}`),
			);
		}
	} finally {
		emulator.process.kill('SIGTERM');
		await rm(dir, { recursive: true, force: true });
	}
	const passed = identical === count;
	print(
		`${passed ? 'PASS' : 'FAIL'}  ${identical} of ${count} uploads of 1 GiB under faults stored byte-identical`,
	);
	if (!passed) process.exitCode = 1;
}

/** The transport, counting the part PUTs and those that failed (no answer, or not 2xx). */
function countingPuts(
	transport: Transport,
): Transport & { stats: { puts: number; failed: number } } {
	const stats = { puts: 0, failed: 0 };
	return {
		stats,
		sleep: async (ms) => await transport.sleep(ms),
		async request(request) {
			if (request.method !== 'PUT') return await transport.request(request);
			stats.puts++;
			const answered = transport.request(request);
			answered.then(
				(response) => void (response.status >= 300 && stats.failed++),
				() => void stats.failed++,
			);
			return await answered;
		},
	};
}

/** The benchmark's own calls to the faulty emulator, tried until they get through (20 tries, a second apart). */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
	for (let attempt = 1; attempt < 20; attempt++) {
		const outcome = await call().then(
			(value) => ({ value }),
			() => undefined,
		);
		if (outcome) return outcome.value;
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	return await call();
}

/** The transport the n8n node uses in production (its Transport on n8n-core's httpRequest helper), or Node's http. */
async function chooseTransport(which: string): Promise<{ transport: Transport; name: string }> {
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

async function startEmulator(
	dir: string,
	faults?: object,
): Promise<{ url: string; process: ChildProcess }> {
	const cli = join(__dirname, '..', 'test', 'emulator', 'cli.js');
	const faultArgs = faults ? ['--faults', JSON.stringify(faults)] : [];
	// Its own process, so that this process's memory is the client's alone.
	const child = spawn(process.execPath, [cli, '--apikey', API_KEY, ...faultArgs], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, TMPDIR: dir },
	});
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.once('exit', (code) => reject(new Error(`The emulator exited with code ${code}`)));
		child.stdout!.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('\n'))
				resolve((JSON.parse(output.split('\n')[0]) as { url: string }).url);
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
async function measure<T>(work: () => Promise<T>): Promise<Timing & { result: T }> {
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
 * The upload baseline: the whole file streamed from disk in a single PUT with Node's http, to the presigned URL of
 * a one-part upload. Asking for the URL (start, upload) is not timed, nor are complete and delete afterwards.
 */
async function rawUpload(
	origin: string,
	file: SourceFile,
): Promise<{ md5Hex: string; timing: Timing }> {
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
	const run = await measure(
		async () => await put(target.url as string, target.headers as Record<string, string>, file),
	);
	const stored = await requestJson('POST', `${origin}/multipart/complete`, {
		...session,
		...ids,
		parts: [{ part_number: 1, etag: run.result }],
	});
	await requestJson('DELETE', `${origin}/api/file/${String(stored.handle)}?key=${API_KEY}`);
	return { md5Hex: run.result.replace(/"/g, ''), timing: run };
}

/** Streams the file in one PUT; answers the ETag (the quoted MD5 of what the emulator received). */
async function put(
	url: string,
	headers: Record<string, string>,
	file: SourceFile,
): Promise<string> {
	const request = http.request(url, {
		method: 'PUT',
		headers: { ...headers, 'content-length': String(file.size) },
	});
	const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
		request.once('response', resolve);
		request.once('error', reject);
	});
	await pipeline(createReadStream(file.path, { highWaterMark: READ_CHUNK }), request);
	const response = await responded;
	response.resume();
	if (response.statusCode !== 200)
		throw new Error(`The baseline PUT answered ${response.statusCode}`);
	return response.headers.etag ?? '';
}

/** The SDK with its defaults (8 MiB parts, 4 at a time), reading the file as a stream. */
async function sdkUpload(
	client: Client,
	file: SourceFile,
): Promise<{ handle: string; timing: Timing }> {
	const run = await measure(
		async () =>
			await client.upload(
				{ size: file.size, stream: createReadStream(file.path, { highWaterMark: READ_CHUNK }) },
				{ filename: 'sdk.bin', intelligent: 'off' },
			),
	);
	return { handle: run.result.handle, timing: run };
}

/** The download baseline: a GET with Node's http, its body as it comes. */
async function rawGet(url: string): Promise<http.IncomingMessage> {
	const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
		http.get(url, resolve).once('error', reject);
	});
	if (response.statusCode !== 200)
		throw new Error(`The baseline GET answered ${response.statusCode}`);
	return response;
}

async function md5Hex(stream: ByteStream): Promise<string> {
	const md5 = createHash('md5');
	for await (const chunk of stream) md5.update(chunk);
	return md5.digest('hex');
}

/** Whether the emulator stored exactly the source's bytes (by MD5). */
async function storedMd5Matches(
	origin: string,
	handle: string,
	file: SourceFile,
): Promise<boolean> {
	const metadata = await requestJson('GET', `${origin}/api/file/${handle}/metadata?md5=true`);
	return (
		metadata.md5 === file.md5Hex || mismatch(`stored file ${handle}`, String(metadata.md5), file)
	);
}

function mismatch(what: string, md5: string, file: SourceFile): false {
	print(`  MD5 of the ${what}, ${md5}, differs from the source's ${file.md5Hex}`);
	return false;
}

async function requestJson(
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

function summarise(timings: Timing[]): Result {
	const best = timings.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	return { best, peakRss: Math.max(...timings.map((timing) => timing.peakRss)) };
}

const mbs = (size: number, seconds: number) => `${(size / MiB / seconds).toFixed(1)} MB/s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const ratio = ({ baseline, sdk }: Contest) => baseline.best.seconds / sdk.best.seconds;

function report(size: number, { upload, download }: Record<Direction, Contest>): void {
	const line = (what: string, result: Result, compared: string) =>
		print(
			`${`${size / MiB} MiB`.padEnd(9)} ${what.padEnd(34)} ${mbs(size, result.best.seconds).padStart(11)}` +
				`  ${compared.padEnd(17)}  peak RSS ${mib(result.peakRss)}`,
		);
	line('baseline upload (raw PUT)', upload.baseline, '');
	line('SDK uploadStream', upload.sdk, `x${ratio(upload).toFixed(2)} of baseline`);
	line('baseline download (raw GET)', download.baseline, '');
	line('SDK filelink.download()', download.sdk, `x${ratio(download).toFixed(2)} of baseline`);
}

/** The targets, judged on the largest and smallest sizes run. */
function checkTargets(results: Map<number, Record<Direction, Contest>>): boolean {
	const sizes = [...results.keys()].sort((a, b) => a - b);
	const small = results.get(sizes[0])!;
	const large = results.get(sizes[sizes.length - 1])!;
	const largest = `${sizes[sizes.length - 1] / MiB} MiB`;
	const growth = (direction: Direction) =>
		(large[direction].sdk.peakRss - small[direction].sdk.peakRss) / MiB;
	const checks: Array<[string, boolean]> = [
		[
			`upload throughput x${ratio(large.upload).toFixed(2)} of baseline at ${largest} (>= ${TARGETS.uploadRatio})`,
			ratio(large.upload) >= TARGETS.uploadRatio,
		],
		[
			`upload peak RSS grows ${growth('upload').toFixed(1)} MiB from the smallest to the largest file (<= ${TARGETS.rssGrowthMiB})`,
			growth('upload') <= TARGETS.rssGrowthMiB,
		],
		[
			`upload peak RSS ${mib(large.upload.sdk.peakRss)} at the largest file (< ${TARGETS.rssMaxMiB} MiB)`,
			large.upload.sdk.peakRss / MiB < TARGETS.rssMaxMiB,
		],
		[
			`download throughput x${ratio(large.download).toFixed(2)} of baseline at ${largest} (>= ${TARGETS.downloadRatio})`,
			ratio(large.download) >= TARGETS.downloadRatio,
		],
		[
			`download peak RSS grows ${growth('download').toFixed(1)} MiB from the smallest to the largest file (<= ${TARGETS.rssGrowthMiB})`,
			growth('download') <= TARGETS.rssGrowthMiB,
		],
	];
	for (const [text, passed] of checks) print(`${passed ? 'PASS' : 'FAIL'}  ${text}`);
	return checks.every(([, passed]) => passed);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
