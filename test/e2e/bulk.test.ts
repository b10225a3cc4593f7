import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { syntheticPng } from '../emulator/png';
import { useWorkflowFixture } from './fixture';
import { outcome, type ExecuteResult, type ExecutionItem } from './n8n';
import { filestackNode, readFileFromDisk } from './workflows';

// Many files fast: 200 distinct PNGs read from disk go through upload → resize stored as a copy → download of that
// copy, every Filestack node at Items at Once 16, in one real n8n run with binary data on the filesystem. Each output
// item must be paired with its own input item and carry that item's bytes; the emulator must have seen uploads
// overlap, never more than 16 at once.
const API_KEY = 'E2E_BULK_KEY';
const WORKFLOW_ID = 'e2eBulk';
const ITEMS = 200;
const ITEMS_AT_ONCE = 16;

const fixture = useWorkflowFixture(API_KEY);

/** Item i's file: its own name, size and stripes, so no two items' bytes are alike. */
function inputFile(index: number): { name: string; png: Buffer } {
	const name = `item-${String(index).padStart(3, '0')}.png`;
	return { name, png: syntheticPng(24 + (index % 40), 8 + Math.floor(index / 40), name) };
}

function outputOf(result: ExecuteResult, node: string): ExecutionItem[] {
	return result.run.data.resultData.runData[node]?.[0].data?.main[0] ?? [];
}

/** The bytes n8n stored for a binary; in filesystem mode its id names a file in n8n's binary store. */
async function storedInN8n(item: ExecutionItem): Promise<Buffer> {
	const id = item.binary?.data.id;
	expect(item.binary?.data).toMatchObject({ data: 'filesystem-v2', id: expect.any(String) });
	return await readFile(
		join(fixture.home.n8nFolder, 'binaryData', id!.slice('filesystem-v2:'.length)),
	);
}

it(`uploads, resizes and downloads ${ITEMS} files at Items at Once ${ITEMS_AT_ONCE}, each output paired with its input`, async () => {
	const { emulator, scratch } = fixture;
	const inputs = new Map(
		Array.from({ length: ITEMS }, (_, index) => inputFile(index)).map(({ name, png }) => [
			name,
			png,
		]),
	);
	expect(new Set([...inputs.values()].map((png) => png.toString('base64'))).size).toBe(ITEMS);
	await Promise.all([...inputs].map(([name, png]) => writeFile(join(scratch, name), png)));

	const itemsAtOnce = { itemsAtOnce: ITEMS_AT_ONCE };
	const home = await fixture.n8nWithWorkflow(
		WORKFLOW_ID,
		(credential) => [
			readFileFromDisk(join(scratch, '*.png'), 'Read Files'),
			filestackNode(
				{ resource: 'file', operation: 'upload', ...itemsAtOnce },
				credential,
				'Upload',
			),
			filestackNode(
				{
					resource: 'transformation',
					operation: 'transform',
					handle: '={{ $json.handle }}',
					tasks: { task: [{ name: 'resize', resizeParameters: { width: 16, height: 8 } }] },
					output: 'store',
					...itemsAtOnce,
				},
				credential,
				'Resize',
			),
			filestackNode(
				{
					resource: 'file',
					operation: 'download',
					handle: '={{ $json.handle }}',
					...itemsAtOnce,
				},
				credential,
				'Download',
			),
		],
		{ binaryMode: 'filesystem' },
	);

	const result = await home.execute(WORKFLOW_ID);

	expect(outcome(result)).toEqual({ code: 0, error: undefined });
	const read = outputOf(result, 'Read Files');
	expect(read.map((item) => item.binary?.data.fileName).sort()).toEqual([...inputs.keys()].sort());
	// Filesystem mode: the node streams each file from n8n's binary store, never from base64 in the run.
	for (const item of read)
		expect((await storedInN8n(item)).equals(inputs.get(item.binary!.data.fileName!)!)).toBe(true);

	// Output item j of each Filestack node is paired with its input item j: order kept, pairing exact.
	const [uploads, copies, downloads] = ['Upload', 'Resize', 'Download'].map((node) =>
		outputOf(result, node),
	);
	for (const items of [uploads, copies, downloads]) {
		expect(items.map((item) => item.pairedItem)).toEqual(read.map((_, index) => ({ item: index })));
	}

	const storeRequests = emulator.requests.filter(
		({ route, path }) => route === 'transform' && /\/resize=[^/]+\/store(=[^/]*)?\//.test(path),
	);
	for (const [index, readItem] of read.entries()) {
		const name = readItem.binary!.data.fileName!;
		const input = inputs.get(name)!;
		const upload = uploads[index].json;
		expect(upload).toMatchObject({ filename: name, size: input.length });
		const original = emulator.files.get(String(upload.handle));
		expect((await original!.content.read()).equals(input)).toBe(true);

		// The copy was made from this item's upload (the emulator's resize keeps the bytes), and only once.
		const copy = copies[index].json;
		expect(copy.handle).not.toBe(upload.handle);
		expect(
			storeRequests.filter(({ path }) => path.endsWith(`/${String(upload.handle)}`)),
		).toHaveLength(1);
		expect((await emulator.files.get(String(copy.handle))!.content.read()).equals(input)).toBe(
			true,
		);

		const download = downloads[index];
		expect(download.json).toMatchObject({
			handle: copy.handle,
			filename: name,
			size: input.length,
		});
		expect((await storedInN8n(download)).equals(input)).toBe(true);
	}

	// Each call that creates something was made once per item.
	const count = (route: string) =>
		emulator.requests.filter((entry) => entry.route === route).length;
	expect({
		start: count('start'),
		complete: count('complete'),
		stores: storeRequests.length,
	}).toEqual({
		start: ITEMS,
		complete: ITEMS,
		stores: ITEMS,
	});
	// Uploads overlapped, never more than Items at Once of them.
	expect(emulator.peakOpenUploads).toBeGreaterThan(1);
	expect(emulator.peakOpenUploads).toBeLessThanOrEqual(ITEMS_AT_ONCE);
});
