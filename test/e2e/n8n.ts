import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './services';

const run = promisify(execFile);

const REPO_ROOT = resolve(__dirname, '../..');

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

/** How an `n8n execute` ended: its exit code and the run's error message, both what a user is shown first. */
export function outcome({ code, run }: ExecuteResult): { code: number | null; error?: string } {
	return { code, error: run.data.resultData.error?.message };
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
	/** The input item this one came from (n8n also allows a list or a bare index; this package sets one object). */
	pairedItem?: { item: number; input?: number };
	binary?: Record<
		string,
		{ data: string; id?: string; fileName?: string; mimeType?: string; fileSize?: string }
	>;
}

/** An execution as stored in n8n's sqlite database, its run data parsed from n8n's "flatted" format. */
export interface StoredExecution {
	id: number;
	workflowId: string;
	mode: string;
	status: string;
	data: ExecutionJson['data'] | null;
}

/**
 * Which n8n the end-to-end tests run against, chosen by N8N_E2E_FLAVOR (see matrix.md):
 * - `1.x` (the default): n8n 1.123.81 on the system Node 20 (install-n8n.sh);
 * - `2.x`: n8n 2.41.1 on a Node 24 from the npm registry (install-n8n2.sh);
 * - `queue`: 1.x in queue mode (main + worker, Redis, PostgreSQL); only queueMode.test.ts runs in it, the other
 *   files would run their 1.x homes unchanged.
 */
export type N8nFlavor = '1.x' | '2.x' | 'queue';

export function n8nFlavor(): N8nFlavor {
	const flavor = process.env.N8N_E2E_FLAVOR || '1.x';
	if (flavor === '1.x' || flavor === '2.x' || flavor === 'queue') return flavor;
	throw new Error(`N8N_E2E_FLAVOR must be 1.x, 2.x or queue, not "${flavor}"`);
}

/** An installed n8n: its CLI runs as `node bin …`. */
export interface N8nInstall {
	major: 1 | 2;
	node: string;
	bin: string;
	/** n8n's own node_modules, for modules of its that tests use (sqlite3, flatted), built for `node`. */
	modules: string;
}

let installed: Promise<N8nInstall> | undefined;

/**
 * The n8n of the flavour, installed on first use into a cache folder outside the repository by its installer:
 * minutes the first time on a fresh machine, instant afterwards.
 */
export async function n8nInstall(): Promise<N8nInstall> {
	installed ??= (async () => {
		const major = n8nFlavor() === '2.x' ? 2 : 1;
		const installer = join(__dirname, major === 2 ? 'install-n8n2.sh' : 'install-n8n.sh');
		const { stdout } = await run('bash', [installer], { maxBuffer: 1 << 20 });
		// install-n8n.sh prints the bin (for the system Node); install-n8n2.sh the Node 24 binary, then the bin.
		const lines = stdout.trim().split('\n');
		const bin = await realpath(lines.at(-1)!);
		const node = major === 2 ? lines[0] : process.execPath;
		return { major, node, bin, modules: resolve(bin, '../../..') }; // the bin is <root>/node_modules/n8n/bin/n8n
	})();
	return await installed;
}

let packed: Promise<string> | undefined;

/** `npm pack` of this repository's built package (once per test file), as a user would get it from npm. */
export async function packPackage(): Promise<string> {
	packed ??= (async () => {
		if (!existsSync(join(REPO_ROOT, 'dist/nodes/Filestack/Filestack.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
		}
		const destination = await mkdtemp(join(tmpdir(), 'filestack-pack-'));
		const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], {
			cwd: REPO_ROOT,
		});
		return join(destination, stdout.trim().split('\n').at(-1)!);
	})();
	return await packed;
}

/** The error of an n8n process that could not be started (ENOENT, EACCES): a test fails with it at once. */
function cannotStart(install: N8nInstall, error: Error): Error {
	return new Error(
		`n8n could not be started with ${install.node} ${install.bin}: ${error.message}`,
	);
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
	/**
	 * Binary data mode: 'default' keeps binaries in memory, 'filesystem' streams them to files. Unset, 1.x uses
	 * 'default' and 2.x its own default, 'filesystem' (under `.n8n/storage`).
	 */
	binaryMode?: 'default' | 'filesystem';
	/** Extra environment for every n8n command of this home; it wins over the settings here. */
	env?: Record<string, string>;
}

/**
 * What every n8n started from this repository runs with (real-n8n.md): offline (no telemetry, templates, version or
 * package lookups), quiet, on loopback only, on sqlite, in its own user folder.
 */
