import { mkdir, mkdtemp, rm } from 'fs/promises';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { type AppConfig, Apps, DEFAULT_APP } from './apps';
import { Faults, type FaultSettings } from './faults';
import { FileStore, type StoredFile } from './files';
import { dispatch } from './router';
import { EmulatorState, type RequestLogEntry } from './state';
import { type WebhookDelivery, Webhooks } from './webhooks';

export type { AppConfig } from './apps';
export type { Content } from './content';
export { DEFAULT_APP } from './apps';
export type { Failure, FaultSettings, VideoOutcome } from './faults';
export type { Faults } from './faults';
export type { StoredFile } from './files';
export type { RouteName } from './routes';
export { mostAtOnce, type RequestLogEntry } from './state';
export type { WebhookDelivery } from './webhooks';

export interface EmulatorOptions {
	/** Port on 127.0.0.1; 0 (default) picks a free one. */
	port?: number;
	/** The applications it knows; default: one app `DEFAULT_APP` (no secret). */
	apps?: AppConfig[];
	/** Initial fault settings (also what `reset()` returns to). */
	faults?: Partial<FaultSettings>;
	/** Smallest size accepted for every multipart part but the last; default 5 MiB, as S3. */
	minPartSize?: number;
}

/** A running Filestack emulator: upload API, CDN/processing API and File API (under `/api`) on one origin. */
export interface Emulator {
	/** `http://127.0.0.1:PORT`: uploadUrl = cdnUrl = url, apiUrl = url + '/api'. */
	readonly url: string;
	readonly apps: Apps;
	/** Fault switches, settable at any time. */
	readonly faults: Faults;
	/** Every request received, in order (bodies of PUTs and uploads are not kept). */
	readonly requests: readonly RequestLogEntry[];
	/** Stored files by handle. */
	readonly files: ReadonlyMap<string, StoredFile>;
	/** Webhook events sent (or, for non-loopback URLs, not sent). */
	readonly webhooks: readonly WebhookDelivery[];
	/** The most multipart uploads that were open at once (between start and the complete that stored the file). */
	readonly peakOpenUploads: number;
	/** Forgets files, uploads, jobs, logs and webhook deliveries; apps and faults go back to the options given. */
	reset(): Promise<void>;
	/** Stops listening, ends open connections and deletes its temporary directory. */
	close(): Promise<void>;
}

/** The credential's endpoint fields (and the SDK's settings) that send every Filestack API to an emulator at `url`. */
export function emulatorEndpoints(url: string) {
	return { endpoints: 'customUrls', uploadUrl: url, cdnUrl: url, apiUrl: `${url}/api` } as const;
}

const MiB = 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const dir = await mkdtemp(join(tmpdir(), 'filestack-emulator-'));
	await Promise.all(['files', 'uploads', 'tmp'].map((sub) => mkdir(join(dir, sub))));
	const server = createServer({ keepAlive: true });
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const files = new FileStore(join(dir, 'files'));
	const webhooks = new Webhooks();
	const state = new EmulatorState(
		`http://127.0.0.1:${port}`,
		dir,
		new Apps(options.apps ?? [DEFAULT_APP]),
		new Faults(options.faults),
		files,
		webhooks,
		options.minPartSize ?? 5 * MiB,
	);

	const inFlight = new Set<Promise<void>>();
	server.on('request', (req, res) => {
		const handled = dispatch(state, req, res);
		inFlight.add(handled);
		void handled.finally(() => inFlight.delete(handled));
	});

	let closed: Promise<void> | undefined;
	return {
		url: state.origin,
		apps: state.apps,
		faults: state.faults,
		requests: state.requests,
		files: files.records,
		webhooks: webhooks.deliveries,
		get peakOpenUploads() {
			return state.openUploads.peak;
		},
		async reset() {
			await webhooks.reset();
			await files.clear();
			for (const upload of state.uploads.values())
				await rm(upload.dir, { recursive: true, force: true });
			state.uploads.clear();
			state.openUploads.clear();
			state.putTargets.clear();
			state.videoJobs.clear();
			state.requests.length = 0;
			state.apps.reset();
			state.faults.reset();
		},
		close() {
			closed ??= (async () => {
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeAllConnections();
				await stopped;
				await Promise.allSettled([...inFlight]);
				await webhooks.settle();
				await rm(dir, { recursive: true, force: true });
			})();
			return closed;
		},
	};
}
