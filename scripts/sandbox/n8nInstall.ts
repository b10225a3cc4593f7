import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import type { N8nHome, N8nInstall } from '../../test/e2e/n8n';

const run = promisify(execFile);

/**
 * n8n 1.x on this Node, installed once by the end-to-end tests' installer into a cache folder outside the repository
 * (4 to 6 minutes on a fresh machine, instant afterwards). npm's errors go to this terminal. Aborting ends the
 * install. (The tests' own `n8nInstall()` finds the installer next to its source, which `.build` does not have.)
 */
export async function installN8n(repoRoot: string, signal: AbortSignal): Promise<N8nInstall> {
	// A process group of its own, so that a stop ends npm and the native builds under the installer as well.
	const installer = spawn('bash', [join(repoRoot, 'test/e2e/install-n8n.sh')], {
		detached: true,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const stopInstaller = () => {
		try {
			process.kill(-installer.pid!, 'SIGTERM');
		} catch {
			// already ended
		}
	};
	signal.addEventListener('abort', stopInstaller, { once: true });
	let stdout = '';
	installer.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	const [code] = (await once(installer, 'close')) as [number | null];
	signal.removeEventListener('abort', stopInstaller);
	signal.throwIfAborted();
	if (code !== 0)
		throw new Error(`Installing n8n failed (exit ${code}); the installer's messages are above`);
	const bin = await realpath(stdout.trim());
	return { major: 1, node: process.execPath, bin, modules: resolve(bin, '../../..') }; // bin: <modules>/n8n/bin/n8n
}

/**
 * Installs the built package into n8n's community-nodes folder from its `npm pack` tarball, as a user gets it
 * from npm, replacing the copy of an earlier start.
 */
export async function installBuiltPackage(repoRoot: string, home: N8nHome): Promise<void> {
	if (!existsSync(join(repoRoot, 'dist/nodes/Filestack/Filestack.node.js'))) {
		throw new Error('dist/ is missing: build the package first (npm start does)');
	}
	const destination = await mkdtemp(join(tmpdir(), 'filestack-sandbox-pack-'));
	try {
		const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], {
			cwd: repoRoot,
		});
		await rm(join(home.n8nFolder, 'nodes/node_modules/n8n-nodes-filestack'), {
			recursive: true,
			force: true,
		});
		await home.installPackage(join(destination, stdout.trim().split('\n').at(-1)!));
	} finally {
		await rm(destination, { recursive: true, force: true });
	}
}