export function offlineN8nEnv(folder: string, port: number): NodeJS.ProcessEnv {
	// Nothing of the caller's environment leaks in: npm's config, jest's NODE_ENV, another n8n's settings.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !/^(npm_|N8N_|DB_|QUEUE_|EXECUTIONS_|JEST_)|^NODE_ENV$/.test(name),
		),
	);
	return {
		...inherited,
		N8N_USER_FOLDER: folder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		DB_TYPE: 'sqlite',
	};
}

/** The offline settings, for a test's n8n of the given major version: no UI, UTC, a fresh encryption key. */
function n8nEnv(
	major: 1 | 2,
	folder: string,
	port: number,
	options: N8nHomeOptions = {},
): NodeJS.ProcessEnv {
	const binaryMode = options.binaryMode ?? (major === 1 ? 'default' : undefined);
	return {
		...offlineN8nEnv(folder, port),
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_DISABLE_UI: 'true',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		...(binaryMode ? { N8N_DEFAULT_BINARY_DATA_MODE: binaryMode } : {}),
		...(major === 1
			? {
					// The default 'vm' engine runs expressions in isolated-vm 5.0.4 (the last that builds on Node 20), which
					// crashed n8n in V8's garbage collector in 3 of 12 CLI runs on 2 busy cores; 'legacy' crashed in none.
					N8N_EXPRESSION_ENGINE: 'legacy',
				}
			: {
					// Else every start fetches the MCP server list from api.n8n.io (1.x rejects unknown module names).
					N8N_DISABLED_MODULES: 'mcp-registry',
					// 2.x lets nodes read and write files only under ~/.n8n-files by default; tests keep theirs in tmp.
					N8N_RESTRICT_FILE_ACCESS_TO: tmpdir(),
					// Where 1.x keeps them (2.x: .n8n/storage), so tests find a 'filesystem-v2:' id's file in one place.
					N8N_BINARY_DATA_STORAGE_PATH: join(folder, '.n8n', 'binaryData'),
				}),
		...options.env,
	};
}

/**
 * A fresh n8n user folder with this package installed in it, and the n8n commands run against it. One per test:
 * a reused folder keeps stale webhooks and unfinished executions.
 */
export async function createN8nHome(options: N8nHomeOptions = {}): Promise<N8nHome> {
	const [install, tarball, folder, port] = await Promise.all([
		n8nInstall(),
		packPackage(),
		mkdtemp(join(tmpdir(), 'filestack-n8n-')),
		freePort(),
	]);
	const home = new N8nHome(install, folder, port, n8nEnv(install.major, folder, port, options));
	await home.installPackage(tarball);
	return home;
}

export class N8nHome {
	private readonly processes = new Set<N8nProcess>();

	constructor(
		readonly install: N8nInstall,
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
		await writeFile(
			join(nodes, 'package.json'),
			'{"name":"installed-nodes","private":true,"dependencies":{}}',
		);
		const flags = [
			'--no-audit',
			'--no-fund',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-package-lock',
		];
		await run('npm', ['install', ...flags, tarball], { cwd: nodes });
	}

	/**
	 * The environment of one n8n process. 2.x always starts a task broker (default port 5679), so each process gets
	 * a port of its own: a server and a CLI command of the same home, or two tests, may run at once.
	 */
	async processEnv(): Promise<NodeJS.ProcessEnv> {
		if (this.install.major === 1 || this.env.N8N_RUNNERS_BROKER_PORT) return this.env;
		return { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	}

	/** Runs an n8n command to its end. */
	async cli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
		const started = Date.now();
		const env = await this.processEnv();
		const child = spawn(this.install.node, [this.install.bin, ...args], { cwd: this.folder, env });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		let peakRssBytes = 0;
		const sampler = setInterval(
			() => (peakRssBytes = Math.max(peakRssBytes, peakRss(child.pid!))),
			50,
		);
		const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		try {
			const code = await new Promise<number | null>((done, fail) => {
				child.on('close', done);
				child.on('error', (error) => fail(cannotStart(this.install, error)));
			});
			return { code, stdout, stderr, peakRssBytes, durationMs: Date.now() - started };
		} finally {
			clearInterval(sampler);
			clearTimeout(killer);
		}
	}

