import { PartMemory } from '../../nodes/Filestack/sdk/upload/partMemory';
import { readParts } from '../../nodes/Filestack/sdk/upload/parts';
import { uploadParts } from '../../nodes/Filestack/sdk/upload/pipeline';
import { MiB, streamOf, testBytes } from './uploadFixtures';

/** Resolves when the event loop has settled. */
const settle = async () => await new Promise((resolve) => setImmediate(resolve));

/** Whether `take` hands out a buffer without waiting for one to be given back. */
async function takesAtOnce(memory: PartMemory, capacity: number): Promise<boolean> {
	let taken = false;
	void memory.take(capacity).then(() => (taken = true));
	await settle();
	return taken;
}

/** An upload of `size` bytes in parts of 1 MiB whose part requests end only when the test says so. */
function heldUpload(memory: PartMemory, size: number, concurrency: number) {
	const inFlight = new Map<number, (error?: Error) => void>();
	const stream = streamOf(testBytes(size), 256 * 1024);
	const done = uploadParts(
		readParts({ size, stream }, MiB, memory),
		concurrency,
		async (part) =>
			await new Promise<void>((resolve, reject) =>
				inFlight.set(part.number, (error) => (error ? reject(error) : resolve())),
			),
		(part, reusable) => memory.giveBack(part.bytes, reusable),
	);
	const finish = async (error?: Error) => {
		const [number, end] = [...inFlight][0];
		inFlight.delete(number);
		end(error);
		await settle();
	};
	return { inFlight, stream, done, finish };
}

test('uploads at once share one budget: parts in memory never exceed it, and a waiting upload goes on when a part of another is done', async () => {
	const memory = new PartMemory(3 * MiB);
	const first = heldUpload(memory, 8 * MiB, 4);
	await settle();
	// Three parts fit, all in flight; the fourth waits for a buffer before it is read.
	expect(first.inFlight.size).toBe(3);
	expect(first.stream.pulled).toBe(3 * MiB);

	const second = heldUpload(memory, 8 * MiB, 4);
	await settle();
	expect(second.inFlight.size).toBe(0);
	expect(second.stream.pulled).toBe(0);

	// Buffers given back go to the uploads in the order they asked: the first's fourth part, then the second.
	await first.finish();
	expect([first.stream.pulled, second.stream.pulled]).toEqual([4 * MiB, 0]);
	await first.finish();
	expect([first.stream.pulled, second.stream.pulled]).toEqual([4 * MiB, MiB]);

	while (first.inFlight.size + second.inFlight.size > 0) {
		if (first.inFlight.size > 0) await first.finish();
		if (second.inFlight.size > 0) await second.finish();
		expect(first.inFlight.size + second.inFlight.size).toBeLessThanOrEqual(3);
	}
	await Promise.all([first.done, second.done]);
	expect(first.stream.pulled + second.stream.pulled).toBe(16 * MiB);
	expect(await takesAtOnce(memory, 3 * MiB)).toBe(true);
});

test('a part bigger than the whole budget is let in alone, and its upload goes on with the buffer it gave back', async () => {
	const memory = new PartMemory(MiB / 2);
	const upload = heldUpload(memory, 3 * MiB, 2);
	await settle();
	expect(upload.inFlight.size).toBe(1);
	expect(upload.stream.pulled).toBe(MiB);
	await upload.finish();
	await upload.finish();
	await upload.finish();
	await upload.done;
	expect(upload.stream.pulled).toBe(3 * MiB);
});

test('a failed part is dropped, never refilled, and its room is given back; so is the part being read when the upload stops', async () => {
	const memory = new PartMemory(2 * MiB);
	const upload = heldUpload(memory, 8 * MiB, 1);
	await settle();
	const failedBuffer = [...upload.inFlight.keys()];
	expect(failedBuffer).toEqual([1]);
	const outcome = upload.done.then(
		() => 'uploaded',
		(error: Error) => error.message,
	);
	await upload.finish(new Error('part 1 broke'));
	expect(await outcome).toBe('part 1 broke');
	expect(await takesAtOnce(memory, 2 * MiB)).toBe(true);
});

test('a buffer given back is reused for a part of its size, and dropped when room is needed for another size', async () => {
	const memory = new PartMemory(2 * MiB);
	const first = await memory.take(2 * MiB);
	memory.giveBack(first.subarray(0, 5));
	expect((await memory.take(2 * MiB)).buffer).toBe(first.buffer);
	memory.giveBack(first);
	const other = await memory.take(MiB);
	expect(other.length).toBe(MiB);
	expect(other.buffer).not.toBe(first.buffer);
	expect(await takesAtOnce(memory, MiB)).toBe(true);
	expect(await takesAtOnce(memory, 1)).toBe(false);
});

test('a buffer given back after a failed request is not kept', async () => {
	const memory = new PartMemory(2 * MiB);
	const buffer = await memory.take(2 * MiB);
	memory.giveBack(buffer, false);
	expect((await memory.take(2 * MiB)).buffer).not.toBe(buffer.buffer);
});

test('the buffer of a part being read is given back when reading the file fails', async () => {
	const memory = new PartMemory(2 * MiB);
	async function* breaksHalfWay() {
		yield testBytes(MiB + MiB / 2);
		throw new Error('the binary store failed');
	}
	const ended: number[] = [];
	const outcome = uploadParts(
		readParts({ size: 4 * MiB, stream: breaksHalfWay() }, MiB, memory),
		1,
		async (part) => void ended.push(part.number),
		(part, reusable) => memory.giveBack(part.bytes, reusable),
	).then(
		() => 'uploaded',
		(error: Error) => error.message,
	);
	expect(await outcome).toBe('the binary store failed');
	expect(ended).toEqual([1]);
	expect(await takesAtOnce(memory, 2 * MiB)).toBe(true);
});
