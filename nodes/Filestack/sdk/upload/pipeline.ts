import type { Part } from './parts';

/** Tells the parts still in flight that the upload has failed, so that they stop instead of retrying. */
export class UploadStop {
	private failure?: { error: unknown };

	get stopped(): boolean {
		return this.failure !== undefined;
	}

	/** Keeps the first failure: it is the cause, later ones are its consequences. */
	fail(error: unknown): void {
		this.failure ??= { error };
	}

	/** Throws the first failure, if there was one. */
	check(): void {
		if (this.failure) throw this.failure.error;
	}
}

/**
 * Uploads parts as they are read, at most `concurrency` at a time. While every slot is busy, the next part is not
 * read: memory holds at most `concurrency` parts in flight plus the one being read. After the first failure no
 * further part is read or started; the parts in flight are told to stop, awaited, and the failure is thrown.
 * `done` is given every part read once it is done with: `reusable` is false after a failed request, which may
 * still hold its bytes.
 */
export async function uploadParts(
	parts: AsyncIterable<Part>,
	concurrency: number,
	upload: (part: Part, stop: UploadStop) => Promise<void>,
	done: (part: Part, reusable: boolean) => void,
): Promise<void> {
	const stop = new UploadStop();
	const inFlight = new Set<Promise<void>>();
	try {
		for await (const part of parts) {
			while (inFlight.size >= concurrency && !stop.stopped) await Promise.race(inFlight);
			if (stop.stopped) {
				done(part, true);
				break;
			}
			const task: Promise<void> = upload(part, stop)
				.then(
					() => done(part, true),
					(error: unknown) => {
						stop.fail(error);
						done(part, false);
					},
				)
				.finally(() => inFlight.delete(task));
			inFlight.add(task);
		}
	} catch (error) {
		// Reading the source failed: the parts in flight are no use now.
		stop.fail(error);
	}
	await Promise.all(inFlight);
	stop.check();
}
