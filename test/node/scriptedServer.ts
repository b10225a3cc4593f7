import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { emulatorEndpoints } from '../emulator';
import { listenOnLoopback } from '../support/loopback';

// A loopback server that answers every request with a script of the test's making, for what the emulator does
// not do: echo a request back in an error, cut a body short, answer in S3's XML.

/** A request as the server received it, body included. */
export interface ReceivedRequest {
	method: string;
	url: string;
	body: string;
}

export interface ScriptedServer {
	url: string;
	received: ReceivedRequest[];
	close(): Promise<void>;
}

export async function startScriptedServer(
	answer: (request: ReceivedRequest, res: ServerResponse) => void,
): Promise<ScriptedServer> {
	const received: ReceivedRequest[] = [];
	const server = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = {
				method: req.method ?? '',
				url: req.url ?? '',
				body: Buffer.concat(chunks).toString(),
			};
			received.push(request);
			answer(request, res);
		});
	});
	return { ...(await listenOnLoopback(server)), received };
}

/** Credentials of an app whose every endpoint is `url`. */
export function credentialsAt(url: string, apiKey: string, appSecret?: string) {
	return {
		filestackApi: {
			apiKey,
			...(appSecret ? { appSecret } : {}),
			...emulatorEndpoints(url),
		},
	};
}
