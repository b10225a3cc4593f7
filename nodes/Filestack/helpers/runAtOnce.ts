/**
 * Runs `run` for the indexes 0 to `count - 1`, at most `width` at once, and gives their results in index order.
 * After a failure no further index is started; those in flight are awaited (they may be changing things in
 * Filestack, and leaving them running unseen helps no one), then the failure of the lowest index is thrown: the
 * one a run item after item would have met first.
 */
export async function runAtOnce<T>(
	count: number,
	width: number,
	run: (index: number) => Promise<T>,
): Promise<T[]> {
	const results: T[] = [];
	const failures: Array<{ index: number; error: unknown }> = [];
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
	if (failures.length > 0) {
		throw failures.reduce((first, failure) => (failure.index < first.index ? failure : first))
			.error;
	}
	return results;
}
