/**
 * `npm start`: a local playground that needs no Filestack account and no internet. A real n8n with this package
 * installed from its tarball, the Filestack emulator standing in for Filestack on loopback, a credential pointing at
 * it and the example workflows. Runs until Ctrl-C, SIGTERM or SIGHUP, then stops n8n and the emulator.
 *
 *   npm start        (= npm run build && npm run build:tools && node .build/scripts/sandbox.js)
 *
 * State (n8n's database, its encryption key, the owner account) stays in `.sandbox/` across restarts; the
 * credential and the examples are imported again at every start. Settings: scripts/sandbox/settings.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { N8nHome, type N8nServer } from '../test/e2e/n8n';
import { filestackCredential } from '../test/e2e/workflows';
import { type Emulator, startEmulator } from '../test/emulator';
import { provideSampleImages, readExamples, triggerWebhookPath } from './sandbox/examples';
import { importIntoN8n } from './sandbox/imports';
import { sandboxN8nEnv } from './sandbox/n8nEnv';
import { installBuiltPackage, installN8n } from './sandbox/n8nInstall';
import { portOrFree } from './sandbox/ports';
import { findRepoRoot } from './sandbox/repoRoot';
import { SANDBOX_APP, SANDBOX_CREDENTIAL, sandboxSettings } from './sandbox/settings';

const say = (line: string) => process.stdout.write(`${line}\n`);
// After a hang-up the terminal is gone: writing to it must not end the process before n8n is stopped.
process.stdout.on('error', () => undefined);

/** A path as short as it can be shown: relative to the working directory when inside it. */
function shown(path: string): string {
	const inside = relative(process.cwd(), path);
	return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

async function main(): Promise<void> {
	const started = Date.now();
	const stop = new AbortController();
	// The first signal stops everything gracefully (bounded: n8n is killed if it lingers); later ones change nothing.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
		process.on(signal, () => stop.abort());
	// So does the end of the process that started this one: SIGTERM to `npm start` ends npm and its shell, not this
	// process, which would otherwise keep n8n running with nobody left to stop it.
	const parent = process.ppid;
	const parentWatch = setInterval(() => process.ppid !== parent && stop.abort(), 1000);

	let emulator: Emulator | undefined;
	let server: N8nServer | undefined;
	try {
		const root = findRepoRoot(__dirname);
		const settings = sandboxSettings(root, process.env);
		say(
			'Filestack sandbox: preparing n8n (the first start installs it into a cache folder: about 5 minutes)…',
		);
		const install = await installN8n(root, stop.signal);
		const n8nVersion = (
			JSON.parse(readFileSync(join(install.modules, 'n8n/package.json'), 'utf8')) as {
				version: string;
			}
		).version;
		const userFolder = join(settings.stateDir, 'n8n');
		await mkdir(userFolder, { recursive: true });
		const n8nPort = await portOrFree(settings.n8nPort);
		const home = new N8nHome(install, userFolder, n8nPort, sandboxN8nEnv(userFolder, n8nPort));
		const n8nUrl = `http://127.0.0.1:${n8nPort}`;
		await installBuiltPackage(root, home);
		stop.signal.throwIfAborted();

		const examples = await readExamples(join(root, 'examples'));
		await provideSampleImages(examples, userFolder);
		const triggered = examples.filter((workflow) => triggerWebhookPath(workflow) !== undefined);
		// Filestack posts an application's events to one URL: the first example that starts with the trigger.
		const webhookPath = triggered.length > 0 ? triggerWebhookPath(triggered[0]) : undefined;
		emulator = await startEmulator({
			port: await portOrFree(settings.emulatorPort),
			apps: [
				{
					apiKey: SANDBOX_APP.apiKey,
					appSecret: SANDBOX_APP.appSecret,
					webhook: webhookPath
						? { url: `${n8nUrl}/webhook/${webhookPath}`, secret: SANDBOX_APP.webhookSecret }
						: undefined,
				},
			],
		});
		const credential = {
			...filestackCredential(SANDBOX_CREDENTIAL.id, emulator.url, SANDBOX_APP),
			name: SANDBOX_CREDENTIAL.name,
		};
		say(
			`Filestack sandbox: importing the credential "${credential.name}" and ${examples.length} example workflows…`,
		);
		await importIntoN8n(
			home,
			credential,
			examples,
			triggered.map((workflow) => workflow.id),
		);
		stop.signal.throwIfAborted();

		say(`Filestack sandbox: starting n8n ${n8nVersion}…`);
		server = await home.start();
		if (webhookPath) await server.waitForWebhook(webhookPath);
		stop.signal.throwIfAborted();

		say('');
		say(
			`Filestack sandbox is ready (${Math.round((Date.now() - started) / 1000)} s). Open ${n8nUrl}`,
		);
		if (n8nPort !== settings.n8nPort && settings.n8nPort !== 0)
			say(`  (port ${settings.n8nPort} was taken)`);
		say(
			(await hasOwner(n8nUrl))
				? `  Sign in with the owner account you created earlier (to start afresh: stop, delete ${shown(settings.stateDir)}).`
				: '  The first visit asks you to create the owner account: a local account of this n8n only, any email will do.',
		);
		say(
			`  Credential "${credential.name}" and ${examples.length} example workflows are in the Overview` +
				' (put back as shipped at every start: keep your changes in a copy).',
		);
		for (const workflow of triggered)
			say(`  Active: "${workflow.name}" (runs when a file is uploaded to the sandbox).`);
		say(
			`  Filestack emulator: ${emulator.url}, API key ${SANDBOX_APP.apiKey} (its files last until the sandbox stops).`,
		);
		say(
			`  State (kept across restarts): ${shown(settings.stateDir)}. n8n's log: ${shown(server.logFile)}`,
		);
		say('Press Ctrl-C to stop.');

		if ((await untilStopped(server.pid, stop.signal)) === 'n8n exited') {
			throw new Error(
				`n8n stopped unexpectedly. The end of its log:\n${server.log().slice(-3000)}`,
			);
		}
	} catch (error) {
		// Stopping while n8n starts can make a step fail (Ctrl-C reaches n8n's commands as well): that is no error.
		if (!stop.signal.aborted) {
			process.stderr.write(
				`Filestack sandbox: ${error instanceof Error ? error.message : String(error)}\n`,
			);
			process.exitCode = 1;
		}
	} finally {
		if (stop.signal.aborted) say('Filestack sandbox: stopping…');
		await server?.stop();
		await emulator?.close();
		if (stop.signal.aborted) say('Filestack sandbox: stopped.');
		clearInterval(parentWatch);
	}
}

/** Whether the n8n instance has its owner account yet (a fresh one shows the setup page first). */
async function hasOwner(n8nUrl: string): Promise<boolean> {
	const response = await fetch(`${n8nUrl}/rest/settings`);
	const { data } = (await response.json()) as {
		data: { userManagement: { showSetupOnFirstLoad: boolean } };
	};
	return !data.userManagement.showSetupOnFirstLoad;
}

/**
 * Waits for the stop signal, or for the n8n process to end on its own. The n8n server helper keeps the child's exit
 * event to itself, so its pid is checked every second.
 */
async function untilStopped(
	pid: number,
	signal: AbortSignal,
): Promise<'stop signal' | 'n8n exited'> {
	while (!signal.aborted) {
		try {
			process.kill(pid, 0);
		} catch {
			return 'n8n exited';
		}
		await sleep(1000, undefined, { signal }).catch(() => undefined);
	}
	return 'stop signal';
}

void main();
