import { badRequest } from './errors';

/** What the form said about its file field (known once that field's headers have been read). */
export interface FormFileInfo {
	found: boolean;
	filename?: string;
	mimetype?: string;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const MAX_HEADERS = 16 * 1024;

/**
 * Streams the content of one file field of a `multipart/form-data` body (the field named `field`, or else the first
 * part with a file name) without holding more than a chunk and a boundary; the rest of the body is read and dropped.
 */
export function formFile(
	source: AsyncIterable<Buffer>,
	boundary: string,
	field: string,
): { info: FormFileInfo; bytes: AsyncGenerator<Buffer> } {
	const info: FormFileInfo = { found: false };
	const delimiter = Buffer.from(`\r\n--${boundary}`);

	async function* bytes(): AsyncGenerator<Buffer> {
		// The body opens with `--boundary`: a leading CRLF makes the first delimiter look like all others.
		let buffer = Buffer.from('\r\n');
		let state: 'preamble' | 'next' | 'headers' | 'body' | 'done' = 'preamble';
		let wanted = false;
		for await (const chunk of source) {
			if (state === 'done') continue;
			buffer = Buffer.concat([buffer, chunk]);
			for (let progressed = true; progressed && state !== 'done'; ) {
				progressed = false;
				if (state === 'preamble' || state === 'body') {
					const at = buffer.indexOf(delimiter);
					const end = at === -1 ? Math.max(0, buffer.length - delimiter.length + 1) : at;
					if (state === 'body' && wanted && end > 0) yield buffer.subarray(0, end);
					if (at === -1) {
						buffer = buffer.subarray(end);
					} else {
						buffer = buffer.subarray(at + delimiter.length);
						state = wanted ? 'done' : 'next';
						progressed = true;
					}
				} else if (state === 'next' && buffer.length >= 2) {
					state = buffer.subarray(0, 2).toString('latin1') === '--' ? 'done' : 'headers';
					buffer = buffer.subarray(2);
					progressed = true;
				} else if (state === 'headers') {
					const end = buffer.indexOf(CRLF_CRLF);
					if (end === -1) {
						if (buffer.length > MAX_HEADERS)
							throw badRequest('Malformed multipart body: part headers too long');
						break;
					}
					const headers = buffer.subarray(0, end).toString('utf8');
					const name = /name="([^"]*)"/i.exec(headers.replace(/filename="[^"]*"/i, ''))?.[1];
					const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
					wanted = name === field || filename !== undefined;
					if (wanted) {
						Object.assign(info, {
							found: true,
							filename,
							mimetype: /^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1].trim(),
						});
					}
					buffer = buffer.subarray(end + CRLF_CRLF.length);
					state = 'body';
					progressed = true;
				}
			}
		}
		if (state !== 'done')
			throw badRequest('Malformed multipart body: the closing boundary is missing');
	}

	return { info, bytes: bytes() };
}
