/**
 * The bulk scenario: many small files uploaded, transformed to a stored copy and downloaded, by the node as a user
 * runs it (one workflow through n8n-core: Upload → Transform → Download, each with "Items at Once") and by the
 * SDK's client alone doing the same calls for the same files with as many in flight (a simple pool). The emulator
 * answers every request a fixed time after it arrived, so the figure that matters is how close each comes to the
 * ideal: items at once / (requests per file × latency), the requests counted from what the emulator received. Plain
 * GETs of the same files show the most this machine allows: the ceiling.
 */
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { Client } from '../nodes/Filestack/sdk/client';
import { parseTaskChain } from '../nodes/Filestack/sdk/url';
import type { RouteName } from '../test/emulator';
import type { Harness } from '../test/harness';
import { binaryStream, filestackNode } from '../test/harness';
import {
	md5Hex,
	measure,
	mib,
	pool,
	print,
	rawGet,
	READ_CHUNK,
	type SourceFile,
	storedMd5,
	verdict,
	writeSource,
} from './common';
import type { BenchEmulator } from './emulator';
import { credentialsAt, nodeSeconds, storedItems } from './workflow';

export interface BulkOptions {
	files: number;
	latencyMs: number;
	/** The "Items at Once" values to run, e.g. [1, 16]; the targets are judged at the largest. */
	atOnce: number[];
}

const FILE_SIZE = 64 * 1024;
/** A cheap task the emulator understands (it hands back the source's bytes), stored as a new file. */
const TASK_CHAIN = 'resize=width:32';
const MIME_TYPE = 'image/jpeg';
const TARGETS = { uploadFilesPerSecond: 60, ofIdeal: 0.75, rssGrowthMiB: 150 };

const OPERATIONS = ['upload', 'transform', 'download'] as const;
type Operation = (typeof OPERATIONS)[number];
/** The emulator's routes each operation's requests arrive on. */
const ROUTES: Record<Operation, RouteName[]> = {
	upload: ['start', 'upload', 'put', 'commit', 'complete'],
	transform: ['transform'],
	download: ['download'],
};
const NODE_NAMES: Record<Operation, string> = {
	upload: 'Upload',
	transform: 'Transform',
	download: 'Download',
};

interface Figures {
	seconds: Record<Operation, number>;
	requests: Record<Operation, number>;
	rssGrowth: number;
}

interface Bench {
	harness: Harness;
	emulator: BenchEmulator;
	client: Client;
	options: BulkOptions;
}

/** Runs the scenario and prints its table and verdicts; true when every file checked out and every target was met. */
export async function bulkScenario(
	harness: Harness,
	emulator: BenchEmulator,
	client: Client,
	scratch: string,
	options: BulkOptions,
): Promise<boolean> {
	const bench = { harness, emulator, client, options };
	const dir = join(scratch, 'bulk');
	await mkdir(dir, { recursive: true });
	const files: SourceFile[] = [];
	for (let index = 0; index < options.files; index++) {
		const name = `file-${String(index + 1).padStart(5, '0')}.jpg`;
		files.push(await writeSource(dir, FILE_SIZE, index + 1, name));
	}
	const items = await storedItems(harness, files, MIME_TYPE);
	print(
		`bulk: ${files.length} files of ${FILE_SIZE / 1024} KiB, every request answered ${options.latencyMs} ms after it arrived; ` +
			`upload, transform (${TASK_CHAIN}, output Stored File), download`,
	);

	let ok = true;
	const results: Array<{ atOnce: number; node: Figures; sdk: Figures; ceiling: number }> = [];
	for (const atOnce of options.atOnce) {
		const node = await nodeRun(bench, files, items, atOnce);
		const sdk = await sdkRun(bench, files, atOnce);
		const ceiling = await plainGets(bench, sdk.stored, atOnce);
		ok = node.verified && sdk.verified && ok;
		results.push({ atOnce, node: node.figures, sdk: sdk.figures, ceiling });
	}
	report(files.length, options.latencyMs, results);
	return checkTargets(files.length, options.latencyMs, results.at(-1)!) && ok;
}

