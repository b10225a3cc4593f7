/**
 * The benchmark: uploads and downloads through the SDK and through the node as a user runs it (workflows executed by
 * n8n-core in this process), against the emulator in a child process, for throughput and for the client's memory.
 *
 *   npm run bench -- [--scenario single|bulk|all] [--sizes 256,1024] [--repeat 3] [--transport n8n|node]
 *     [--files 1000] [--latency-ms 50] [--at-once 1,16] [--faulty-uploads 20]
 *
 * single: for each size, the SDK's streamed multipart upload against one raw PUT of the whole file (the presigned
 * URL of a single part, so the emulator spools and hashes the bytes exactly as it does each of the SDK's parts), and
 * the node's File → Upload of the same file from n8n's filesystem binary store against the SDK alone. Download: the
 * SDK's `filelink(handle).download()` against a raw GET of the same URL, both hashing the bytes as they come.
 * Files are generated first (deterministic bytes, streamed to disk; on /dev/shm when there is one, as are the
 * emulator's spool and n8n's binary store, so that disk writeback does not blur the numbers). The runs alternate;
 * the best time of each counts, and the highest RSS. Every run checks the bytes by MD5 against the source's: the
 * emulator's ETag of the raw PUT, the stored file's MD5 after each upload, the MD5 of what each download received.
 *
 * bulk: see bench/bulk.ts (many small files, upload → transform → download, at several "Items at Once").
 *
 * `--faulty-uploads N` runs instead N uploads of 1 GiB with the SDK's default retry policy under the faults of the
 * upload tests (`UPLOAD_FAULTS`: a tenth of the part PUTs failing, a tenth cut off mid-body, 5 % 503 and 5 % 429
 * on the Upload API), and checks that every stored file is byte-identical to the source (MD5).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { Client } from '../nodes/Filestack/sdk/client';
import { DEFAULT_PART_SIZE } from '../nodes/Filestack/sdk/upload';
import type { Transport } from '../nodes/Filestack/sdk/transport';
import type { Harness } from '../test/harness';
import { bulkScenario } from './bulk';
import {
	API_KEY,
	chooseTransport,
	mbs,
	md5Hex,
	measure,
	MiB,
	mib,
	print,
	rawGet,
	READ_CHUNK,
	requestJson,
	scratchRoot,
	type SourceFile,
	storedMd5,
	type Timing,
	verdict,
	writeSource,
} from './common';
import { type BenchEmulator, startEmulator } from './emulator';
import { startWorkflows } from './workflow';
import { WorkflowUpload } from './workflowUpload';

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
const TARGETS = {
	uploadRatio: 0.75,
	downloadRatio: 0.8,
	rssGrowthMiB: 16,
	rssMaxMiB: 200,
	workflowUploadRatio: 0.9,
};
const SCENARIOS = ['single', 'bulk'] as const;

type Result = { best: Timing; peakRss: number };
type Contest = { baseline: Result; sdk: Result };
type Direction = 'upload' | 'download';
/** The node's File → Upload in a workflow (the contender) against the SDK alone (the baseline). */
type WorkflowContest = Contest;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			scenario: { type: 'string', default: 'all' },
			sizes: { type: 'string', default: '256,1024' },
			repeat: { type: 'string', default: '3' },
			transport: { type: 'string', default: 'n8n' },
			files: { type: 'string', default: '1000' },
			'latency-ms': { type: 'string', default: '50' },
			'at-once': { type: 'string', default: '1,16' },
			'faulty-uploads': { type: 'string' },
		},
	});
	if (values['faulty-uploads'] !== undefined) {
		await faultyUploads(Math.max(1, Number(values['faulty-uploads'])), values.transport);
		return;
	}
	const scenarios = values.scenario === 'all' ? SCENARIOS : [values.scenario];
	if (!scenarios.every((scenario) => (SCENARIOS as readonly string[]).includes(scenario)))
		throw new Error(`--scenario must be single, bulk or all (got ${values.scenario})`);
	const { transport, name } = await chooseTransport(values.transport);
	const scratch = await mkdtemp(join(scratchRoot(), 'filestack-bench-'));
	const emulator = await startEmulator(API_KEY, scratch);
	const client = new Client({
		apiKey: API_KEY,
		endpoints: { upload: emulator.url, cdn: emulator.url, api: `${emulator.url}/api` },
		transport,
	});
	print(
		`emulator ${emulator.url} in a child process; spool, sources and n8n's binary store in ${scratch}`,
	);
	print(
		`SDK transport: ${name}; the node's is its own (n8n-core's httpRequest); GC between runs: ${Boolean(global.gc)}`,
	);

	// n8n-core's execution engine is loaded only once the SDK-vs-raw runs are done, so that their RSS is as before.
	let harness: Harness | undefined;
	const bench = {
		client,
		emulator,
		scratch,
		workflows: async () => (harness ??= await startWorkflows(scratch)),
	};
	let ok = true;
	try {
		if (scenarios.includes('single')) {
			const sizes = values.sizes.split(',').map((size) => Math.round(Number(size) * MiB));
			const repeat = Math.max(1, Number(values.repeat));
			ok = (await singleScenario(bench, sizes, repeat)) && ok;
		}
		if (scenarios.includes('bulk')) {
			const options = {
				files: Math.max(1, Number(values.files)),
				latencyMs: Number(values['latency-ms']),
				atOnce: values['at-once'].split(',').map(Number),
			};
			ok = (await bulkScenario(await bench.workflows(), emulator, client, scratch, options)) && ok;
		}
	} finally {
		await (harness as Harness | undefined)?.close();
		emulator.close();
		await rm(scratch, { recursive: true, force: true });
	}
	if (!ok) process.exitCode = 1;
}

