import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';

import { useWorkflowFixture } from './fixture';
import { outcome } from './n8n';
import { filestackNode, readFileFromDisk } from './workflows';

// The memory promise, in a real n8n 1.123.81 with binary data on the filesystem: a 1 GiB file read from
// disk and uploaded by the Filestack node costs the n8n process at most 150 MiB more resident memory than it had
// when the upload began.
const MiB = 1024 * 1024;
const FILE_SIZE = 1024 * MiB;
const ALLOWED_GROWTH = 150 * MiB;
const SAMPLE_EVERY_MS = 25;
const API_KEY = 'E2E_LARGE_KEY';
const WORKFLOW_ID = 'e2eLargeUpload';

const fixture = useWorkflowFixture(API_KEY);

/** Writes `size` bytes of an AES-CTR keystream (incompressible, the same every run) and returns their MD5. */
async function writeDeterministicFile(path: string, size: number): Promise<string> {
	const keystream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
	const md5 = createHash('md5');
	const zeros = Buffer.alloc(4 * MiB);
	async function* chunks() {
		for (let written = 0; written < size; written += zeros.length) {
			const chunk = keystream.update(zeros.subarray(0, Math.min(zeros.length, size - written)));
			md5.update(chunk);
			yield chunk;
		}
	}
	await pipeline(chunks(), createWriteStream(path));
	return md5.digest('hex');
}

/** The pid of this process's child whose command line has `argument` (the n8n CLI that `N8nHome` spawned). */
function childWithArgument(argument: string): number | undefined {
	for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (parent === process.pid && args.includes(argument)) return Number(entry);
		} catch {
			// the process ended while being looked at
		}
	}
	return undefined;
}

/** Polls until `probe` gives a value; undefined if `gaveUp` turns true first. */
async function pollFor<T>(
	probe: () => T | undefined,
	gaveUp: () => boolean,
	everyMs: number,
): Promise<T | undefined> {
	for (;;) {
		const value = probe();
		if (value !== undefined || gaveUp()) return value;
		await new Promise((wait) => setTimeout(wait, everyMs));
	}
}

type Sample = [at: number, rssBytes: number];

// A worker thread samples on its own event loop, so the emulator receiving 1 GiB on the main one cannot delay it.
const SAMPLER = `
	const { parentPort, workerData } = require('node:worker_threads');
	const { readFileSync } = require('node:fs');
	const samples = [];
	const timer = setInterval(() => {
		try {
			const match = /^VmRSS:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'));
			if (match) samples.push([Date.now(), Number(match[1]) * 1024]);
		} catch {}
	}, workerData.everyMs);
	parentPort.once('message', () => {
		clearInterval(timer);
		parentPort.postMessage(samples);
	});
`;

/** Samples a process's resident memory (VmRSS) until `stop()`, which returns the timed samples. */
function sampleRss(pid: number, everyMs: number): { stop: () => Promise<Sample[]> } {
	const worker = new Worker(SAMPLER, { eval: true, workerData: { pid, everyMs } });
	return {
		async stop() {
			const samples = new Promise<Sample[]>((done) => worker.once('message', done));
			worker.postMessage('stop');
			const result = await samples;
			await worker.terminate();
			return result;
		},
	};
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);

it('uploads a 1 GiB file from filesystem binary mode with the n8n process growing at most 150 MiB', async () => {
	const { emulator, scratch } = fixture;
	const path = join(scratch, 'large.bin');
	let started = Date.now();
	const sourceMd5 = await writeDeterministicFile(path, FILE_SIZE);
	const writeMs = Date.now() - started;

	// Only the scratch folder may be read, as a hardened instance would be set up (2.x restricts by default).
	const home = await fixture.n8nWithWorkflow(
		WORKFLOW_ID,
		(credential) => [
			readFileFromDisk(path),
			filestackNode({ resource: 'file', operation: 'upload' }, credential),
		],
		{ binaryMode: 'filesystem', env: { N8N_RESTRICT_FILE_ACCESS_TO: scratch } },
	);

	started = Date.now();
	let finished = false;
	const execution = home.execute(WORKFLOW_ID, 15 * 60_000).finally(() => (finished = true));
	const pid = await pollFor(
		() => childWithArgument(`--id=${WORKFLOW_ID}`),
		() => finished,
		5,
	);
	const sampler = pid === undefined ? undefined : sampleRss(pid, SAMPLE_EVERY_MS);
	const uploadStartedAt = await pollFor(
		() => (emulator.requests.some(({ route }) => route === 'start') ? Date.now() : undefined),
		() => finished,
		5,
	);
	const result = await execution;
	const { run, peakRssBytes } = result;
	const executeMs = Date.now() - started;
	const samples = (await sampler?.stop()) ?? [];

	expect(outcome(result)).toEqual({ code: 0, error: undefined });
	expect(pid).toBeDefined();
	expect(uploadStartedAt).toBeDefined();

	const [read] = run.data.resultData.runData['Read File'][0].data!.main[0];
	expect(read.binary?.data).toMatchObject({
		data: 'filesystem-v2',
		id: expect.stringMatching(/^filesystem-v2:/),
	});
	const [item] = run.data.resultData.runData.Filestack[0].data!.main[0];
	expect(item.json).toMatchObject({
		handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
		filename: 'large.bin',
		size: FILE_SIZE,
		url: `${emulator.url}/${String(item.json.handle)}`,
	});
	const stored = emulator.files.get(String(item.json.handle));
	expect(stored?.size).toBe(FILE_SIZE);
	started = Date.now();
	expect(await stored!.content.md5()).toBe(sourceMd5);
	const md5Ms = Date.now() - started;

	// "Before" is the last sample taken before the emulator saw /multipart/start; the peak is the highest from then on.
	const beforeIndex = Math.max(0, samples.filter(([at]) => at <= uploadStartedAt!).length - 1);
	const duringUpload = samples.slice(beforeIndex);
	const before = duringUpload[0][1];
	const peak = Math.max(...duringUpload.map(([, rss]) => rss));
	const uploadMs = duringUpload[duringUpload.length - 1][0] - uploadStartedAt!;
	// eslint-disable-next-line no-console -- the numbers are the test's report, to be quoted
	console.log(
		[
			`1 GiB upload through a real n8n (filesystem binary mode), RSS sampled every ${SAMPLE_EVERY_MS} ms:`,
			`  RSS before the upload ${mib(before)} MiB, peak during it ${mib(peak)} MiB, growth ${mib(peak - before)} MiB` +
				` (allowed ${mib(ALLOWED_GROWTH)} MiB); process high-water mark ${mib(peakRssBytes)} MiB`,
			`  ${duringUpload.length} samples over ${(uploadMs / 1000).toFixed(1)} s of upload` +
				` (${(FILE_SIZE / MiB / (uploadMs / 1000)).toFixed(0)} MiB/s)`,
			`  write source ${(writeMs / 1000).toFixed(1)} s, n8n execute ${(executeMs / 1000).toFixed(1)} s,` +
				` MD5 of the stored file ${(md5Ms / 1000).toFixed(1)} s`,
		].join('\n'),
	);
	// Enough samples to have seen the upload, not just its end.
	expect(duringUpload.length).toBeGreaterThan(20);
	expect(peak - before).toBeLessThanOrEqual(ALLOWED_GROWTH);
});
