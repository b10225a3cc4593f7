import type { ServerResponse } from 'http';

/**
 * Holds back what a handler writes to `res` until `until` (a `Date.now()` time), while the handler goes on working:
 * a server whose every answer takes that long, its own work included (or longer, when the work takes longer). A
 * write before then is kept and the writer is told to wait, as when a socket's buffer is full, so a stream keeps at
 * most one chunk here; at `until` the kept writes go out in order and the writer is let go. A connection destroyed
 * meanwhile (a client gone, a cut-off fault) gets nothing: its writer learns of it from the close, as without a hold.
 */
export function holdAnswerUntil(res: ServerResponse, until: number): void {
	const { write, end } = res;
	const kept: Array<() => unknown> = [];
	let writerWaits = false;
	res.write = function (...args: Parameters<typeof write>) {
		kept.push(() => write.apply(res, args));
		writerWaits = true;
		return false;
	} as typeof write;
	res.end = function (...args: Parameters<typeof end>) {
		kept.push(() => end.apply(res, args));
		return res;
	} as typeof end;
	setTimeout(
		() => {
			res.write = write;
			res.end = end;
			if (res.destroyed) return;
			let socketFull = false;
			for (const send of kept) if (send() === false) socketFull = true;
			// A socket whose buffer filled up emits 'drain' itself once it empties.
			if (writerWaits && !socketFull) res.emit('drain');
		},
		Math.max(0, until - Date.now()),
	);
}
