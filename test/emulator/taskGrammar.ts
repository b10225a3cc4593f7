import { badRequest } from './errors';
import type { Credentials } from './security';

/** One task of a transformation URL: `name` or `name=key:value,key:value`. */
export interface Task {
	name: string;
	params: Array<[string, string]>;
	/** A value given alone, `cache=false`. */
	value?: string;
}

export type Source = { kind: 'handle'; handle: string } | { kind: 'url'; url: string };

/** A CDN path taken apart: `[/<apikey>]/<task>/…[/security=…]/<source>`. */
export interface CdnPath {
	apiKey?: string;
	tasks: Task[];
	credentials?: Credentials;
	sources: Source[];
	/** The source was a `[a,b]` list. */
	list: boolean;
	/** The path without its security segment: the same job whatever policy signs it. */
	jobKey: string;
}

/** Every task name the Python SDK emits, plus the ones only the docs or the JS SDK use. */
export const KNOWN_TASKS: ReadonlySet<string> = new Set([
	'resize',
	'crop',
	'rotate',
	'flip',
	'flop',
	'watermark',
	'detect_faces',
	'crop_faces',
	'pixelate_faces',
	'blur_faces',
	'round_corners',
	'rounded_corners',
	'vignette',
	'polaroid',
	'torn_edges',
	'shadow',
	'circle',
	'border',
	'sharpen',
	'blur',
	'monochrome',
	'blackwhite',
	'sepia',
	'pixelate',
	'oil_paint',
	'negative',
	'modulate',
	'partial_pixelate',
	'partial_blur',
	'collage',
	'upscale',
	'enhance',
	'redeye',
	'ascii',
	'output',
	'no_metadata',
	'quality',
	'zip',
	'fallback',
	'pdfinfo',
	'pdfconvert',
	'minify_js',
	'minify_css',
	'video_convert',
	'auto_image',
	'doc_to_images',
	'smart_crop',
	'pdfcreate',
	'animate',
	'store',
	'tags',
	'sfw',
	'ocr',
	'doc_detection',
	'urlscreenshot',
	'compress',
	'pjpg',
	'imagesize',
	'cache',
	'security',
	'metadata',
	'run_workflow',
	'video_playlist',
	'debug',
]);

/** Parses a CDN path (as in the request line, still percent-encoded). */
export function parseCdnPath(pathname: string): CdnPath {
	const segments = splitSegments(decodePath(pathname.replace(/^\/+/, '')));
	if (segments.length === 0 || segments[segments.length - 1] === '')
		throw badRequest('No source given');
	const sourceText = segments.pop() as string;

	let apiKey: string | undefined;
	if (segments.length > 0 && !segments[0].includes('=') && !KNOWN_TASKS.has(segments[0]))
		apiKey = segments.shift();

	const tasks: Task[] = [];
	let credentials: Credentials | undefined;
	const kept: string[] = apiKey === undefined ? [] : [apiKey];
	for (const segment of segments) {
		const task = parseTask(segment);
		if (task.name === 'security') {
			credentials = securityCredentials(task);
			continue;
		}
		tasks.push(task);
		kept.push(segment);
	}
	const list = sourceText.startsWith('[');
	const sources = (list ? listItems(sourceText) : [sourceText]).map(parseSource);
	return { apiKey, tasks, credentials, sources, list, jobKey: [...kept, sourceText].join('/') };
}

/** `resize=width:100/flip`: the chain as the emulator understood it (for the `x-emulator-tasks` header, so ASCII). */
export function taskChain(tasks: readonly Task[]): string {
	return tasks
		.map((task) =>
			task.value !== undefined
				? `${task.name}=${task.value}`
				: task.params.length === 0
					? task.name
					: `${task.name}=${task.params.map(([k, v]) => `${k}:${v}`).join(',')}`,
		)
		.join('/')
		.replace(/[^\x20-\x7e]+/g, encodeURIComponent);
}

/** A parameter's value (first of the given names, e.g. `filename` or its alias `f`), outer quotes removed. */
export function param(task: Task | undefined, ...names: string[]): string | undefined {
	const found = task?.params.find(([key]) => names.includes(key));
	return found ? unquote(found[1]) : undefined;
}

