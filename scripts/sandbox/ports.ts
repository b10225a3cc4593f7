import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * `preferred` when it can be listened on at 127.0.0.1 (nothing else uses it), otherwise a free port the system picks
 * (0 always picks one). The port is released before it is used: another program could take it in between, which
 * whoever listens then reports.
 */
export async function portOrFree(preferred: number): Promise<number> {
	try {
		return await listenAndRelease(preferred);
	} catch {
		return await listenAndRelease(0);
	}
}

async function listenAndRelease(port: number): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const { port: bound } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return bound;
}