	/** Runs a command that must succeed. */
	private async succeed(args: string[]): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`,
			);
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
		// 2.x activates the published version of a workflow; its update:workflow --active is deprecated.
		await this.succeed(
			this.install.major === 1
				? ['update:workflow', `--id=${id}`, '--active=true']
				: ['publish:workflow', `--id=${id}`],
		);
	}

	/**
	 * `n8n execute --id --rawOutput`. Log lines may come before the run JSON (2.x: task broker, license) and after it
	 * (the error report of a failed run): the JSON is pretty-printed, so it is the lines from the first `{` at the
	 * start of a line to the first `}` there.
	 */
	async execute(workflowId: string, timeoutMs?: number): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const json = /^\{$[\s\S]*?^\}$/m.exec(result.stdout);
		if (!json)
			throw new Error(
				`n8n execute printed no run (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
			);
		return { ...result, run: JSON.parse(json[0]) as ExecutionJson };
	}

	/** `n8n start` in the background; resolves once its REST API answers. */
	async start(): Promise<N8nServer> {
		const server = new N8nServer(this, await this.processEnv());
		this.processes.add(server);
		await server.ready();
		return server;
	}

	/** `n8n worker` in the background (queue mode); resolves once it takes jobs. It opens no port. */
	async startWorker(): Promise<N8nProcess> {
		const worker = new N8nProcess(this, 'worker', await this.processEnv());
		this.processes.add(worker);
		await worker.waitForLog(/n8n worker is now ready/);
		return worker;
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
		// n8n's sqlite3 is built for the Node it runs on.
		const { stdout } = await run(
			this.install.node,
			['-e', script, join(this.n8nFolder, 'database.sqlite')],
			{
				env: { ...process.env, NODE_PATH: this.install.modules },
				maxBuffer: 256 << 20,
			},
		);
		return JSON.parse(stdout) as StoredExecution[];
	}

	/** Stops every process started here and deletes the folder. */
	async remove(): Promise<void> {
		await Promise.all([...this.processes].map(async (process) => await process.stop()));
		await rm(this.folder, { recursive: true, force: true });
	}
}

/** A long-running n8n command (`start`, `worker`) of a home, logging to `<folder>/n8n-<command>.log`. */
export class N8nProcess {
	readonly logFile: string;
	private readonly child;
	private readonly exited: Promise<number | null>;
	private gone = false;
	/** Set when the process could not be started at all (a missing binary): every wait fails with it at once. */
	private startError?: Error;

	constructor(home: N8nHome, command: string, env: NodeJS.ProcessEnv) {
		this.logFile = join(home.folder, `n8n-${command}.log`);
		const log = createWriteStream(this.logFile);
		const { node, bin } = home.install;
		this.child = spawn(node, [bin, command], {
			cwd: home.folder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.child.stdout.pipe(log);
		this.child.stderr.pipe(log);
		this.exited = new Promise((done) => {
			this.child.on('exit', done);
			this.child.on('error', (error) => {
				this.startError = cannotStart(home.install, error);
				done(null);
			});
		});
		void this.exited.then(() => (this.gone = true));
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** Peak resident memory of the n8n process so far, in bytes. */
	peakRssBytes(): number {
		return peakRss(this.pid);
	}

	/** The log so far (for assertions and failure messages). */
	log(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	/** Resolves with the first match of `pattern` in the log (now or later); fails if n8n exits or time runs out. */
	async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const match = pattern.exec(this.log());
			if (match) return match;
			if (this.startError) throw this.startError;
			if (this.gone || Date.now() > deadline) {
				const why = this.gone ? 'exited' : 'timed out';
				throw new Error(`n8n ${why} before logging ${pattern}:\n${this.log().slice(-4000)}`);
			}
			await new Promise((wait) => setTimeout(wait, 100));
		}
	}

	/** Polls `url` until `done(status)`; fails if n8n exits first or time runs out. */
	protected async poll(
		url: string,
		method: string,
		done: (status: number) => boolean,
		timeoutMs: number,
	) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline && !this.gone) {
			const status = await fetch(url, { method }).then(
				(response) => response.status,
				() => 0,
			);
			if (done(status)) return;
			await new Promise((wait) => setTimeout(wait, 200));
		}
		if (this.startError) throw this.startError;
		throw new Error(
			`n8n ${this.gone ? 'exited' : 'timed out'} before ${method} ${url} was ready:\n${this.log().slice(-4000)}`,
		);
	}

	/** SIGTERM (n8n shuts down gracefully, in seconds at most), SIGKILL if it lingers. */
	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		this.child.kill('SIGTERM');
		const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await this.exited;
		clearTimeout(killer);
	}
}

/** A running `n8n start`, logging to `<folder>/n8n-start.log`. */
export class N8nServer extends N8nProcess {
	readonly url: string;

	constructor(home: N8nHome, env: NodeJS.ProcessEnv) {
		super(home, 'start', env);
		this.url = `http://127.0.0.1:${home.port}`;
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
	 * workflows are, so this polls the webhook itself until it stops answering 404. Each poll that gets through starts
	 * an execution: use it only for webhooks that refuse unauthenticated calls (else `waitForLog`).
	 */
	async waitForWebhook(path: string, method = 'POST', timeoutMs = 60_000): Promise<void> {
		await this.poll(`${this.url}/webhook/${path}`, method, (status) => status !== 404, timeoutMs);
	}
}
