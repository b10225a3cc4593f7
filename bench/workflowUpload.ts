import type { INodeExecutionData } from 'n8n-workflow';

import type { Harness } from '../test/harness';
import { filestackNode } from '../test/harness';
import { measure, type SourceFile, type Timing } from './common';
import { credentialsAt, nodeSeconds, storedItems } from './workflow';

/**
 * The node's File → Upload in a workflow run by n8n-core, of a file n8n holds in its binary store (filesystem
 * mode), with the settings of the SDK-alone run beside it (regular multipart, 8 MiB parts, 4 at once).
 */
export class WorkflowUpload {
	private constructor(
		private readonly harness: Harness,
		private readonly item: INodeExecutionData,
	) {}

	/** Puts the file into n8n's binary store (untimed), as a node before the Filestack node would have. */
	static async of(harness: Harness, file: SourceFile): Promise<WorkflowUpload> {
		const [item] = await storedItems(harness, [file], 'application/octet-stream');
		return new WorkflowUpload(harness, item);
	}

	/** One run; the time is n8n's own measure of the node's execution, the RSS the whole process's. */
	async run(emulatorUrl: string): Promise<{ handle: string; timing: Timing }> {
		const nodes = [filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' })];
		const { result: run, peakRss } = await measure(
			async () =>
				await this.harness.run(
					{ nodes },
					{ input: [[this.item]], credentials: credentialsAt(emulatorUrl) },
				),
		);
		const [item] = run.output('Filestack');
		return {
			handle: String(item.json.handle),
			timing: { seconds: nodeSeconds(run, 'Filestack'), peakRss },
		};
	}
}
