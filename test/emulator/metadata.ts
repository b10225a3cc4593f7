import type { Content } from './content';
import { badRequest, notFound } from './errors';
import type { StoredFile } from './files';
import { sendJson } from './http';
import { imageSize } from './png';
import type { Exchange } from './routes';
import { authorize, credentialsIn } from './security';
import { digests } from './spool';
import type { EmulatorState } from './state';

const ATTRIBUTES = [
	'size',
	'mimetype',
	'filename',
	'width',
	'height',
	'uploaded',
	'writeable',
	'cloud',
	'source_url',
	'md5',
	'sha1',
	'sha224',
	'sha256',
	'sha384',
	'sha512',
	'location',
	'path',
	'container',
	'exif',
	'metadata',
];
const DEFAULT_ATTRIBUTES = [
	'size',
	'mimetype',
	'filename',
	'uploaded',
	'writeable',
	'location',
	'path',
	'container',
];
const DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const NOT_ATTRIBUTES = ['policy', 'signature', 'key'];
/** Enough of a file's beginning to read an image's dimensions. */
const HEAD_LENGTH = 32;

/** GET /<handle>/metadata (CDN) and GET /api/file/<handle>/metadata: the attributes asked with `<name>=true`. */
export async function metadata(state: EmulatorState, { res, url }: Exchange): Promise<void> {
	const handle = url.pathname.split('/').slice(-2)[0];
	const file = state.files.get(handle);
	if (!file) throw notFound();
	const asked = [...url.searchParams]
		.filter(([name, value]) => value === 'true' && !NOT_ATTRIBUTES.includes(name))
		.map(([name]) => name);
	const unknown = asked.filter((name) => !ATTRIBUTES.includes(name));
	if (unknown.length > 0) throw badRequest(`Invalid metadata attribute: ${unknown.join(', ')}`);
	authorize(state.ownerOf(file), credentialsIn(url.searchParams), {
		calls: asked.includes('exif') ? ['stat', 'exif'] : ['stat'],
		handles: [handle],
	});
	sendJson(res, 200, await attributesOf(file, asked.length > 0 ? asked : DEFAULT_ATTRIBUTES));
}

async function attributesOf(
	file: StoredFile,
	names: readonly string[],
): Promise<Record<string, unknown>> {
	// The MD5 is the content's own, computed once; any other digests take one more pass over the bytes.
	const others = DIGESTS.filter((name) => name !== 'md5' && names.includes(name));
	const hashes = others.length > 0 ? await digests(file.content.bytes(), others) : {};
	if (names.includes('md5')) hashes.md5 = await file.content.md5();
	const dimensions =
		names.includes('width') || names.includes('height')
			? await dimensionsOf(file.content)
			: undefined;
	const values: Record<string, unknown> = {
		size: file.size,
		mimetype: file.mimetype,
		filename: file.filename,
		width: dimensions?.width,
		height: dimensions?.height,
		uploaded: file.uploaded,
		writeable: true,
		cloud: false,
		source_url: file.sourceUrl ?? null,
		location: file.location,
		path: file.key,
		container: file.container,
		exif: {},
		metadata: {},
		...hashes,
	};
	// Width and height only exist for images the emulator can measure.
	return Object.fromEntries(
		names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]),
	);
}

/** Width and height, from the first bytes of the content. */
async function dimensionsOf(
	content: Content,
): Promise<{ width: number; height: number } | undefined> {
	const head: Buffer[] = [];
	let length = 0;
	for await (const chunk of content.bytes()) {
		head.push(chunk);
		length += chunk.length;
		if (length >= HEAD_LENGTH) break;
	}
	return imageSize(Buffer.concat(head).subarray(0, HEAD_LENGTH));
}
