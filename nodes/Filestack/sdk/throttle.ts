/**
 * One back-off for every request of a client. When Filestack answers 429, every request of the client waits out
 * the same pause before its next try: many items at once slow down together, instead of each one asking again on
 * its own and drawing more 429s. A pause never shortens one that ends later. A pause cut short by a cancellation
 * (the workflow stopped) stays rejected, so every later request of the client fails at once: a client serves one
 * node run, and that run is over.
 */
export class Throttle {
	private pause?: { until: number; over: Promise<void> };

	/** Holds every request back for `ms`, unless a pause that ends later is already running. */
	hold(ms: number, sleep: (ms: number) => Promise<void>): void {
		const until = Date.now() + ms;
		if (this.pause && this.pause.until >= until) return;
		const over = sleep(ms);
		// A request waiting on it sees a rejection (the workflow was stopped); the pause itself must not report it.
		over.catch(() => undefined);
		this.pause = { until, over };
	}

	/** Resolves once no pause is running (a pause begun meanwhile is waited out too). */
	async wait(): Promise<void> {
		let waited: typeof this.pause;
		while (this.pause && this.pause !== waited) {
			waited = this.pause;
			await waited.over;
		}
	}
}
