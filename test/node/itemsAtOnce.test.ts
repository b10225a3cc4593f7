import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { mostAtOnce } from '../emulator';
import type { NodeSpec } from '../harness';
import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { pairedItems, storedBytes, useNodeFixture } from './support';

// Items at Once, through n8n-core against the emulator: items side by side, the output as an item-by-item run
// gives it, failures as Continue On Fail wants them, one back-off for all items, and Stop stopping them all.
const APP: EmulatedApp = { apiKey: 'ITEMS_AT_ONCE_KEY' };

const fixture = useNodeFixture({ apps: [APP] });
afterEach(async () => await fixture.emulator.reset());

/** Distinct content per item, of distinct sizes. */
const contentOf = (index: number) =>
	Buffer.concat(
		Array.from({ length: 20 + index }, (_, n) =>
			createHash('sha256').update(`item ${index} piece ${n}`).digest(),
		),
	);

/** Stored files, one per item, and the Metadata items that read them (a handle Filestack does not know at `unknown`). */
async function metadataItems(count: number, unknown: number[] = []) {
	const items = [];
	for (let index = 0; index < count; index++) {
		const handle = unknown.includes(index)
			? `NoSuchHandle${index}`
			: (await fixture.seeder.store(APP, contentOf(index), `file-${index}.bin`)).handle;
		items.push({ json: { handle, index } });
	}
	seeded = fixture.emulator.requests.length;
	return items;
}

const getMetadata = (parameters: object = {}, onError?: NodeSpec['onError']): NodeSpec => ({
	...filestackNode({
		resource: 'file',
		operation: 'getMetadata',
		handle: '={{ $json.handle }}',
		...parameters,
	}),
	onError,
});

/** Requests before this index stored the test's files. */
let seeded = 0;
beforeEach(() => (seeded = 0));
const requestsOfTheRun = () => fixture.emulator.requests.slice(seeded);
const metadataRequests = () => requestsOfTheRun().filter(({ route }) => route === 'metadata');

test.each([1, 4])(
	'uploads 12 items at %d at once: the output in input order, each item paired with its input and stored with its bytes',
	async (itemsAtOnce) => {
		fixture.emulator.faults.delayMs = 30;
		const inputs = Array.from({ length: 12 }, (_, index) => ({
			json: { index },
			binary: { data: bytes(contentOf(index), `file-${index}.bin`) },
		}));
		const run = await fixture.harness.run({
			nodes: [
				source(inputs),
				filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off', itemsAtOnce }),
			],
		});
		expect(run.error?.message).toBeUndefined();
		const items = run.output('Filestack');

		expect(pairedItems(items)).toEqual(inputs.map((_, item) => ({ item })));
		expect(items.map(({ json }) => json.filename)).toEqual(
			inputs.map((_, index) => `file-${index}.bin`),
		);
		for (const [index, { json }] of items.entries())
			expect(
				(await storedBytes(fixture.emulator, String(json.handle))).equals(contentOf(index)),
			).toBe(true);
		const most = mostAtOnce(fixture.emulator.requests);
		if (itemsAtOnce === 1) expect(most).toBe(1);
		else expect(most).toBeGreaterThan(1);
		expect(most).toBeLessThanOrEqual(itemsAtOnce);
	},
);

test('with Continue On Fail, a failing item becomes its error item in its place, paired, and the others go on', async () => {
	const inputs = await metadataItems(6, [1, 4]);
	const run = await fixture.harness.run({
		nodes: [source(inputs), getMetadata({ itemsAtOnce: 3 }, 'continueRegularOutput')],
	});
	const items = run.output('Filestack');

	expect(pairedItems(items)).toEqual(inputs.map((_, item) => ({ item })));
	expect(items.map(({ json }) => (json.error ? 'error' : json.filename))).toEqual([
		'file-0.bin',
		'error',
		'file-2.bin',
		'file-3.bin',
		'error',
		'file-5.bin',
	]);
	expect(items[1].json.error).toMatch(/\(File → Get Metadata\) \[item 1\]$/);
	expect(items[4].json.error).toMatch(/\(File → Get Metadata\) \[item 4\]$/);
});

test('without Continue On Fail, the node fails with the first failing item in input order, and starts no item after it', async () => {
	const inputs = await metadataItems(10, [3, 5]);
	fixture.emulator.faults.delayMs = 20;
	const run = await fixture.harness.run({
		nodes: [source(inputs), getMetadata({ itemsAtOnce: 2 })],
	});

	expect(run.status).toBe('error');
	expect(run.nodeError('Filestack')?.message).toMatch(/\(File → Get Metadata\) \[item 3\]$/);
	// Items 0 to 3 ran two at a time; item 3 failed while at most item 4 was in flight beside it.
	const asked = metadataRequests().map(({ path }) => path);
	expect(asked.length).toBeGreaterThanOrEqual(4);
	expect(asked.length).toBeLessThanOrEqual(5);
	expect(asked.some((path) => path.includes(String(inputs[6].json.handle)))).toBe(false);
});

