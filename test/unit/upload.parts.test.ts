import { PartMemory } from '../../nodes/Filestack/sdk/upload/partMemory';
import { readParts, type Part } from '../../nodes/Filestack/sdk/upload/parts';
import { uploadParts } from '../../nodes/Filestack/sdk/upload/pipeline';
import { MiB, streamOf, testBytes } from './uploadFixtures';

async function collect(parts: AsyncIterable<Part>, memory?: PartMemory) {
	const seen: Array<{ number: number; offset: number; bytes: Buffer }> = [];
	for await (const part of parts) {
		seen.push({ number: part.number, offset: part.offset, bytes: Buffer.from(part.bytes) });
		memory?.giveBack(part.bytes);
	}
	return seen;
}

/** Resolves when the event loop has settled. */
const settle = async () => await new Promise((resolve) => setImmediate(resolve));

describe('readParts', () => {
	test.each([
		[1000, 7, 100],
		[1000, 100, 100],
		[1001, 333, 100],
		[5, 2, 10],
	])('%d bytes read in chunks of %d become parts of %d', async (size, chunk, partSize) => {
		const bytes = testBytes(size);
		const parts = await collect(
			readParts({ size, stream: streamOf(bytes, chunk) }, partSize, new PartMemory()),
		);
		expect(parts.map((p) => p.number)).toEqual(parts.map((_, i) => i + 1));
		expect(parts.map((p) => p.offset)).toEqual(parts.map((_, i) => i * partSize));
		expect(parts.map((p) => p.bytes.length)).toEqual(
			parts.map((_, i) => Math.min(partSize, size - i * partSize)),
		);
		expect(Buffer.concat(parts.map((p) => p.bytes)).equals(Buffer.from(bytes))).toBe(true);
	});

	test('0 bytes are one empty part', async () => {
		const parts = await collect(
			readParts({ size: 0, stream: streamOf(new Uint8Array(0)) }, 100, new PartMemory()),
		);
		expect(parts).toEqual([{ number: 1, offset: 0, bytes: Buffer.alloc(0) }]);
	});

	test('reuses the buffers given back instead of allocating new ones', async () => {
		const memory = new PartMemory();
		const seen = new Set<ArrayBufferLike>();
		for await (const part of readParts(
			{ size: 10 * MiB, stream: streamOf(testBytes(10 * MiB), 64 * 1024) },
			MiB,
			memory,
		)) {
			seen.add(part.bytes.buffer);
			memory.giveBack(part.bytes);
		}
		expect(seen.size).toBe(1);
	});

	test('does not read ahead of the consumer', async () => {
		const stream = streamOf(testBytes(1000), 10);
		const parts = readParts({ size: 1000, stream }, 100, new PartMemory());
		await parts.next();
		await settle();
		expect(stream.pulled).toBe(100);
		await parts.next();
		expect(stream.pulled).toBe(200);
		await parts.return(undefined);
	});
});

describe('uploadParts', () => {
	/** Uploads that finish only when the test says so. */
	function heldUploads() {
		const started: number[] = [];
		const finish = new Map<number, (error?: Error) => void>();
		const upload = async (part: Part) =>
			await new Promise<void>((resolve, reject) => {
				started.push(part.number);
				finish.set(part.number, (error) => (error ? reject(error) : resolve()));
			});
		return { started, finish, upload };
	}

	test('keeps at most `concurrency` parts in flight, and reads no further while all slots are busy', async () => {
		const stream = streamOf(testBytes(1000), 10);
		const memory = new PartMemory();
		const held = heldUploads();
		const done = uploadParts(
			readParts({ size: 1000, stream }, 100, memory),
			3,
			async (part) => await held.upload(part),
			(part) => memory.giveBack(part.bytes),
		);
		await settle();
		expect(held.started).toEqual([1, 2, 3]);
		// Three parts in flight and the fourth read, waiting for a slot: nothing more.
		expect(stream.pulled).toBe(400);

		held.finish.get(2)!();
		await settle();
		expect(held.started).toEqual([1, 2, 3, 4]);
		expect(stream.pulled).toBe(500);

		for (let n = 1; n <= 10; n++) {
			held.finish.get(n)?.();
			await settle();
		}
		await done;
		expect(held.started).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
	});

	test('after a failure: no further part is started or read, parts in flight are told to stop, the first failure wins', async () => {
		const stream = streamOf(testBytes(1000), 10);
		const held = heldUploads();
		const stopped: boolean[] = [];
		const done = uploadParts(
			readParts({ size: 1000, stream }, 100, new PartMemory()),
			2,
			async (part, stop) => {
				await held.upload(part);
				stopped.push(stop.stopped);
			},
			() => undefined,
		);
		const settled = done.then(
			() => 'resolved',
			(error: Error) => error.message,
		);
		await settle();
		held.finish.get(1)!(new Error('part 1 broke'));
		await settle();
		held.finish.get(2)!();
		expect(await settled).toBe('part 1 broke');
		expect(held.started).toEqual([1, 2]);
		expect(stopped).toEqual([true]);
		expect(stream.pulled).toBeLessThanOrEqual(300);
	});
});
