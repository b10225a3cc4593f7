import type { IBinaryData, IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import type { Download } from '../sdk/download';
import type { ByteStream } from '../sdk/transport';

/**
 * How much n8n reads from its binary store at a time while streaming a file out. A smaller file is read in one chunk
 * of its own size: Node's file stream allocates a whole chunk for every read, the one that finds the end included.
 */
const READ_CHUNK = 1024 * 1024;
const readChunkFor = (size: number) => Math.max(1, Math.min(READ_CHUNK, size));

/** An item's binary as the SDK reads it: streamed from n8n's binary store, and openable again for a retry. */
export interface BinarySource {
	size: number;
	filename?: string;
	mimetype: string;
	open: () => Promise<ByteStream>;
}

export async function binarySource(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<BinarySource> {
	const binary: IBinaryData = context.helpers.assertBinaryData(itemIndex, propertyName);
	const { id } = binary;
	if (id) {
		// Stored modes (filesystem, S3, database): stream from the store, never load the file.
		const metadata = await context.helpers.getBinaryMetadata(id);
		return {
			size: metadata.fileSize,
			filename: binary.fileName ?? metadata.fileName,
			mimetype: binary.mimeType || metadata.mimeType || 'application/octet-stream',
			open: async () => await context.helpers.getBinaryStream(id, readChunkFor(metadata.fileSize)),
		};
	}
	// Memory mode keeps the file in the item itself, base64-encoded.
	const bytes = Buffer.from(binary.data, BINARY_ENCODING);
	return {
		size: bytes.length,
		filename: binary.fileName,
		mimetype: binary.mimeType || 'application/octet-stream',
		open: async () =>
			(async function* () {
				yield bytes;
			})(),
	};
}

/**
 * Hands a downloaded stream to n8n's binary store, which writes it through in stored modes, and puts it in the
 * output field the user named (Put Output File in Field), beside the input item's other binaries. `size` is the
 * bytes the store took: counted on the way (a compressed answer's Content-Length is not the file's size, since
 * n8n's client asks for gzip and unpacks it), which spares reading the size back from the store.
 */
export async function outputBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	file: Download,
	fallbackName: string,
): Promise<{ stored: IBinaryData; binary: IBinaryKeyData; size: number }> {
	type Readable = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
	const binaryPropertyName = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const stored = await context.helpers.prepareBinaryData(
		file.stream as unknown as Readable,
		file.filename ?? fallbackName,
		file.mimetype,
	);
	const input = context.getInputData()[itemIndex];
	return {
		stored,
		binary: { ...input.binary, [binaryPropertyName]: stored },
		size: file.bytesRead(),
	};
}