test('the failure that fails the node names the later items that were done beside it', async () => {
	const inputs = [
		{ json: { index: 0 } },
		...[1, 2, 3].map((index) => ({
			json: { index },
			binary: { data: bytes(contentOf(index), `file-${index}.bin`) },
		})),
	];
	const run = await fixture.harness.run({
		nodes: [
			source(inputs),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off', itemsAtOnce: 4 }),
		],
	});

	const error = run.nodeError('Filestack')!;
	expect(error.message).toMatch(/\(File → Upload\) \[item 0\]$/);
	expect(error.description).toMatch(
		/ Items done beside it \(Items at Once\), which running the workflow again repeats: 1, 2, 3\.$/,
	);
	expect(fixture.emulator.files.size).toBe(3);
});

test('a credential all items share fails each item with an error of its own', async () => {
	const inputs = await metadataItems(3);
	const run = await fixture.harness.run(
		{ nodes: [source(inputs), getMetadata({ itemsAtOnce: 3 }, 'continueRegularOutput')] },
		{ credentials: {} },
	);
	const items = run.output('Filestack');

	expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	for (const [index, { json }] of items.entries()) {
		expect(json.error).toMatch(
			new RegExp(`^[^()]+ \\(File → Get Metadata\\) \\[item ${index}\\]$`),
		);
	}
});

test('a 429 holds back every item, not only the one that drew it', async () => {
	const inputs = await metadataItems(12);
	fixture.emulator.faults.delayMs = 50;
	fixture.emulator.faults.failNext('metadata', 1, 429);
	const run = await fixture.harness.run({
		nodes: [source(inputs), getMetadata({ itemsAtOnce: 4 })],
	});
	expect(run.error?.message).toBeUndefined();
	expect(run.output('Filestack')).toHaveLength(12);

	const requests = metadataRequests();
	const throttled = requests[0];
	const throttledAt = throttled.endedAt!;
	const after = requests.filter(({ receivedAt }) => receivedAt > throttledAt);
	expect(after).toHaveLength(12 - 3);
	// The back-off after a first failure is 250-500 ms (half of 500 ms fixed, half random): nothing came sooner.
	for (const { receivedAt } of after) expect(receivedAt - throttledAt).toBeGreaterThanOrEqual(240);
});

test.each([
	[0, 'Items at Once must be a whole number from 1 to 32 (got 0)'],
	[2.5, 'Items at Once must be a whole number from 1 to 32 (got 2.5)'],
	[33, 'Items at Once must be a whole number from 1 to 32 (got 33)'],
])(
	'Items at Once of %s fails every item, naming the parameter, before any request',
	async (itemsAtOnce, message) => {
		const inputs = await metadataItems(2);
		const run = await fixture.harness.run({
			nodes: [source(inputs), getMetadata({ itemsAtOnce }, 'continueRegularOutput')],
		});
		const items = run.output('Filestack');
		expect(items.map(({ json }) => json.error)).toEqual([
			`${message} (File → Get Metadata) [item 0]`,
			`${message} (File → Get Metadata) [item 1]`,
		]);
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(requestsOfTheRun()).toEqual([]);
	},
);

test('Stop ends the items in flight and starts none of the others', async () => {
	const inputs = await metadataItems(12);
	fixture.emulator.faults.delayMs = 400;
	const run = await fixture.harness.run(
		{ nodes: [source(inputs), getMetadata({ itemsAtOnce: 4 })] },
		{ stop: sleep(150) },
	);
	await sleep(600);

	expect(run.status).toBe('canceled');
	expect(metadataRequests()).toHaveLength(4);
});

test('a download keeps its bytes with many items at once', async () => {
	const stored = [];
	for (let index = 0; index < 8; index++)
		stored.push(await fixture.seeder.store(APP, contentOf(index), `file-${index}.bin`));
	const run = await fixture.harness.run({
		nodes: [
			source(stored.map(({ handle }) => ({ json: { handle } }))),
			filestackNode({
				resource: 'file',
				operation: 'download',
				handle: '={{ $json.handle }}',
				itemsAtOnce: 8,
			}),
		],
	});
	expect(run.error?.message).toBeUndefined();
	const items = run.output('Filestack');
	for (const [index, item] of items.entries())
		expect((await binaryBuffer(item)).equals(contentOf(index))).toBe(true);
});
