import type { Http } from './http';
import type { ByteStream } from './transport';

/** A file on its way: the body as a stream, never buffered, with what the response says about it. */
export interface Download {
	stream: ByteStream;
	filename?: string;
	mimetype?: string;
	/** The answer's Content-Length: bytes on the wire, compressed ones when the transport unpacks gzip. */
	size?: number;
}

/** GETs a URL as a stream; an error answer is read and reported with Filestack's own text. */
export async function download(http: Http, what: string, url: string): Promise<Download> {
	const response = await http.send(what, { method: 'GET', url, responseType: 'stream' });
	const length = Number(response.headers['content-length']);
	return {
		stream: response.body as ByteStream,
		filename: filenameFrom(response.headers['content-disposition']),
		mimetype: response.headers['content-type']?.split(';')[0].trim() || undefined,
		size:
			Number.isFinite(length) && response.headers['content-length'] !== undefined
				? length
				: undefined,
	};
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