/** `[a,b]` → `['a', 'b']`, outer quotes of each item removed. */
export function listItems(text: string): string[] {
	if (!/^\[.*\]$/s.test(text)) throw badRequest(`Invalid list: ${text}`);
	return splitOutside(text.slice(1, -1), ',')
		.map((item) => unquote(item.trim()))
		.filter((item) => item !== '');
}

/** Percent-decodes everything but `%2F`, so an encoded slash does not split a segment. */
function decodePath(path: string): string {
	try {
		return decodeURIComponent(path.replace(/%2F/gi, '%252F'));
	} catch {
		throw badRequest('Malformed percent-encoding in the path');
	}
}

/**
 * Splits on `/` outside quotes and brackets. The source is the rest of the path: from an `http(s)://`, `src://` or
 * `[` start, or the last segment. A security segment whose (standard base64) policy holds a `/` is kept whole.
 */
function splitSegments(path: string): string[] {
	const segments: string[] = [];
	let rest = path;
	while (rest !== '') {
		if (/^"?(https?|src):\//i.test(rest) || rest.startsWith('[')) {
			segments.push(rest);
			break;
		}
		let end = boundary(rest, 0);
		if (rest.startsWith('security=')) {
			while (end !== -1 && !/,(s|signature):/.test(rest.slice(0, end)))
				end = boundary(rest, end + 1);
		}
		if (end === -1) {
			segments.push(rest);
			break;
		}
		segments.push(rest.slice(0, end));
		rest = rest.slice(end + 1);
	}
	return segments.map((segment) => segment.replace(/%2F/gi, '/'));
}

/** Index of the next `/` at or after `from` outside quotes and brackets, or -1. */
function boundary(text: string, from: number): number {
	let depth = 0;
	let quoted = false;
	for (let i = from; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && c === '[') depth++;
		else if (!quoted && c === ']') depth--;
		else if (!quoted && depth === 0 && c === '/') return i;
	}
	return -1;
}

function parseTask(segment: string): Task {
	const equals = segment.indexOf('=');
	const name = equals === -1 ? segment : segment.slice(0, equals);
	if (!KNOWN_TASKS.has(name))
		throw badRequest(`Invalid task: "${name}" is not a Filestack transformation`);
	if (equals === -1) return { name, params: [] };
	if (name === 'cache' && segment.slice(equals + 1) === 'false')
		return { name, params: [], value: 'false' };
	const params: Array<[string, string]> = [];
	for (const piece of splitOutside(segment.slice(equals + 1), ',')) {
		const colon = piece.indexOf(':');
		if (colon > 0) params.push([piece.slice(0, colon).trim(), piece.slice(colon + 1)]);
		// An unquoted value with a comma (`targets:not dead,> 1%`) continues the previous parameter.
		else if (params.length > 0) params[params.length - 1][1] += `,${piece}`;
		else throw badRequest(`Invalid parameters for task ${name}: "${piece}" (expected key:value)`);
	}
	if (params.length === 0)
		throw badRequest(`Invalid parameters for task ${name}: none given after "="`);
	return { name, params };
}

function securityCredentials(task: Task): Credentials {
	const policy = param(task, 'p', 'policy');
	const signature = param(task, 's', 'signature');
	if (!policy || !signature) throw badRequest('invalid security policy path');
	return { policy, signature };
}

/** A source as written in a path or a parameter: an `http(s)://` or `src://` URL, else a handle. */
export function parseSource(text: string): Source {
	const source = unquote(text);
	const url = /^(https?|src):\/*(.*)$/is.exec(source);
	if (url) return { kind: 'url', url: `${url[1]}://${url[2]}` };
	if (!/^[A-Za-z0-9_-]+$/.test(source)) throw badRequest(`Invalid source: ${source}`);
	return { kind: 'handle', handle: source };
}

/** `text` split at each `separator` outside lists and quotes. */
export function splitOutside(text: string, separator: string): string[] {
	const pieces: string[] = [];
	let depth = 0;
	let quoted = false;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && c === '[') depth++;
		else if (!quoted && c === ']') depth--;
		else if (!quoted && depth === 0 && c === separator) {
			pieces.push(text.slice(start, i));
			start = i + 1;
		}
	}
	pieces.push(text.slice(start));
	return pieces;
}

function unquote(text: string): string {
	return /^".*"$/s.test(text) ? text.slice(1, -1) : text;
}