/** The node as a user runs it: one workflow, Upload → Transform → Download, all with the same Items at Once. */
async function nodeRun(
	{ harness, emulator, options }: Bench,
	files: SourceFile[],
	items: INodeExecutionData[],
	atOnce: number,
): Promise<{ figures: Figures; verified: boolean }> {
	const byHandle = { handle: '={{ $json.handle }}', itemsAtOnce: atOnce };
	const nodes = [
		filestackNode({ resource: 'file', operation: 'upload', itemsAtOnce: atOnce }, 'Upload'),
		filestackNode(
			{
				resource: 'transformation',
				operation: 'transform',
				...byHandle,
				chainInput: 'text',
				taskChain: TASK_CHAIN,
				output: 'store',
			},
			'Transform',
		),
		filestackNode({ resource: 'file', operation: 'download', ...byHandle }, 'Download'),
	];
	const run = await underLatency(
		emulator,
		options.latencyMs,
		async () =>
			await harness.run({ nodes }, { input: [items], credentials: credentialsAt(emulator.url) }),
	);
	const workflow = run.result;
	if (workflow.error) throw new Error(`The bulk workflow failed: ${workflow.error.message}`);
	const seconds = Object.fromEntries(
		OPERATIONS.map((operation) => [operation, nodeSeconds(workflow, NODE_NAMES[operation])]),
	) as Record<Operation, number>;
	const output = (operation: Operation) => workflow.output(NODE_NAMES[operation]);
	const verified = await verify(`node at ${atOnce}`, files, {
		uploaded: handlesInOrder(output('upload')),
		stored: handlesInOrder(output('transform')),
		downloaded: await pool(output('download'), 16, async (item, index) => {
			const pairedWith = pairedIndex(item);
			const sameFile = item.json.handle === output('transform')[pairedWith]?.json.handle;
			return sameFile && pairedWith === index ? await md5Hex(await binaryStream(item)) : '';
		}),
		url: emulator.url,
	});
	const figures = {
		seconds,
		requests: await requestsByOperation(emulator),
		rssGrowth: run.peakRss - run.startRss,
	};
	return { figures, verified };
}

/** The SDK's client alone: the same calls for the same files, `atOnce` files in flight, one operation after the other. */
async function sdkRun(
	{ emulator, client, options }: Bench,
	files: SourceFile[],
	atOnce: number,
): Promise<{ figures: Figures; verified: boolean; stored: string[] }> {
	const seconds = {} as Record<Operation, number>;
	const timed = async <R>(
		operation: Operation,
		work: (file: SourceFile, index: number) => Promise<R>,
	) => {
		const started = process.hrtime.bigint();
		const results = await pool(files, atOnce, work);
		seconds[operation] = Number(process.hrtime.bigint() - started) / 1e9;
		return results;
	};
	const run = await underLatency(emulator, options.latencyMs, async () => {
		const uploaded = await timed('upload', async (file) => {
			// Read as the node reads n8n's store: one chunk of the file's own size when it is smaller than READ_CHUNK.
			const highWaterMark = Math.min(READ_CHUNK, file.size);
			const stream = createReadStream(file.path, { highWaterMark });
			const { handle } = await client.upload(
				{ size: file.size, stream },
				{ filename: basename(file.path), mimetype: MIME_TYPE },
			);
			return handle;
		});
		const stored = await timed('transform', async (_, index) => {
			const transformation = client.transformation({ handle: uploaded[index] });
			return (await transformation.add(...parseTaskChain(TASK_CHAIN)).store()).handle;
		});
		const downloaded = await timed(
			'download',
			async (_, index) => await md5Hex((await client.filelink(stored[index]).download()).stream),
		);
		return { uploaded, stored, downloaded };
	});
	const verified = await verify(`SDK at ${atOnce}`, files, { ...run.result, url: emulator.url });
	const figures = {
		seconds,
		requests: await requestsByOperation(emulator),
		rssGrowth: run.peakRss - run.startRss,
	};
	return { figures, verified, stored: run.result.stored };
}

/**
 * The ceiling: files/s of plain Node GETs of stored files, `atOnce` at a time, each on a new connection as n8n-core's
 * HTTP helper makes them (a new agent per request): what a client that does nothing else gets from this machine and
 * this emulator.
 */
async function plainGets({ emulator, options }: Bench, handles: string[], atOnce: number) {
	const get = async (handle: string) => {
		for await (const chunk of await rawGet(`${emulator.url}/${handle}`, false)) void chunk;
	};
	const run = await withLatency(emulator, options.latencyMs, async () => {
		await pool(handles, atOnce, get);
	});
	return handles.length / run.seconds;
}

/**
 * Runs `work` measured, under latency (below), the emulator having forgotten what came before (files, and the
 * requests of earlier runs and scenarios), so that the requests counted are this run's.
 */
async function underLatency<T>(emulator: BenchEmulator, latencyMs: number, work: () => Promise<T>) {
	await emulator.reset();
	return await withLatency(emulator, latencyMs, work);
}

/** Runs `work` measured (time, RSS), with the emulator's latency on for it alone. */
async function withLatency<T>(emulator: BenchEmulator, latencyMs: number, work: () => Promise<T>) {
	await emulator.latency(latencyMs);
	try {
		return await measure(work);
	} finally {
		await emulator.latency(0);
	}
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem as IPairedItemData | undefined;
	return paired?.item ?? -1;
}

/** The handles of a node's output, '' where an item is not paired with the input item at its own position. */
function handlesInOrder(items: INodeExecutionData[]): string[] {
	return items.map((item, index) => (pairedIndex(item) === index ? String(item.json.handle) : ''));
}

/**
 * Every file's three copies against its source, by MD5: the uploaded file and the stored copy as the emulator holds
 * them, and the downloaded bytes (an empty entry is one that was not paired with its file).
 */
