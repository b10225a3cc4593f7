import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { startEmulator, type Emulator } from '../emulator';
import { deterministicBytes, digestOf } from '../harness/deterministicBytes';
import {
	createN8nHome,
	n8nFlavor,
	type ExecutionJson,
	type N8nHome,
	type N8nProcess,
	type N8nServer,
} from './n8n';
import { startPostgres, startRedis, type PostgresService, type RedisService } from './services';
import {
	filestackCredential,
	filestackNode,
	linearWorkflow,
	readFileFromDisk,
	type WorkflowNode,
} from './workflows';

// n8n 1.123.81 in queue mode, as a scaled install runs it: `n8n start` (main) takes the webhook and enqueues the
// execution in Redis, `n8n worker` runs it; both share PostgreSQL and the encryption key, nothing else (each has its
// own user folder, each with this package installed). Binary data is in `database` mode, the mode n8n recommends for
// queue mode, so binaries pass between the processes through PostgreSQL. Runs only in the queue leg of the matrix
// (N8N_E2E_FLAVOR=queue): it needs Debian's Redis and PostgreSQL, and root runs PostgreSQL as the postgres user.
const describeQueue = n8nFlavor() === 'queue' ? describe : describe.skip;

const MiB = 1024 * 1024;
/** Over 200 MiB and not a whole number of anything; below n8n's 512 MiB limit of a binary in the database. */
const LARGE_SIZE = 200 * MiB + 12_345;
const LARGE_SEED = 7;
const API_KEY = 'E2E_QUEUE_KEY';
const PROBE_WORKFLOW = 'QueueModeProbe01';
const LARGE_WORKFLOW = 'QueueModeLarge01';
/** Generous: 200 MiB go through PostgreSQL three times (read from disk, uploaded from it, downloaded into it). */
const LARGE_TIMEOUT_MS = 10 * 60_000;

let emulator: Emulator | undefined;
let redis: RedisService | undefined;
let postgres: PostgresService | undefined;
let mainHome: N8nHome | undefined;
let workerHome: N8nHome | undefined;
let main: N8nServer;
let worker: N8nProcess;
let scratch: string | undefined;
let largeFile: string;
let largeSha256: string;

/** What main and worker share beyond the offline settings: the queue, the database, the binary data mode, the key. */
function queueEnv(encryptionKey: string, marker: string): Record<string, string> {
	return {
		N8N_ENCRYPTION_KEY: encryptionKey, // the worker decrypts the credentials main stored
		E2E_PROCESS: marker, // read by the workflows' Mark node: which process ran them
		N8N_LOG_LEVEL: 'info', // the assertions read info lines
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis!.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres!.port),
		DB_POSTGRESDB_DATABASE: postgres!.database,
		DB_POSTGRESDB_USER: postgres!.user,
		DB_POSTGRESDB_PASSWORD: postgres!.password,
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// 1.x silently keeps binaries in memory unless `database` is also listed as available.
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
	};
}

function webhook(path: string): WorkflowNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** A Set node adding `ranBy`: the E2E_PROCESS of the process that evaluated it. */
function mark(): WorkflowNode {
	return {
		name: 'Mark',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: {
				assignments: [
					{ id: 'ran-by', name: 'ranBy', value: '={{ $env.E2E_PROCESS }}', type: 'string' },
				],
			},
			includeOtherFields: true,
			options: {},
		},
	};
}

/** Webhook (binary body) → Extract From File (reads the binary as text) → Mark. */
const probeWorkflow = () =>
	linearWorkflow(PROBE_WORKFLOW, [
		webhook('queue-mode-probe'),
		{
			name: 'Read Body',
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1.1,
			parameters: {
				operation: 'text',
				binaryPropertyName: 'data',
				destinationKey: 'text',
				options: { keepSource: 'both' },
			},
		},
		mark(),
	]);

