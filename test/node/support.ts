import { createHash } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';

import type { Client } from '../../nodes/Filestack/sdk/client';
import type { StoredFile } from '../../nodes/Filestack/sdk/storedFile';
import type { ByteStream } from '../../nodes/Filestack/sdk/transport';
import {
	emulatorEndpoints,
	startEmulator,
	type AppConfig,
	type Emulator,
	type FaultSettings,
} from '../emulator';
import type { BinaryMode, CredentialsByType, Harness, WorkflowRun } from '../harness';
import { createHarness } from '../harness';
import { nodeTransport } from '../harness/nodeTransport';
import { emulatorClient, type EmulatedApp } from '../support/emulatorClient';
import { startSite, type Site, type SiteFile } from '../support/site';

// What the node-layer test files share: one emulator, harness and seeder a file (useNodeFixture), credentials for
// an emulated app, files put into the emulator without going through the node under test, the bytes the emulator
// holds, and a check for leaked secrets.

export const MiB = 1024 * 1024;

export type { EmulatedApp };

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
		return emulatorClient(this.emulator.url, app, this.transport);
	}

	async store(
		app: EmulatedApp,
		content: Buffer | string | { size: number; stream: ByteStream },
		filename: string,
		mimetype = 'application/octet-stream',
	): Promise<StoredFile> {
		const bytes = typeof content === 'string' ? Buffer.from(content) : content;
		const source = Buffer.isBuffer(bytes) ? { size: bytes.length, stream: chunksOf(bytes) } : bytes;
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

/** What a node-layer test file runs against. */
export interface NodeFixtureOptions {
	/** The emulator's applications; the harness's credential is for the first. */
	apps: [AppConfig, ...AppConfig[]];
	/** n8n's binary mode for the file (see HarnessOptions). */
	binaryMode?: BinaryMode;
	/** The emulator's initial fault settings. */
	faults?: Partial<FaultSettings>;
	/** The files of a web site on loopback, for the operations that fetch a URL; no site when not given. */
	site?: Record<string, SiteFile>;
}

/** The running pieces, readable once the file's beforeAll hooks have run. */
export interface NodeFixture {
	readonly emulator: Emulator;
	readonly harness: Harness;
	readonly seeder: Seeder;
	readonly site: Site;
}

/**
 * Starts an emulator, a harness whose credential points at it, a seeder (and a site) before a file's tests, and
 * closes them after; resetting between tests is left to each file, as some keep what they seeded for all tests.
 */
export function useNodeFixture(options: NodeFixtureOptions): NodeFixture {
	const running: { -readonly [Name in keyof NodeFixture]?: NodeFixture[Name] } = {};
	beforeAll(async () => {
		const emulator = (running.emulator = await startEmulator({
			apps: options.apps,
			faults: options.faults,
		}));
		running.harness = await createHarness({
			binaryMode: options.binaryMode,
			credentials: credentialsFor(emulator, options.apps[0]),
		});
		running.seeder = new Seeder(emulator);
		if (options.site) running.site = await startSite(options.site);
	});
	afterAll(async () => {
		running.seeder?.close();
		await running.site?.close();
		await running.harness?.close();
		await running.emulator?.close();
	});
	const started = <Name extends keyof NodeFixture>(name: Name): NodeFixture[Name] => {
		const piece = running[name];
		if (!piece)
			throw new Error(`The node fixture has no ${name}: not started yet, or no site asked for`);
		return piece;
	};
	return {
		get emulator() {
			return started('emulator');
		},
		get harness() {
			return started('harness');
		},
		get seeder() {
			return started('seeder');
		},
		get site() {
			return started('site');
		},
	};
}