async function verify(
	who: string,
	files: SourceFile[],
	copies: { uploaded: string[]; stored: string[]; downloaded: string[]; url: string },
): Promise<boolean> {
	const wrong: string[] = [];
	const counts = [copies.uploaded, copies.stored, copies.downloaded].map((list) => list.length);
	if (counts.some((count) => count !== files.length))
		wrong.push(`${counts.join('/')} results for ${files.length} files`);
	await pool(files, 16, async (file, index) => {
		const uploaded = copies.uploaded[index]
			? await storedMd5(copies.url, copies.uploaded[index])
			: '';
		const stored = copies.stored[index] ? await storedMd5(copies.url, copies.stored[index]) : '';
		const distinct = copies.uploaded[index] !== copies.stored[index];
		for (const [what, md5] of [
			['uploaded', uploaded],
			['stored copy', stored],
			['download', copies.downloaded[index]],
		])
			if (md5 !== file.md5Hex)
				wrong.push(`${basename(file.path)}: ${what} ${md5 || 'missing or unpaired'}`);
		if (!distinct)
			wrong.push(`${basename(file.path)}: the stored copy is the uploaded file itself`);
	});
	for (const line of wrong.slice(0, 5)) print(`  ${who}: ${line}`);
	return verdict(
		wrong.length === 0,
		`${who}: ${files.length} files uploaded, stored and downloaded byte-identical (MD5) and paired in order` +
			(wrong.length ? ` (${wrong.length} problems)` : ''),
	);
}

async function requestsByOperation(emulator: BenchEmulator): Promise<Record<Operation, number>> {
	const byRoute = await emulator.requestsByRoute();
	const sum = (routes: RouteName[]) =>
		routes.reduce((total, route) => total + (byRoute[route] ?? 0), 0);
	return Object.fromEntries(
		OPERATIONS.map((operation) => [operation, sum(ROUTES[operation])]),
	) as Record<Operation, number>;
}

const filesPerSecond = (files: number, figures: Figures, operation: Operation) =>
	files / figures.seconds[operation];
const idealFilesPerSecond = (
	files: number,
	figures: Figures,
	operation: Operation,
	atOnce: number,
	latencyMs: number,
) => atOnce / ((figures.requests[operation] / files) * (latencyMs / 1000));

function report(
	files: number,
	latencyMs: number,
	results: Array<{ atOnce: number; node: Figures; sdk: Figures; ceiling: number }>,
): void {
	const columns = [
		'operation',
		'at once',
		'node files/s',
		'SDK files/s',
		'node/SDK',
		'requests/file',
		'ideal files/s',
		'node/ideal',
		'SDK/ideal',
	];
	const widths = columns.map((column) => Math.max(column.length, 9));
	const row = (cells: string[]) =>
		print(
			cells
				.map((cell, index) =>
					index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]),
				)
				.join('  '),
		);
	row(columns);
	for (const operation of OPERATIONS) {
		for (const { atOnce, node, sdk } of results) {
			const nodeRate = filesPerSecond(files, node, operation);
			const sdkRate = filesPerSecond(files, sdk, operation);
			const ideal = idealFilesPerSecond(files, node, operation, atOnce, latencyMs);
			const sdkIdeal = idealFilesPerSecond(files, sdk, operation, atOnce, latencyMs);
			row([
				operation,
				String(atOnce),
				nodeRate.toFixed(1),
				sdkRate.toFixed(1),
				(nodeRate / sdkRate).toFixed(2),
				(node.requests[operation] / files).toFixed(2),
				ideal.toFixed(1),
				(nodeRate / ideal).toFixed(2),
				(sdkRate / sdkIdeal).toFixed(2),
			]);
		}
	}
	for (const { atOnce, ceiling } of results) {
		const ideal = atOnce / (latencyMs / 1000);
		print(
			`ceiling at ${atOnce} at once: plain GETs, a new connection each, ${ceiling.toFixed(1)} files/s, x${(ceiling / ideal).toFixed(2)} of ideal`,
		);
	}
	for (const { atOnce, node, sdk } of results)
		print(
			`peak RSS growth over the ${files} files at ${atOnce} at once: node +${mib(node.rssGrowth)}, SDK alone +${mib(sdk.rssGrowth)}`,
		);
}

function checkTargets(
	files: number,
	latencyMs: number,
	{ atOnce, node }: { atOnce: number; node: Figures },
): boolean {
	const uploads = filesPerSecond(files, node, 'upload');
	let ok = verdict(
		uploads >= TARGETS.uploadFilesPerSecond,
		`node uploads ${uploads.toFixed(1)} files/s at ${atOnce} at once (>= ${TARGETS.uploadFilesPerSecond})`,
	);
	for (const operation of OPERATIONS) {
		const ofIdeal =
			filesPerSecond(files, node, operation) /
			idealFilesPerSecond(files, node, operation, atOnce, latencyMs);
		ok =
			verdict(
				ofIdeal >= TARGETS.ofIdeal,
				`node ${operation} at ${atOnce} at once: x${ofIdeal.toFixed(2)} of ideal (>= ${TARGETS.ofIdeal})`,
			) && ok;
	}
	return (
		verdict(
			node.rssGrowth / (1024 * 1024) <= TARGETS.rssGrowthMiB,
			`node peak RSS growth over the ${files} files at ${atOnce} at once: +${mib(node.rssGrowth)} (<= ${TARGETS.rssGrowthMiB} MiB)`,
		) && ok
	);
}