/** Webhook → Read File (on the worker's disk) → Filestack upload → Filestack download of the uploaded handle → Mark. */
const largeWorkflow = (credential: ReturnType<typeof filestackCredential>) =>
	linearWorkflow(LARGE_WORKFLOW, [
		webhook('queue-mode-large'),
		readFileFromDisk(largeFile),
		filestackNode({ resource: 'file', operation: 'upload' }, credential, 'Upload'),
		filestackNode(
			{ resource: 'file', operation: 'download', handle: '={{ $json.handle }}' },
			credential,
			'Download',
		),
		mark(),
	]);

/** Waits for every start, so that afterAll can stop what did start when another failed; then passes a failure on. */
async function startAll(starts: Array<Promise<unknown>>): Promise<void> {
	const failed = (await Promise.allSettled(starts)).find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
}

async function writeLargeFile(): Promise<void> {
	scratch = await mkdtemp(join(tmpdir(), 'filestack-queue-'));
	largeFile = join(scratch, 'large.bin');
	await pipeline(
		Readable.from(deterministicBytes(LARGE_SIZE, LARGE_SEED)),
		createWriteStream(largeFile),
	);
	largeSha256 = await digestOf(deterministicBytes(LARGE_SIZE, LARGE_SEED));
}

describeQueue(
	'n8n in queue mode (main + worker, Redis, PostgreSQL, binary data in the database)',
	() => {
		beforeAll(async () => {
			await startAll([
				startRedis().then((service) => (redis = service)),
				startPostgres().then((service) => (postgres = service)),
				startEmulator({ apps: [{ apiKey: API_KEY }] }).then((started) => (emulator = started)),
				writeLargeFile(),
			]);
			const encryptionKey = randomBytes(24).toString('hex');
			await startAll([
				createN8nHome({ env: queueEnv(encryptionKey, 'main') }).then((home) => (mainHome = home)),
				createN8nHome({ env: queueEnv(encryptionKey, 'worker') }).then(
					(home) => (workerHome = home),
				),
			]);

			// The first command runs the migrations on the empty database; main stores everything, the worker reads it.
			const credential = filestackCredential('e2eQueueCred', emulator!.url, { apiKey: API_KEY });
			await mainHome!.importCredentials([credential]);
			for (const workflow of [probeWorkflow(), largeWorkflow(credential)]) {
				await mainHome!.importWorkflow(workflow);
				await mainHome!.activateWorkflow(workflow.id);
			}

			// A readiness poll on the webhooks would itself start executions; main's log says when workflows are active.
			await startAll([
				mainHome!.start().then(async (server) => {
					main = server;
					await server.waitForLog(/Editor is now accessible via/);
				}),
				workerHome!.startWorker().then((process) => (worker = process)),
			]);
		});

		afterAll(async () => {
			await Promise.all([mainHome?.remove(), workerHome?.remove()]);
			await Promise.all([redis?.stop(), postgres?.stop(), emulator?.close()]);
			if (scratch) await rm(scratch, { recursive: true, force: true });
		});

		async function post(path: string, body: Buffer | string, contentType: string): Promise<void> {
			const response = await fetch(`${main.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': contentType },
				body,
			});
			expect({ status: response.status, answer: await response.text() }).toEqual({
				status: 200,
				answer: JSON.stringify({ message: 'Workflow was started' }),
			});
		}

		/** The id of the workflow's only execution, once main has created its record (when it enqueues it). */
		async function executionIdOf(workflowId: string): Promise<number> {
			const deadline = Date.now() + 60_000;
			for (;;) {
				const ids = await postgres!.query(
					`select id from execution_entity where "workflowId" = '${workflowId}'`,
				);
				if (ids) return Number(ids);
				if (Date.now() > deadline)
					throw new Error(`No execution of ${workflowId}:\n${main.log().slice(-4000)}`);
				await new Promise((wait) => setTimeout(wait, 200));
			}
		}

		/** Proves that the worker ran the execution, as its log and main's say, and returns its stored record. */
		async function workerRun(workflowId: string, timeoutMs = 60_000) {
			const id = await executionIdOf(workflowId);
			await worker.waitForLog(new RegExp(`Worker finished execution ${id} `), timeoutMs);
			expect(main.log()).toMatch(new RegExp(`Enqueued execution ${id} `));
			expect(worker.log()).toMatch(new RegExp(`Worker started execution ${id} `));

			const [record] = JSON.parse(
				await postgres!.query(
					'select json_agg(e) from (select x.id, x."workflowId", x.mode, x.status, d.data from execution_entity x ' +
						`join execution_data d on d."executionId" = x.id where x.id = ${id}) e`,
				),
			) as Array<{ id: number; workflowId: string; mode: string; status: string; data: string }>;
			expect(record).toMatchObject({ id, workflowId, mode: 'webhook', status: 'success' });
			// Execution data is stored in the "flatted" format; n8n's own copy of the module reads it.
			const { parse } = createRequire(mainHome!.install.bin)('flatted') as {
				parse: (text: string) => ExecutionJson['data'];
			};
			const { runData } = parse(record.data).resultData;
			const output = (node: string) => runData[node][0].data!.main[0];
			expect(output('Mark').map(({ json }) => json.ranBy)).toEqual(['worker']);
			return output;
		}

		/** Size and SHA-256 of a binary n8n keeps in PostgreSQL, by its id (`database:<fileId>`). */
		async function storedBinary(id: string | undefined): Promise<unknown> {
			const fileId = /^database:([0-9a-f-]+)$/.exec(id ?? '')?.[1];
			if (!fileId) throw new Error(`Not a binary in the database: ${id}`);
			const sql = `select "fileSize" as size, encode(sha256(data), 'hex') as sha256 from binary_data where "fileId" = '${fileId}'`;
			return JSON.parse(await postgres!.query(`select json_agg(b) from (${sql}) b`));
		}

		it('runs a webhook execution on the worker, the webhook body passed to it through the database', async () => {
			const body = Buffer.from('queued bytes\r\nfrom the main process\n');

			await post('queue-mode-probe', body, 'application/octet-stream');
			const output = await workerRun(PROBE_WORKFLOW);

			const [marked] = output('Mark');
			expect(marked.json.text).toBe(body.toString());
			expect(await storedBinary(marked.binary?.data.id)).toEqual([
				{ size: body.length, sha256: createHash('sha256').update(body).digest('hex') },
			]);
		});

		it(`uploads and downloads ${Math.round(LARGE_SIZE / MiB)} MiB with the Filestack node on the worker, byte-exact`, async () => {
			await post('queue-mode-large', '{}', 'application/json');
			const output = await workerRun(LARGE_WORKFLOW, LARGE_TIMEOUT_MS);

			// The worker read the file from disk into the database, and the upload streamed it from there.
			const [read] = output('Read File');
			expect(await storedBinary(read.binary?.data.id)).toEqual([
				{ size: LARGE_SIZE, sha256: largeSha256 },
			]);
			const [uploaded] = output('Upload');
			expect(uploaded.json).toMatchObject({ filename: 'large.bin', size: LARGE_SIZE });
			const stored = emulator!.files.get(String(uploaded.json.handle));
			expect(stored?.size).toBe(LARGE_SIZE);
			expect(await digestOf(stored!.content.bytes())).toBe(largeSha256);

			// The download went from the emulator into the database, as a binary of its own.
			const [downloaded] = output('Download');
			expect(downloaded.json).toEqual({
				handle: uploaded.json.handle,
				filename: 'large.bin',
				mimetype: expect.any(String),
				size: LARGE_SIZE,
			});
			expect(downloaded.binary?.data.id).not.toBe(read.binary?.data.id);
			expect(await storedBinary(downloaded.binary?.data.id)).toEqual([
				{ size: LARGE_SIZE, sha256: largeSha256 },
			]);
		});
	},
);
