import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { binarySha256, file, filestackNode, sha256, sha256OfFile, source } from '../harness';
import { deterministicBytes, digestOf } from '../harness/deterministicBytes';
import type { EmulatedApp } from './support';
import { MiB, pairedItems, useNodeFixture } from './support';

// n8n's filesystem binary mode (its own test file: the mode is fixed once n8n-core has started). Binaries have an
// `id` there: uploads stream them from n8n's store, downloads stream into it, so memory stays flat for any size.
const APP: EmulatedApp = { apiKey: 'FILESYSTEM_KEY', appSecret: 'filesystem-app-secret' };
/** Over 200 MiB, and not a whole number of anything. */
const BIG_SIZE = 200 * MiB + 12_345;
const BIG_SEED = 42;
/** How much the process may grow while downloading the big file: far less than the file. */
const MEMORY_BUDGET = 100 * MiB;

const fixture = useNodeFixture({
	apps: [APP],
	binaryMode: 'filesystem',
	site: {
		'/big.bin': {
			type: 'application/octet-stream',
			size: BIG_SIZE,
			bytes: () => deterministicBytes(BIG_SIZE, BIG_SEED),
		},
	},
});
let scratch: string;

beforeAll(async () => {
	scratch = await mkdtemp(join(tmpdir(), 'filestack-node-fs-'));
});

afterAll(async () => await rm(scratch, { recursive: true, force: true }));

/** A file of deterministic bytes on disk, written piece by piece. */
async function fileOf(name: string, size: number, seed: number): Promise<string> {
	const path = join(scratch, name);
	await pipeline(Readable.from(deterministicBytes(size, seed)), createWriteStream(path));
	return path;
}

it('uploads binaries that n8n holds in its store, streamed from there, byte for byte and in order', async () => {
	const paths = [await fileOf('a.bin', 9 * MiB + 3, 1), await fileOf('b.mp4', 300_001, 2)];
	const run = await fixture.harness.run({
		nodes: [
			source([
				{ binary: { data: file(paths[0]) } },
				{ binary: { data: file(paths[1], { mimeType: 'video/mp4' }) } },
			]),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' }),
		],
	});

	expect(run.output('Source').map((item) => item.binary?.data.id)).toEqual([
		expect.stringMatching(/^filesystem-v2:/),
		expect.stringMatching(/^filesystem-v2:/),
	]);
	const items = run.output('Filestack');
	expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(items.map(({ json }) => [json.filename, json.size, json.mimetype])).toEqual([
		['a.bin', 9 * MiB + 3, 'application/octet-stream'],
		['b.mp4', 300_001, 'video/mp4'],
	]);
	for (const [index, { json }] of items.entries()) {
		const stored = fixture.emulator.files.get(String(json.handle))!;
		expect(await sha256(Readable.from(stored.content.bytes()))).toBe(
			await sha256OfFile(paths[index]),
		);
	}
});

it('overwrites a file with a binary streamed from the store', async () => {
	const handle = (await fixture.seeder.store(APP, 'old content', 'doc.bin')).handle;
	const path = await fileOf('new.bin', 6 * MiB + 1, 3);
	await fixture.harness.run({
		nodes: [
			source([{ binary: { data: file(path) } }]),
			filestackNode({ resource: 'file', operation: 'overwrite', handle }),
		],
	});

	const stored = fixture.emulator.files.get(handle)!;
	expect(stored.size).toBe(6 * MiB + 1);
	expect(await sha256(Readable.from(stored.content.bytes()))).toBe(await sha256OfFile(path));
});

it(`downloads a file of ${Math.round(BIG_SIZE / MiB)} MiB into the store with flat memory`, async () => {
	// Filestack fetches the file from the site as it is produced: it is never whole in memory, here or there.
	const { handle } = await fixture.seeder.client(APP).uploadFromUrl(`${fixture.site.url}/big.bin`);
	expect(fixture.emulator.files.get(handle)?.size).toBe(BIG_SIZE);

	const baseline = process.memoryUsage.rss();
	let peak = baseline;
	let samples = 0;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage.rss());
		samples++;
	}, 25);
	const started = Date.now();
	let run;
	try {
		run = await fixture.harness.run({
			nodes: [filestackNode({ resource: 'file', operation: 'download', handle })],
		});
	} finally {
		clearInterval(sampler);
	}
	const seconds = (Date.now() - started) / 1000;
	process.stdout.write(
		`Download of ${(BIG_SIZE / MiB).toFixed(1)} MiB in filesystem mode: RSS ${(baseline / MiB).toFixed(0)} MiB before, ` +
			`peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - baseline) / MiB).toFixed(1)} MiB; ${samples} samples), ` +
			`${seconds.toFixed(1)} s\n`,
	);

	expect(samples).toBeGreaterThanOrEqual(5);
	expect(peak - baseline).toBeLessThan(MEMORY_BUDGET);
	const [item] = run.output('Filestack');
	expect(item.json).toEqual({
		handle,
		filename: 'big.bin',
		mimetype: 'application/octet-stream',
		size: BIG_SIZE,
	});
	expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
	expect(await binarySha256(item)).toBe(await digestOf(deterministicBytes(BIG_SIZE, BIG_SEED)));
});