interface SingleBench {
	client: Client;
	emulator: BenchEmulator;
	scratch: string;
	workflows: () => Promise<Harness>;
}

/**
 * One file per size. First `repeat` alternating runs of the raw PUT, the SDK's upload, the raw GET and the SDK's
 * download; then, with n8n-core loaded, `repeat` alternating runs of the SDK's upload and the node's File → Upload
 * in a workflow. Prints each size's figures, then the verdicts.
 */
async function singleScenario(
	{ client, emulator, scratch, workflows }: SingleBench,
	sizes: number[],
	repeat: number,
): Promise<boolean> {
	print(`single: ${repeat} alternating runs each, best time`);
	let ok = true;
	const check = (passed: boolean) => (ok = passed && ok);
	const stored = async (handle: string, file: SourceFile, what: string) => {
		const md5 = await storedMd5(emulator.url, handle);
		return md5 === file.md5Hex || mismatch(what, md5, file);
	};
	const remove = async (handle: string) =>
		await requestJson('DELETE', `${emulator.url}/api/file/${handle}?key=${API_KEY}`);
	const files = new Map<number, SourceFile>();
	for (const size of sizes) files.set(size, await writeSource(scratch, size));

	const results = new Map<number, Record<Direction, Contest>>();
	for (const [size, file] of files) {
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
			check(await stored(sdk.handle, file, `SDK-stored file ${sdk.handle}`));

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
			await remove(sdk.handle);
		}
		const result = {
			upload: { baseline: summarise(runs.upload.baseline), sdk: summarise(runs.upload.sdk) },
			download: { baseline: summarise(runs.download.baseline), sdk: summarise(runs.download.sdk) },
		};
		results.set(size, result);
		report(size, result);
	}

	const harness = await workflows();
	const workflowResults = new Map<number, WorkflowContest>();
	for (const [size, file] of files) {
		const node = await WorkflowUpload.of(harness, file);
		const runs = { baseline: [] as Timing[], sdk: [] as Timing[] };
		for (let i = 0; i < repeat; i++) {
			const sdk = await sdkUpload(client, file);
			runs.baseline.push(sdk.timing);
			check(await stored(sdk.handle, file, `SDK-stored file ${sdk.handle}`));
			await remove(sdk.handle);
			const inWorkflow = await node.run(emulator.url);
			runs.sdk.push(inWorkflow.timing);
			check(await stored(inWorkflow.handle, file, `node-stored file ${inWorkflow.handle}`));
			await remove(inWorkflow.handle);
		}
		const result = { baseline: summarise(runs.baseline), sdk: summarise(runs.sdk) };
		workflowResults.set(size, result);
		reportWorkflow(size, result);
		await rm(file.path);
	}
	return checkTargets(results, workflowResults) && ok;
}

/**
 * `count` uploads of 1 GiB under UPLOAD_FAULTS, each checked by the MD5 of the stored file against the source's,
 * with the SDK's default retry policy. Prints a line per upload (time, PUT tries and how many failed) and a verdict.
 */
async function faultyUploads(count: number, transportName: string): Promise<void> {
	const { transport, name } = await chooseTransport(transportName);
	const counted = countingPuts(transport);
	const dir = await mkdtemp(join(scratchRoot(), 'filestack-bench-'));
	const emulator = await startEmulator(API_KEY, dir, UPLOAD_FAULTS);
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
		emulator.close();
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

function mismatch(what: string, md5: string, file: SourceFile): false {
	print(`  MD5 of the ${what}, ${md5}, differs from the source's ${file.md5Hex}`);
	return false;
}

function summarise(timings: Timing[]): Result {
	const best = timings.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	return { best, peakRss: Math.max(...timings.map((timing) => timing.peakRss)) };
}

const ratio = ({ baseline, sdk }: Contest) => baseline.best.seconds / sdk.best.seconds;
const line = (size: number, what: string, figures: Result, compared: string) =>
	print(
		`${`${size / MiB} MiB`.padEnd(9)} ${what.padEnd(44)} ${mbs(size, figures.best.seconds).padStart(11)}` +
			`  ${compared.padEnd(18)}  peak RSS ${mib(figures.peakRss)}`,
	);

function report(size: number, { upload, download }: Record<Direction, Contest>): void {
	line(size, 'baseline upload (raw PUT)', upload.baseline, '');
	line(size, 'SDK uploadStream', upload.sdk, `x${ratio(upload).toFixed(2)} of baseline`);
	line(size, 'baseline download (raw GET)', download.baseline, '');
	line(size, 'SDK filelink.download()', download.sdk, `x${ratio(download).toFixed(2)} of baseline`);
}

function reportWorkflow(size: number, contest: WorkflowContest): void {
	line(size, 'SDK uploadStream (n8n-core loaded)', contest.baseline, '');
	line(
		size,
		'node File → Upload in a workflow (fs store)',
		contest.sdk,
		`x${ratio(contest).toFixed(2)} of SDK alone`,
	);
}

/** The targets, judged on the largest and smallest sizes run. */
function checkTargets(
	results: Map<number, Record<Direction, Contest>>,
	workflowResults: Map<number, WorkflowContest>,
): boolean {
	const sizes = [...results.keys()].sort((a, b) => a - b);
	const small = results.get(sizes[0])!;
	const large = results.get(sizes[sizes.length - 1])!;
	const largest = `${sizes[sizes.length - 1] / MiB} MiB`;
	const workflow = workflowResults.get(sizes[sizes.length - 1])!;
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
			`node upload in a workflow x${ratio(workflow).toFixed(2)} of the SDK alone at ${largest} (>= ${TARGETS.workflowUploadRatio})`,
			ratio(workflow) >= TARGETS.workflowUploadRatio,
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
	return checks.map(([text, passed]) => verdict(passed, text)).every(Boolean);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
