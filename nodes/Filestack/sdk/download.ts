import { FilestackNetworkError } from './errors';
import type { Http } from './http';
import type { ByteStream } from './transport';

/** A file on its way: the body as a stream, never buffered, with what the response says about it. */
export interface Download {
	stream: ByteStream;
	filename?: string;
	mimetype?: string;
	/** The answer's Content-Length: bytes on the wire, compressed ones when the transport unpacks gzip. */
	size?: number;
	/** The bytes the stream has handed on so far: the file's size once it has been read to its end. */
	bytesRead: () => number;
}

/** GETs a URL as a stream; an error answer is read and reported with Filestack's own text. */
export async function download(http: Http, what: string, url: string): Promise<Download> {
	const response = await http.send(what, { method: 'GET', url, responseType: 'stream' });
	const length = Number(response.headers['content-length']);
	const size =
		Number.isFinite(length) && response.headers['content-length'] !== undefined
			? length
			: undefined;
	const { stream, bytesRead } = counted(response.body as ByteStream, what, size);
	return {
		stream,
		filename: filenameFrom(response.headers['content-disposition']),
		mimetype: response.headers['content-type']?.split(';')[0].trim() || undefined,
		size,
		bytesRead,
	};
}

/**
 * The body, counted as it arrives: a connection that breaks ends it with a FilestackNetworkError naming how far the
 * file got, and so does one that closes before the announced size. (It is not tried again: the bytes went on.)
 */
function counted(
	body: ByteStream,
	what: string,
	expected?: number,
): { stream: ByteStream; bytesRead: () => number } {
	let received = 0;
	const bytesRead = () => received;
	const cutOff = (cause: unknown) =>
		new FilestackNetworkError(what, cause, 1, { received, expected });
	if (isNodeStream(body)) {
		// A Node stream stays itself, for consumers that take only those (n8n's binary store); its events are watched.
		const emit = body.emit.bind(body);
		body.emit = (event: string | symbol, ...args: unknown[]) => {
			if (event === 'data') received += (args[0] as Uint8Array).length;
			if (event === 'error') return emit('error', cutOff(args[0]));
			return emit(event, ...args);
		};
		return { stream: body, bytesRead };
	}
	const stream = (async function* () {
		try {
			for await (const chunk of body) {
				received += chunk.length;
				yield chunk;
			}
		} catch (error) {
			throw cutOff(error);
		}
		if (expected !== undefined && received < expected) {
			throw cutOff('the connection closed before the end of the file');
		}
	})();
	return { stream, bytesRead };
}

type NodeStream = ByteStream & { emit: (event: string | symbol, ...args: unknown[]) => boolean };

function isNodeStream(body: ByteStream): body is NodeStream {
	return typeof (body as Partial<NodeStream>).emit === 'function';
}

/** The file name of a Content-Disposition header, RFC 6266 `filename*=UTF-8''…` preferred. */
export function filenameFrom(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)?.[1];
	if (extended) {
		try {
			return decodeURIComponent(extended.trim());
		} catch {
			// A malformed escape: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(disposition);
	return (plain?.[2] ?? plain?.[1])?.trim() || undefined;
}
