import type { Bytes } from './spool';

/** Decodes a base64 (standard or URL-safe, whitespace allowed) byte stream piece by piece, for `base64decode=true`. */
export async function* base64Decode(chunks: Bytes): AsyncGenerator<Buffer> {
	let pending = '';
	for await (const chunk of chunks) {
		pending += Buffer.from(chunk)
			.toString('latin1')
			.replace(/[^A-Za-z0-9+/_-]/g, '');
		const whole = pending.length - (pending.length % 4);
		if (whole > 0) yield Buffer.from(pending.slice(0, whole), 'base64');
		pending = pending.slice(whole);
	}
	if (pending.length > 0) yield Buffer.from(pending, 'base64');
}
