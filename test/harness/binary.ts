import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import { Container } from './container';

function binaryOf(item: INodeExecutionData, property: string): IBinaryData {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`The item has no binary property "${property}"`);
	return binary;
}

/** The content of an item's binary property: streamed from storage when it has an `id`, else decoded from base64. */
export async function binaryStream(item: INodeExecutionData, property = 'data'): Promise<Readable> {
	const binary = binaryOf(item, property);
	if (binary.id) return await Container.get(BinaryDataService).getAsStream(binary.id);
	return Readable.from([Buffer.from(binary.data, BINARY_ENCODING)]);
}

export async function binaryBuffer(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of await binaryStream(item, property)) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** SHA-256 (hex) of bytes or a stream of them, read chunk by chunk so large files are never held in memory. */
export async function sha256(content: Buffer | AsyncIterable<Uint8Array>): Promise<string> {
	const hash = createHash('sha256');
	if (Buffer.isBuffer(content)) return hash.update(content).digest('hex');
	for await (const chunk of content) hash.update(chunk);
	return hash.digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
	return await sha256(createReadStream(path));
}

export async function binarySha256(item: INodeExecutionData, property = 'data'): Promise<string> {
	return await sha256(await binaryStream(item, property));
}
