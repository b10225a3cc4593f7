import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { createN8nHome, type N8nHome, type N8nHomeOptions } from './n8n';
import {
	filestackCredential,
	linearWorkflow,
	manualTrigger,
	type CredentialFile,
	type WorkflowNode,
} from './workflows';

/**
 * What the files that run one workflow with n8n's CLI share: an emulator with one app and a scratch folder for the
 * files the workflow reads, for the whole file; an n8n home a test, removed after it.
 */
export interface WorkflowFixture {
	readonly emulator: Emulator;
	/** A real path (no symlink), so it can be the only folder n8n may read. */
	readonly scratch: string;
	/** The n8n home of the running test, made by `n8nWithWorkflow`. */
	readonly home: N8nHome;
	/**
	 * A fresh n8n home with a credential of the emulator's app and workflow `workflowId` imported: Manual Trigger,
	 * then the nodes `nodes` makes with that credential.
	 */
	n8nWithWorkflow(
		workflowId: string,
		nodes: (credential: CredentialFile) => WorkflowNode[],
		options?: N8nHomeOptions,
	): Promise<N8nHome>;
}

/** Registers the hooks of a file's fixture; its fields are set once `beforeAll` has run. */
export function useWorkflowFixture(apiKey: string): WorkflowFixture {
	let emulator: Emulator | undefined;
	let scratch: string | undefined;
	let home: N8nHome | undefined;
	const ready = <T>(value: T | undefined, name: string): T => {
		if (value === undefined) throw new Error(`the e2e fixture has no ${name} yet`);
		return value;
	};

	beforeAll(async () => {
		emulator = await startEmulator({ apps: [{ apiKey }] });
		scratch = await realpath(await mkdtemp(join(tmpdir(), 'filestack-e2e-')));
	});
	afterEach(async () => {
		await home?.remove();
		home = undefined;
	});
	afterAll(async () => {
		await emulator?.close();
		if (scratch) await rm(scratch, { recursive: true, force: true });
	});

	return {
		get emulator() {
			return ready(emulator, 'emulator');
		},
		get scratch() {
			return ready(scratch, 'scratch folder');
		},
		get home() {
			return ready(home, 'n8n home');
		},
		async n8nWithWorkflow(workflowId, nodes, options) {
			home = await createN8nHome(options);
			const credential = filestackCredential(`${workflowId}Cred`, this.emulator.url, { apiKey });
			await home.importCredentials([credential]);
			await home.importWorkflow(
				linearWorkflow(workflowId, [manualTrigger(), ...nodes(credential)]),
			);
			return home;
		},
	};
}
