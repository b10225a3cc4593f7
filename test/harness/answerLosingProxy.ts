import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which requests lose their answer: by method and path (without the query). */
export type RequestMatch = (method: string, path: string) => boolean;

/**
 * A loopback proxy in front of a server (the emulator) that can lose answers: the request is forwarded and the
 * server acts on it, then the connection to the client is dropped before the answer reaches it. This is the
 * failure after which a client cannot know whether its request took effect.
 */
export interface AnswerLosingProxy {
	/** `http://127.0.0.1:PORT`, to use in place of the server's URL. */
	readonly url: string;
	/** Answers lost so far. */
	readonly lost: number;
	/** Lose the answers of the next `count` requests that match. */
	loseNext(count: number, match: RequestMatch): void;
	close(): Promise<void>;
}

export async function startAnswerLosingProxy(target: string): Promise<AnswerLosingProxy> {
	const losses: Array<{ match: RequestMatch }> = [];
	let lost = 0;
	const server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', target).pathname;
		const method = req.method ?? 'GET';
		const loss = losses.findIndex(({ match }) => match(method, path));
		if (loss >= 0) losses.splice(loss, 1);
		const upstream = request(
			new URL(req.url ?? '/', target),
			{ method, headers: { ...req.headers, host: new URL(target).host } },
			(answer: IncomingMessage) => {
				if (loss >= 0) {
					// The server has acted and answered: read its answer to the end, then drop it.
					answer.resume();
					answer.once('end', () => {
						lost++;
						req.socket.destroy();
					});
					return;
				}
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.once('error', () => req.socket.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		get lost() {
			return lost;
		},
		loseNext(count, match) {
			for (let i = 0; i < count; i++) losses.push({ match });
		},
		async close() {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await closed;
		},
	};
}
