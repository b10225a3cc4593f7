import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Where a source item's binary property comes from: a file on disk or bytes given inline (base64). */
export type BinarySource =
	| { path: string; fileName?: string; mimeType?: string }
	| { base64: string; fileName: string; mimeType?: string };

export interface SourceItem {
	json?: IDataObject;
	binary?: Record<string, BinarySource>;
}

export const SOURCE_NODE_TYPE = 'harness.source';

/** A binary source from bytes in memory. */
export function bytes(content: Buffer | string, fileName: string, mimeType?: string): BinarySource {
	return { base64: Buffer.from(content).toString('base64'), fileName, mimeType };
}

/** A binary source from a file, read as a stream when the workflow runs. */
export function file(
	path: string,
	options: { fileName?: string; mimeType?: string } = {},
): BinarySource {
	return { path, ...options };
}

/**
 * The harness's own first node: emits the items it is given, storing each binary property through n8n's
 * `prepareBinaryData` from a stream, as a node that downloads a file would. In filesystem mode the stored binary
 * therefore carries an `id`, and the next node reads it as a stream.
 */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- a test fixture, never offered to an AI agent
export class HarnessSource implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items with binary data',
		defaults: { name: 'Source' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as SourceItem[];
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: IBinaryKeyData = {};
			for (const [property, source] of Object.entries(item.binary ?? {})) {
				const [content, fileName] =
					'path' in source
						? [createReadStream(source.path), source.fileName ?? basename(source.path)]
						: [Readable.from([Buffer.from(source.base64, 'base64')]), source.fileName];
				const mimeType = source.mimeType ?? 'application/octet-stream';
				binary[property] = await this.helpers.prepareBinaryData(content, fileName, mimeType);
			}
			output.push({
				json: item.json ?? {},
				...(item.binary ? { binary } : {}),
				pairedItem: { item: 0 },
			});
		}
		return [output];
	}
}
