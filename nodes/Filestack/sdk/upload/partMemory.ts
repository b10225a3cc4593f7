const MiB = 1024 * 1024;

/**
 * Bytes of parts a client holds at once, for all its uploads together: 21 parts of 8 MiB, which is one upload at the
 * most Parallel Parts (20 in flight and one being read). Items at Once never multiplies it.
 */
export const PART_MEMORY_BUDGET = 168 * MiB;

/** Smaller buffers (the parts of small files) are left to the garbage collector rather than kept for reuse. */
const KEPT_FROM = MiB;

/**
 * The memory that holds the parts of every upload of one client (the node's run): at most `budget` bytes of part
 * buffers exist at once, however many uploads run and however many parts each sends at once. An upload that needs a
 * buffer while the budget is spent waits, first come first served, until a part of any upload is done. A buffer
 * given back is kept for the next part of the same size (the parts of big files all have one size), and dropped
 * when room is needed for another size. A part bigger than the whole budget (of a file over 1.6 TiB, whose parts
 * grow so that there are at most 10,000) is let in when no other buffer exists.
 */
export class PartMemory {
	/** Bytes of the buffers that exist: in use, or kept for reuse. */
	private held = 0;
	private readonly kept = new Map<number, Uint8Array[]>();
	/** Takers waiting for room, in arrival order; each answers whether it got its buffer. */
	private readonly waiting: Array<() => boolean> = [];

	constructor(readonly budget = PART_MEMORY_BUDGET) {}

	/** A buffer of exactly `capacity` bytes, once the budget has room for it. */
	async take(capacity: number): Promise<Uint8Array> {
		const now = this.waiting.length === 0 ? this.tryTake(capacity) : undefined;
		if (now) return now;
		return await new Promise((resolve) => {
			this.waiting.push(() => {
				const buffer = this.tryTake(capacity);
				if (buffer) resolve(buffer);
				return buffer !== undefined;
			});
		});
	}

	/**
	 * Returns the buffer a part was cut from (`part` may be the shorter view of a file's last part). `reuse` is false
	 * after a failed request, which may not have let go of the bytes yet: the buffer is then dropped, never refilled.
	 */
	giveBack(part: Uint8Array, reuse = true): void {
		const buffer = new Uint8Array(part.buffer);
		if (reuse && buffer.length >= KEPT_FROM) {
			const sameSize = this.kept.get(buffer.length);
			if (sameSize) sameSize.push(buffer);
			else this.kept.set(buffer.length, [buffer]);
		} else {
			this.held -= buffer.length;
		}
		while (this.waiting.length > 0 && this.waiting[0]()) this.waiting.shift();
	}

	private tryTake(capacity: number): Uint8Array | undefined {
		const reused = this.kept.get(capacity)?.pop();
		if (reused) return reused;
		for (const [size, buffers] of this.kept) {
			if (this.held + capacity <= this.budget) break;
			this.held -= size * buffers.length;
			this.kept.delete(size);
		}
		if (this.held + capacity > this.budget && this.held > 0) return undefined;
		this.held += capacity;
		return new Uint8Array(capacity);
	}
}
