import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on a free loopback port. */
export interface LoopbackServer {
	url: string;
	/** Stops listening and ends open connections, so that a test never waits on a client's keep-alive. */
	close(): Promise<void>;
}

export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
