import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

import { syntheticPng } from '../../test/emulator/png';

const TRIGGER_TYPE = 'n8n-nodes-filestack.filestackTrigger';

/** What the sandbox needs of an example workflow file; n8n gets the whole file. */
export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters?: Record<string, unknown>;
	}>;
	[field: string]: unknown;
}

/** The workflows of `examples/*.json`, by file name. Each must carry an `id`, so that importing again replaces it. */
export async function readExamples(folder: string): Promise<ExampleWorkflow[]> {
	if (!existsSync(folder)) return [];
	const files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
	return await Promise.all(
		files.map(async (file) => {
			const workflow = JSON.parse(await readFile(join(folder, file), 'utf8')) as ExampleWorkflow;
			if (typeof workflow.id !== 'string' || !Array.isArray(workflow.nodes)) {
				throw new Error(`examples/${file} is not a workflow with an id`);
			}
			return workflow;
		}),
	);
}

/**
 * The production webhook path of a workflow's Filestack Trigger (n8n serves it under `/webhook/`), or undefined
 * when it has none. The trigger's webhook is not a full path, so n8n puts the node's webhookId in front of it.
 */
export function triggerWebhookPath(workflow: ExampleWorkflow): string | undefined {
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (!trigger) return undefined;
	if (!trigger.webhookId)
		throw new Error(`The Filestack Trigger of example "${workflow.name}" has no webhookId`);
	return `${trigger.webhookId}/webhook`;
}

/**
 * Puts a sample image where an example reads a PNG from n8n's working directory by a relative path ("Read/Write
 * Files from Disk"), unless a file is there already, so that the example runs as it is.
 */
export async function provideSampleImages(
	workflows: ExampleWorkflow[],
	workingDirectory: string,
): Promise<void> {
	const images = workflows
		.flatMap((workflow) => workflow.nodes)
		.filter(
			(node) =>
				node.type === 'n8n-nodes-base.readWriteFile' && node.parameters?.operation === 'read',
		)
		.map((node) => String(node.parameters?.fileSelector))
		.filter((path) => path.endsWith('.png') && !isAbsolute(path));
	for (const image of images) {
		const path = join(workingDirectory, image);
		if (existsSync(path)) continue;
		await mkdir(dirname(path), { recursive: true });
		await writeFile(path, syntheticPng(1600, 1200, image));
	}
}
