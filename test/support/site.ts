import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';

import { listenOnLoopback } from './loopback';

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
	return { ...(await listenOnLoopback(server)), received };
}

/** The paths the site was asked for, in order. */
export const pathsRequested = (site: Site): string[] => site.received.map(({ url }) => url);
