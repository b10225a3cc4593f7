import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Private Redis and PostgreSQL instances for n8n's queue mode: Debian's binaries, each instance in its own temp
// folder on 127.0.0.1 and a free port, gone when stopped. The system services are never touched.

const run = promisify(execFile);

const INSTALLER = join(__dirname, 'install-services.sh');

/** A background process started by a test. */
export interface Daemon {
	readonly pid: number;
	/** Everything it printed so far (stdout and stderr), for assertions and failure messages. */
	log(): string;
	/** Resolves with the first match of `pattern` in its output (now or later); fails if it exits or time runs out. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
	/** Sends the stop signal and waits for the exit; SIGKILL if it lingers. Safe to call twice. */
	stop(): Promise<void>;
}

export interface DaemonOptions {
	/** The process is ready once its output matches this. */
	ready: RegExp;
	env?: NodeJS.ProcessEnv;
	cwd?: string;
	/** Run as this OS user and group (only root may). */
	uid?: number;
	gid?: number;
	stopSignal?: NodeJS.Signals;
	timeoutMs?: number;
}

export interface RedisService {
	port: number;
	stop(): Promise<void>;
}

export interface PostgresService {
	port: number;
	user: string;
	password: string;
	database: string;
	/** Runs SQL in the database through psql; its output unaligned, without headers (`select json_agg(…)` for JSON). */
	query(sql: string): Promise<string>;
	stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as AddressInfo;
	await new Promise((done) => server.close(done));
	return port;
}

/** Starts a long-running process and resolves once it prints its ready line; fails (and kills it) otherwise. */
export async function startDaemon(
	command: string,
	args: string[],
	options: DaemonOptions,
): Promise<Daemon> {
	const { ready, env, cwd, uid, gid, stopSignal = 'SIGTERM', timeoutMs = 60_000 } = options;
	const child = spawn(command, args, { env, cwd, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	let failure: Error | undefined;
	const exited = new Promise<void>((done) => child.on('close', () => done()));
	child.on('error', (error) => (failure = error));
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

	const daemon: Daemon = {
		pid: child.pid ?? -1,
		log: () => output,
		async waitFor(pattern, waitMs = 60_000) {
			const deadline = Date.now() + waitMs;
			let gone = false;
			void exited.then(() => (gone = true));
			for (;;) {
				const match = pattern.exec(output);
				if (match) return match;
				if (gone || Date.now() > deadline) {
					const why = failure?.message ?? (gone ? 'exited' : `timed out after ${waitMs} ms`);
					throw new Error(`${command} ${why} before printing ${pattern}:\n${output.slice(-4000)}`);
				}
				await new Promise((wait) => setTimeout(wait, 50));
			}
		},
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill(stopSignal);
			const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(killer);
		},
	};
	await undoOnFailure(
		async () => await daemon.waitFor(ready, timeoutMs),
		async () => await daemon.stop(),
	);
	return daemon;
}

let installed: Promise<unknown> | undefined;

/** Installs Debian's redis-server and postgresql on first use (a no-op when they are there). */
async function ensureInstalled(): Promise<void> {
	installed ??= run('bash', [INSTALLER]);
	await installed;
}

/** A private redis-server without persistence. */
export async function startRedis(): Promise<RedisService> {
	await ensureInstalled();
	const [folder, port] = await Promise.all([
		mkdtemp(join(tmpdir(), 'filestack-redis-')),
		freePort(),
	]);
	const settings = [
		'--bind',
		'127.0.0.1',
		'--port',
		String(port),
		'--dir',
		folder,
		'--save',
		'',
		'--appendonly',
		'no',
	];
	const redis = await undoOnFailure(
		async () =>
			await startDaemon('redis-server', settings, { ready: /Ready to accept connections/ }),
		async () => await rm(folder, { recursive: true, force: true }),
	);
	return { port, stop: async () => await stopAndRemove(redis, folder) };
}

/**
 * A private PostgreSQL cluster (initdb in a temp folder) with password login and one created database. Durability is
 * off (fsync, full-page writes) because the cluster is thrown away. PostgreSQL refuses to run as root, so as root it
 * runs as the `postgres` OS user, which must be able to reach the temp folder.
 */
export async function startPostgres(): Promise<PostgresService> {
	await ensureInstalled();
	const bin = postgresBin();
	const [folder, port, owner] = await Promise.all([
		mkdtemp(join(tmpdir(), 'filestack-pg-')),
		freePort(),
		process.getuid?.() === 0 ? postgresUser() : Promise.resolve(undefined),
	]);
	const user = 'n8n';
	const database = 'n8n';
	const password = randomBytes(12).toString('hex');
	const asOwner = { uid: owner?.uid, gid: owner?.gid };
	const data = join(folder, 'data');
	const connection = ['-h', '127.0.0.1', '-p', String(port), '-U', user];
	const asUser = { env: { ...process.env, PGPASSWORD: password }, maxBuffer: 256 << 20 };
	let postgres: Daemon | undefined;
	const cluster = await undoOnFailure(
		async () => {
			const passwordFile = join(folder, 'password');
			await writeFile(passwordFile, password, { mode: 0o600 });
			if (owner)
				await Promise.all(
					[folder, passwordFile].map(async (path) => await chown(path, owner.uid, owner.gid)),
				);
			const init = [
				'-D',
				data,
				'-U',
				user,
				`--pwfile=${passwordFile}`,
				'--auth=scram-sha-256',
				'-E',
				'UTF8',
				'--locale=C',
				'-N',
			];
			await run(join(bin, 'initdb'), init, asOwner);
			const durabilityOff = [
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			];
			// SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients instead of waiting for them.
			postgres = await startDaemon(
				join(bin, 'postgres'),
				['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', folder, ...durabilityOff],
				{
					ready: /database system is ready to accept connections/,
					stopSignal: 'SIGINT',
					...asOwner,
				},
			);
			await run(join(bin, 'createdb'), [...connection, database], asUser);
			return postgres;
		},
		async () => {
			await postgres?.stop();
			await rm(folder, { recursive: true, force: true });
		},
	);
	return {
		port,
		user,
		password,
		database,
		query: async (sql) =>
			(
				await run(
					join(bin, 'psql'),
					[...connection, '-d', database, '-X', '-At', '-c', sql],
					asUser,
				)
			).stdout.trim(),
		stop: async () => await stopAndRemove(cluster, folder),
	};
}

/** Runs `work`; if it fails, runs `undo` (releasing what it had started) before passing the failure on. */
async function undoOnFailure<T>(work: () => Promise<T>, undo: () => Promise<void>): Promise<T> {
	return await work().catch(async (error: unknown) => {
		await undo();
		throw error;
	});
}

async function stopAndRemove(daemon: Daemon, folder: string): Promise<void> {
	await daemon.stop();
	await rm(folder, { recursive: true, force: true });
}

/** The bin folder of the newest PostgreSQL installed from Debian packages. */
function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin/initdb')))
		: [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error(`no PostgreSQL under ${root}: run test/e2e/install-services.sh`);
	return join(root, newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
	const [uid, gid] = await Promise.all([
		run('id', ['-u', 'postgres']),
		run('id', ['-g', 'postgres']),
	]);
	return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
