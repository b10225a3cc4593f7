import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';

import type { INodeExecutionData } from 'n8n-workflow';

import { Client } from '../../nodes/Filestack/sdk/client';
import { resolveEndpoints } from '../../nodes/Filestack/sdk/endpoints';
import type { StoredFile } from '../../nodes/Filestack/sdk/storedFile';
import type { ByteStream } from '../../nodes/Filestack/sdk/transport';
import { emulatorEndpoints, type Emulator } from '../emulator';
import type { CredentialsByType, WorkflowRun } from '../harness';
import { nodeTransport } from '../harness/nodeTransport';

// What the node-layer test files share: credentials for an emulated app, files put into the emulator without going
// through the node under test, the bytes the emulator holds, a loopback web site, and a check for leaked secrets.

export const MiB = 1024 * 1024;

/** An application of the emulator, as the credential names it. */
export interface EmulatedApp {
	apiKey: string;
	appSecret?: string;
}

/** A `filestackApi` credential for the app, pointing every endpoint at the emulator. */
export function credentialsFor(emulator: Emulator, app: EmulatedApp): CredentialsByType {
	return {
		filestackApi: {
			apiKey: app.apiKey,
			...(app.appSecret ? { appSecret: app.appSecret } : {}),
			...emulatorEndpoints(emulator.url),
		},
	};
}

/** Stores files in the emulator through the SDK directly, so that a test of one operation never relies on another. */
export class Seeder {
	private readonly transport = nodeTransport();

	constructor(private readonly emulator: Emulator) {}

	client(app: EmulatedApp): Client {
		const endpoints = resolveEndpoints(emulatorEndpoints(this.emulator.url));
		return new Client({
			apiKey: app.apiKey,
			appSecret: app.appSecret,
			endpoints,
			transport: this.transport,
		});
	}

	async store(
		app: EmulatedApp,
		content: Buffer | { size: number; stream: ByteStream },
		filename: string,
		mimetype = 'application/octet-stream',
	): Promise<StoredFile> {
		const source = Buffer.isBuffer(content)
			? { size: content.length, stream: chunksOf(content) }
			: content;
		return await this.client(app).upload(source, { filename, mimetype, intelligent: 'off' });
	}

	close(): void {
		this.transport.close();
	}
}

async function* chunksOf(content: Buffer): AsyncGenerator<Buffer> {
	yield content;
}

/** The content of a file as the emulator stores it. */
export async function storedBytes(emulator: Emulator, handle: string): Promise<Buffer> {
	const file = emulator.files.get(handle);
	if (!file) throw new Error(`The emulator holds no file ${handle}`);
	return await file.content.read();
}

/** Size and SHA-256 of bytes: compared instead of the bytes themselves, which jest compares slowly. */
export function fingerprint(content: Buffer): { size: number; sha256: string } {
	return { size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Paired items as n8n records them: one `{ item: i }` per output item. */
export function pairedItems(items: INodeExecutionData[]): unknown[] {
	return items.map(({ pairedItem }) => pairedItem);
}

/**
 * Everything a run could show a user: every node's output, and every error's message, description and stack. A
 * secret must appear in none of it.
 */
export function visibleText(run: WorkflowRun): string {
	const errors = Object.values(run.run.data.resultData.runData)
		.flatMap((tasks) => tasks.map((task) => task.error))
		.concat(run.error)
		.filter((error) => error !== undefined);
	const details = errors.map((error) => [
		error.message,
		error.description,
		error.stack,
		JSON.stringify(error),
	]);
	return JSON.stringify([run.run, details]);
}

/** A web site on loopback serving fixed files, for the operations that have Filestack fetch a public URL. */
export interface Site {
	url: string;
	/** The requests received, in order. */
	received: Array<{ url: string; headers: IncomingHttpHeaders }>;
	close(): Promise<void>;
}

/** A file of the site: bytes in memory, or produced piece by piece for each request (a large file). */
export type SiteFile =
	| { type: string; body: Buffer; gzip?: true }
	| { type: string; size: number; bytes: () => AsyncIterable<Buffer> };

export async function startSite(files: Record<string, SiteFile>): Promise<Site> {
	const received: Site['received'] = [];
	const server = createServer((req, res) => {
		received.push({ url: req.url ?? '', headers: req.headers });
		const file = files[req.url ?? ''];
		if (!file) {
			res.writeHead(404).end();
			return;
		}
		if ('body' in file && file.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
			// As a CDN answers a client that accepts gzip: Content-Length is the compressed size.
			const compressed = gzipSync(file.body);
			res.writeHead(200, {
				'Content-Type': file.type,
				'Content-Encoding': 'gzip',
				'Content-Length': compressed.length,
			});
			res.end(compressed);
			return;
		}
		const size = 'body' in file ? file.body.length : file.size;
		res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': size });
		if ('body' in file) res.end(file.body);
		else pipeline(Readable.from(file.bytes()), res).catch(() => res.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
