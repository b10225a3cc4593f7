import { join } from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { emulatorEndpoints } from '../test/emulator';
import type { CredentialsByType, Harness, WorkflowRun } from '../test/harness';
import { createHarness, file, source } from '../test/harness';
import { API_KEY, type SourceFile } from './common';

/** The package as built into dist/: `npm run bench` builds it first. This file runs from .build/bench/. */
const PACKAGE_DIR = join(__dirname, '..', '..');

/**
 * n8n-core in this process, in filesystem binary mode (binaries have an `id` and the node streams them from n8n's
 * store), its user folder and store in `scratch`. One per process: n8n-core reads its settings once.
 */
export async function startWorkflows(scratch: string): Promise<Harness> {
	// The harness makes n8n's user folder in the temporary directory: the scratch one, on /dev/shm when there is one.
	process.env.TMPDIR = scratch;
	return await createHarness({ binaryMode: 'filesystem', packageDir: PACKAGE_DIR });
}

/** A Filestack credential for the benchmark's app, every endpoint at the emulator. */
export function credentialsAt(url: string): CredentialsByType {
	return { filestackApi: { apiKey: API_KEY, ...emulatorEndpoints(url) } };
}

/** Items whose binary `data` are the files, put into n8n's binary store once, by the harness's source node. */
export async function storedItems(
	harness: Harness,
	files: SourceFile[],
	mimeType: string,
): Promise<INodeExecutionData[]> {
	const run = await harness.run({
		nodes: [source(files.map(({ path }) => ({ binary: { data: file(path, { mimeType }) } })))],
	});
	return run.output('Source');
}

/** How long a node took in its last run, in seconds (n8n's own measure of the node's execution). */
export function nodeSeconds(run: WorkflowRun, nodeName: string): number {
	const task = run.run.data.resultData.runData[nodeName]?.at(-1);
	if (!task) throw new Error(`Node "${nodeName}" did not run`);
	if (task.error) throw new Error(`Node "${nodeName}" failed: ${task.error.message}`);
	return task.executionTime / 1000;
}
