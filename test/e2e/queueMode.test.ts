import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { n8nBin } from './n8n';
import { freePort, startDaemon, startPostgres, startRedis } from './services';
import type { Daemon, PostgresService, RedisService } from './services';

// n8n 1.123.81 in queue mode, as a scaled install runs it: `n8n start` (main) takes the webhook and enqueues the
// execution in Redis, `n8n worker` runs it; both share PostgreSQL and the encryption key, nothing else (each has its
// own user folder). Binary data is in `database` mode, the mode n8n recommends for queue mode, so the file the main
// process receives reaches the worker through PostgreSQL.

const run = promisify(execFile);

const WORKFLOW_ID = 'QueueModeProbe01';
const WEBHOOK_PATH = 'queue-mode-probe';

/** Webhook (binary body) → Extract From File (reads the binary as text) → Set (records which process ran it). */
const workflow = {
	id: WORKFLOW_ID,
	name: 'queue-mode-probe',
	active: false,
	settings: {},
	nodes: [
		{
			id: 'b0f0c4a2-0001-4c59-9c1e-6c4d7f3a0001',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: 'b0f0c4a2-00ff-4c59-9c1e-6c4d7f3a00ff',
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
		},
		{
			id: 'b0f0c4a2-0002-4c59-9c1e-6c4d7f3a0002',
			name: 'Read Body',
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: { operation: 'text', binaryPropertyName: 'data', destinationKey: 'text', options: { keepSource: 'both' } },
		},
		{
			id: 'b0f0c4a2-0003-4c59-9c1e-6c4d7f3a0003',
			name: 'Mark',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [400, 0],
			parameters: {
				assignments: { assignments: [{ id: 'ran-by', name: 'ranBy', value: '={{ $env.E2E_PROCESS }}', type: 'string' }] },
				includeOtherFields: true,
				options: {},
			},
		},
	],
	connections: {
		Webhook: { main: [[{ node: 'Read Body', type: 'main', index: 0 }]] },
		'Read Body': { main: [[{ node: 'Mark', type: 'main', index: 0 }]] },
	},
};

interface Item {
	json: { text?: string; ranBy?: string };
	binary?: { data: { id?: string } };
}
interface RunData {
	resultData: { runData: Record<string, Array<{ data: { main: Item[][] } }>> };
}

let redis: RedisService | undefined;
let postgres: PostgresService | undefined;
let main: Daemon | undefined;
let worker: Daemon | undefined;
let folder: string;
let bin: string;
let port: number;

/** The environment of both processes; they differ only in their user folder and the E2E_PROCESS marker. */
function queueEnv(userFolder: string, marker: string, encryptionKey: string): NodeJS.ProcessEnv {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(npm_|N8N_|DB_|QUEUE_|EXECUTIONS_|JEST_)|^NODE_ENV$/.test(name)),
	);
	return {
		...inherited,
		// Offline and quiet (real-n8n.md section 3).
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_DISABLE_UI: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		E2E_PROCESS: marker,
		// Queue mode.
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis!.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres!.port),
		DB_POSTGRESDB_DATABASE: postgres!.database,
		DB_POSTGRESDB_USER: postgres!.user,
		DB_POSTGRESDB_PASSWORD: postgres!.password,
		// 1.x only offers `database` mode when it is listed as available.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
	};
}

/** Waits for every start, so that afterAll can stop what did start when another failed; then passes a failure on. */
async function startAll(starts: Array<Promise<unknown>>): Promise<void> {
	const failed = (await Promise.allSettled(starts)).find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
}

beforeAll(async () => {
	await startAll([
		startRedis().then((service) => (redis = service)),
		startPostgres().then((service) => (postgres = service)),
		n8nBin().then((path) => (bin = path)),
		freePort().then((free) => (port = free)),
		mkdtemp(join(tmpdir(), 'filestack-queue-')).then((path) => (folder = path)),
	]);
	const encryptionKey = randomBytes(24).toString('hex');
	const mainEnv = queueEnv(join(folder, 'main'), 'main', encryptionKey);
	const workerEnv = queueEnv(join(folder, 'worker'), 'worker', encryptionKey);
	await Promise.all([mkdir(join(folder, 'main')), mkdir(join(folder, 'worker'))]);

	// The first command runs the migrations on the empty database.
	const workflowFile = join(folder, 'workflow.json');
	await writeFile(workflowFile, JSON.stringify(workflow));
	const cli = async (args: string[]) => await run(process.execPath, [bin, ...args], { env: mainEnv, cwd: folder });
	await cli(['import:workflow', `--input=${workflowFile}`]);
	await cli(['update:workflow', `--id=${WORKFLOW_ID}`, '--active=true']);

	// A readiness poll on the webhook would itself start executions; the log says when workflows are active.
	await startAll([
		startDaemon(process.execPath, [bin, 'start'], { env: mainEnv, cwd: folder, ready: /Editor is now accessible via/ }).then(
			(daemon) => (main = daemon),
		),
		startDaemon(process.execPath, [bin, 'worker'], { env: workerEnv, cwd: folder, ready: /n8n worker is now ready/ }).then(
			(daemon) => (worker = daemon),
		),
	]);
});

afterAll(async () => {
	await Promise.all([main?.stop(), worker?.stop()]);
	await Promise.all([redis?.stop(), postgres?.stop()]);
	if (folder) await rm(folder, { recursive: true, force: true });
});

it('runs a webhook execution on the worker, the webhook body passed to it through the database', async () => {
	const body = Buffer.from('queued bytes\r\nfrom the main process\n');

	const response = await fetch(`http://127.0.0.1:${port}/webhook/${WEBHOOK_PATH}`, {
		method: 'POST',
		headers: { 'content-type': 'application/octet-stream' },
		body,
	});
	expect(response.status).toBe(200);

	const [, executionId] = await main!.waitFor(/Enqueued execution (\d+)/);
	await worker!.waitFor(new RegExp(`Worker finished execution ${executionId} `));
	expect(worker!.log()).toContain(`Worker started execution ${executionId} `);

	const [record] = JSON.parse(
		await postgres!.query(
			'select json_agg(e) from (select x.id, x."workflowId", x.mode, x.status, d.data from execution_entity x ' +
				'join execution_data d on d."executionId" = x.id) e',
		),
	) as Array<{ id: number; workflowId: string; mode: string; status: string; data: string }>;
	expect(record).toMatchObject({ id: Number(executionId), workflowId: WORKFLOW_ID, mode: 'webhook', status: 'success' });

	// Execution data is stored in the "flatted" format; n8n's own copy of the module reads it.
	const { parse } = createRequire(bin)('flatted') as { parse: (text: string) => RunData };
	const { runData } = parse(record.data).resultData;
	const [marked] = runData.Mark[0].data.main[0];
	expect(marked.json).toMatchObject({ ranBy: 'worker', text: body.toString() });
	expect(marked.binary?.data.id).toMatch(/^database:/);

	const stored = JSON.parse(await postgres!.query('select json_agg(b) from (select "fileSize" from binary_data) b')) as unknown;
	expect(stored).toEqual([{ fileSize: body.length }]);
});
