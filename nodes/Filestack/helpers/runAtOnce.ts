/** What a run of many at once came to: the results by index, and the failures in index order. */
export interface RunAtOnce<T> {
	results: Array<T | undefined>;
	failures: Array<{ index: number; error: unknown }>;
}

/**
 * Runs `run` for the indexes 0 to `count - 1`, at most `width` at once. After a failure no further index is started;
 * those in flight are awaited (they may be changing things in Filestack, and leaving them running unseen helps no
 * one). Their results and failures are all given back: what ran beside a failure is for the caller to tell.
 */
export async function runAtOnce<T>(
	count: number,
	width: number,
	run: (index: number) => Promise<T>,
): Promise<RunAtOnce<T>> {
	const results: Array<T | undefined> = [];
	const failures: RunAtOnce<T>['failures'] = [];
	let next = 0;
	const worker = async () => {
		while (next < count && failures.length === 0) {
			const index = next++;
			try {
				results[index] = await run(index);
			} catch (error) {
				failures.push({ index, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
	failures.sort((a, b) => a.index - b.index);
	return { results, failures };
}
