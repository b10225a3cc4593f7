/** How many of something are under way now, and the most there were at once: proves a client's concurrency. */
export class Gauge {
	private current = 0;
	private highest = 0;

	get peak(): number {
		return this.highest;
	}

	enter(): void {
		this.current++;
		this.highest = Math.max(this.highest, this.current);
	}

	leave(): void {
		this.current--;
	}

	/** Starts again from nothing under way (what was is forgotten: it must not leave). */
	clear(): void {
		this.current = 0;
		this.highest = 0;
	}
}
