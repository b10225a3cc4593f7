import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { N8nHome } from '../../test/e2e/n8n';
import type { CredentialFile } from '../../test/e2e/workflows';
import type { ExampleWorkflow } from './examples';

/**
 * Imports the credential and the example workflows into n8n's database. n8n replaces what has the same id, so
 * importing at every start is idempotent and brings the credential's URLs up to date. Import deactivates
 * workflows, so `active` ones are activated again (effective at the next `n8n start`).
 */
export async function importIntoN8n(
	home: N8nHome,
	credential: CredentialFile,
	workflows: ExampleWorkflow[],
	active: string[],
): Promise<void> {
	// Files of their own, deleted afterwards: the user folder should not collect one per start.
	const folder = await mkdtemp(join(tmpdir(), 'filestack-sandbox-import-'));
	try {
		await writeFile(join(folder, 'credentials.json'), JSON.stringify([credential]));
		await succeed(home, ['import:credentials', `--input=${join(folder, 'credentials.json')}`]);
		if (workflows.length > 0) {
			await writeFile(join(folder, 'workflows.json'), JSON.stringify(workflows));
			await succeed(home, ['import:workflow', `--input=${join(folder, 'workflows.json')}`]);
		}
	} finally {
		await rm(folder, { recursive: true, force: true });
	}
	for (const id of active) await home.activateWorkflow(id);
}

async function succeed(home: N8nHome, args: string[]): Promise<void> {
	const result = await home.cli(args);
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args[0]} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`,
		);
	}
}
