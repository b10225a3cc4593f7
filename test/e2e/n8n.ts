import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const REPO_ROOT = resolve(__dirname, '../..');
const INSTALLER = join(__dirname, 'install-n8n.sh');

/** A finished n8n CLI command. */
export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** Highest resident memory of the n8n process seen while it ran (VmHWM, sampled), in bytes. */
	peakRssBytes: number;
	durationMs: number;
}

/** `n8n execute --rawOutput`: the command's result plus the run it printed (`data.resultData.runData`, `status`…). */
export interface ExecuteResult extends CliResult {
	run: ExecutionJson;
}

/** The run JSON n8n prints and stores: what tests read of it. */
export interface ExecutionJson {
	status?: string;
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<ExecutionItem>> } }>>;
			error?: { message: string };
		};
	};
}

/** An output item of a node in run JSON; in filesystem mode a binary's `data` is 'filesystem-v2' and `id` is set. */
export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, { data: string; id?: string; fileName?: string; mimeType?: string; fileSize?: string }>;
}

/** An execution as stored in n8n's sqlite database, its run data parsed from n8n's "flatted" format. */
export interface StoredExecution {
	id: number;
	workflowId: string;
	mode: string;
	status: string;
	data: ExecutionJson['data'] | null;
}

let installed: Promise<string> | undefined;

/**
 * The n8n CLI (1.123.81 on the system Node), installed on first use into a cache folder outside the repository
 * by install-n8n.sh: about 4 minutes the first time on a fresh machine, instant afterwards.
 */
export async function n8nBin(): Promise<string> {
	installed ??= run('bash', [INSTALLER], { maxBuffer: 1 << 20 }).then(
		async ({ stdout }) => await realpath(stdout.trim()),
	);
	return await installed;
}

/** n8n's own node_modules, for modules of its that tests use (sqlite3, flatted). */
async function n8nModules(): Promise<string> {
	return resolve(await n8nBin(), '../../..'); // the bin is <root>/node_modules/n8n/bin/n8n
}

let packed: Promise<string> | undefined;

/** `npm pack` of this repository's built package (once per test file), as a user would get it from npm. */
export async function packPackage(): Promise<string> {
	packed ??= (async () => {
		if (!existsSync(join(REPO_ROOT, 'dist/nodes/Filestack/Filestack.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
		}
		const destination = await mkdtemp(join(tmpdir(), 'filestack-pack-'));
		const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: REPO_ROOT });
		return join(destination, stdout.trim().split('\n').at(-1)!);
	})();
	return await packed;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as AddressInfo;
	await new Promise((done) => server.close(done));
	return port;
}

/** Peak resident set size of a live process so far, from /proc (Linux). */
function peakRss(pid: number): number {
	try {
		const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0; // the process has just exited
	}
}

export interface N8nHomeOptions {
	/** n8n 1.x binary data mode: 'default' keeps binaries in memory, 'filesystem' streams them to files. */
	binaryMode?: 'default' | 'filesystem';
	/** Extra environment for every n8n command of this home. */
	env?: Record<string, string>;
}

/** Offline, quiet, loopback-only settings from real-n8n.md. */
function n8nEnv(folder: string, port: number, options: N8nHomeOptions): NodeJS.ProcessEnv {
	// Nothing of the test runner's environment leaks in: npm's config, jest's NODE_ENV, another n8n's settings.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(npm_|N8N_|DB_|JEST_)|^NODE_ENV$/.test(name)),
	);
	return {
		...inherited,
		N8N_USER_FOLDER: folder,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
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
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_DEFAULT_BINARY_DATA_MODE: options.binaryMode ?? 'default',
		// The default 'vm' engine runs expressions in isolated-vm 5.0.4 (the last that builds on Node 20), which
		// crashed n8n in V8's garbage collector in 3 of 12 CLI runs on 2 busy cores; 'legacy' crashed in none.
		N8N_EXPRESSION_ENGINE: 'legacy',
		...options.env,
	};
}

/**
 * A fresh n8n user folder with this package installed in it, and the n8n commands run against it. One per test:
 * a reused folder keeps stale webhooks and unfinished executions.
 */
export async function createN8nHome(options: N8nHomeOptions = {}): Promise<N8nHome> {
	const [bin, tarball, folder, port] = await Promise.all([
		n8nBin(),
		packPackage(),
		mkdtemp(join(tmpdir(), 'filestack-n8n-')),
		freePort(),
	]);
	const home = new N8nHome(bin, folder, port, n8nEnv(folder, port, options));
	await home.installPackage(tarball);
	return home;
}

export class N8nHome {
	private readonly servers = new Set<N8nServer>();

	constructor(
		private readonly bin: string,
		/** N8N_USER_FOLDER; n8n keeps everything in its `.n8n` subfolder. */
		readonly folder: string,
		readonly port: number,
		readonly env: NodeJS.ProcessEnv,
	) {}

	get n8nFolder(): string {
		return join(this.folder, '.n8n');
	}

	/** Installs a package tarball as n8n's community-package installer does (no peers, no scripts). */
	async installPackage(tarball: string): Promise<void> {
		const nodes = join(this.n8nFolder, 'nodes');
		await mkdir(nodes, { recursive: true });
		await writeFile(join(nodes, 'package.json'), '{"name":"installed-nodes","private":true,"dependencies":{}}');
		const flags = ['--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock'];
		await run('npm', ['install', ...flags, tarball], { cwd: nodes });
	}

	/** Runs an n8n command to its end. */
	async cli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
		const started = Date.now();
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test tooling: n8n's own CLI, fixed arguments
		const child = spawn(process.execPath, [this.bin, ...args], { cwd: this.folder, env: this.env });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		let peakRssBytes = 0;
		const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, peakRss(child.pid!))), 50);
		const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const code = await new Promise<number | null>((done) => child.on('close', done));
		clearInterval(sampler);
		clearTimeout(killer);
		return { code, stdout, stderr, peakRssBytes, durationMs: Date.now() - started };
	}

	/** Runs a command that must succeed. */
	private async succeed(args: string[]): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
		}
		return result;
	}

	/** Imports one workflow (it must carry an `id`); the first command on a fresh folder also runs the migrations. */
	async importWorkflow(workflow: object): Promise<void> {
		const file = join(this.folder, `workflow-${randomBytes(4).toString('hex')}.json`);
		await writeFile(file, JSON.stringify(workflow));
		await this.succeed(['import:workflow', `--input=${file}`]);
	}

	/** Imports credentials `[{ id, name, type, data }]`; n8n encrypts the plain `data` with the instance key. */
	async importCredentials(credentials: object[]): Promise<void> {
		const file = join(this.folder, `credentials-${randomBytes(4).toString('hex')}.json`);
		await writeFile(file, JSON.stringify(credentials));
		await this.succeed(['import:credentials', `--input=${file}`]);
	}

	/** Activates an imported workflow (import always deactivates); takes effect at the next `start`. */
	async activateWorkflow(id: string): Promise<void> {
		await this.succeed(['update:workflow', `--id=${id}`, '--active=true']);
	}

	/** `n8n execute --id --rawOutput`; the JSON starts at the first line that is exactly `{` (logs may precede it). */
	async execute(workflowId: string, timeoutMs?: number): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const start = result.stdout.search(/^\{$/m);
		if (start < 0)
			throw new Error(`n8n execute printed no run (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		return { ...result, run: JSON.parse(result.stdout.slice(start)) as ExecutionJson };
	}

	/** `n8n start` in the background; resolves once its REST API answers. */
	async start(): Promise<N8nServer> {
		const server = new N8nServer(this, [this.bin, 'start']);
		this.servers.add(server);
		await server.ready();
		return server;
	}

	/** The executions stored in the database, oldest first, read with n8n's own sqlite3 and flatted modules. */
	async executions(): Promise<StoredExecution[]> {
		const script = `
			const sqlite3 = require('sqlite3');
			const { parse } = require('flatted');
			const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
			db.configure('busyTimeout', 5000);
			const sql = 'SELECT e.id, e.workflowId, e.mode, e.status, d.data FROM execution_entity e '
				+ 'LEFT JOIN execution_data d ON d.executionId = e.id ORDER BY e.id';
			db.all(sql, (error, rows) => {
				if (error) throw error;
				process.stdout.write(JSON.stringify(rows.map((row) => ({ ...row, data: row.data ? parse(row.data) : null }))));
				db.close();
			});`;
		const { stdout } = await run(process.execPath, ['-e', script, join(this.n8nFolder, 'database.sqlite')], {
			env: { ...process.env, NODE_PATH: await n8nModules() },
			maxBuffer: 256 << 20,
		});
		return JSON.parse(stdout) as StoredExecution[];
	}

	/** Stops every server started here and deletes the folder. */
	async remove(): Promise<void> {
		await Promise.all([...this.servers].map(async (server) => await server.stop()));
		await rm(this.folder, { recursive: true, force: true });
	}
}

/** A running `n8n start`, logging to `<folder>/n8n-start.log`. */
export class N8nServer {
	readonly url: string;
	readonly logFile: string;
	private readonly child;
	private readonly exited: Promise<number | null>;

	constructor(home: N8nHome, args: string[]) {
		this.url = `http://127.0.0.1:${home.port}`;
		this.logFile = join(home.folder, 'n8n-start.log');
		const log = createWriteStream(this.logFile);
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- test tooling: n8n's own CLI, fixed arguments
		this.child = spawn(process.execPath, args, { cwd: home.folder, env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
		this.child.stdout.pipe(log);
		this.child.stderr.pipe(log);
		this.exited = new Promise((done) => this.child.on('exit', done));
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** Peak resident memory of the n8n process so far, in bytes. */
	peakRssBytes(): number {
		return peakRss(this.pid);
	}

	/** The log so far (for failure messages). */
	log(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	/**
	 * Waits until the REST API answers; fails if n8n exits first. `/healthz/readiness` turns 200 before the REST
	 * routes exist, so this polls one of them: GET /rest/login is 404 until then, and 401 without a session.
	 */
	async ready(timeoutMs = 60_000): Promise<void> {
		await this.poll(`${this.url}/rest/login`, 'GET', (status) => status === 401, timeoutMs);
	}

	/**
	 * Waits until a production webhook is registered. The readiness endpoint turns 200 about a second before active
	 * workflows are, so this polls the webhook itself until it stops answering 404.
	 */
	async waitForWebhook(path: string, method = 'POST', timeoutMs = 60_000): Promise<void> {
		await this.poll(`${this.url}/webhook/${path}`, method, (status) => status !== 404, timeoutMs);
	}

	private async poll(url: string, method: string, done: (status: number) => boolean, timeoutMs: number) {
		const deadline = Date.now() + timeoutMs;
		let exited = false;
		void this.exited.then(() => (exited = true));
		while (Date.now() < deadline && !exited) {
			const status = await fetch(url, { method }).then(
				(response) => response.status,
				() => 0,
			);
			if (done(status)) return;
			await new Promise((wait) => setTimeout(wait, 200));
		}
		throw new Error(
			`n8n ${exited ? 'exited' : 'timed out'} before ${method} ${url} was ready:\n${this.log().slice(-4000)}`,
		);
	}

	/** SIGTERM (n8n shuts down gracefully in well under a second), SIGKILL if it lingers. */
	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		this.child.kill('SIGTERM');
		const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await this.exited;
		clearTimeout(killer);
	}
}
