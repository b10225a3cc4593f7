import { Content } from './content';
import { badRequest, notFound } from './errors';
import { mimetypeOfExtension, withExtension } from './mime';
import { syntheticPng } from './png';
import { contentOf } from './sources';
import { spool, type Spooled } from './spool';
import type { EmulatorState } from './state';
import { type CdnPath, param, type Source } from './taskGrammar';
import { zipArchive } from './zip';

/** The bytes a transformation URL yields, on disk; `temporary` ones are deleted by `discard`. */
export interface Result {
	content: Content;
	size: number;
	mimetype: string;
	filename: string;
	temporary: boolean;
}

/**
 * What the task chain produces. The emulator does not process images: the result is the source itself, with the
 * type `output=format:X` asks for; `zip` archives several sources, `urlscreenshot` draws a PNG for the URL.
 */
export async function produce(state: EmulatorState, path: CdnPath): Promise<Result> {
	const task = (name: string) => path.tasks.find((t) => t.name === name);
	const screenshot = task('urlscreenshot');
	let result: Result;
	if (screenshot) {
		const [source] = path.sources;
		if (path.list || source.kind !== 'url')
			throw badRequest('urlscreenshot needs one external URL as its source');
		const width = clamp(param(screenshot, 'width'), 1024, 1920);
		const height = clamp(param(screenshot, 'height'), 768, 8000);
		const png = syntheticPng(width, height, source.url);
		const spooled = await spool([png], state.tempPath('screenshot'));
		result = temporaryResult(spooled, 'image/png', 'screenshot.png');
	} else if (task('zip')) {
		result = await zipOf(state, path.sources);
	} else {
		if (path.list)
			throw badRequest('Several sources are only supported by the zip task in the emulator');
		result = await resolveSource(state, path.sources[0]);
	}
	const format = param(task('output'), 'format', 'f');
	if (format)
		result = {
			...result,
			mimetype: mimetypeOfExtension(format),
			filename: withExtension(result.filename, format),
		};
	return result;
}

/** A source's content: a stored file as is, or a URL's content in a temporary file. */
export async function resolveSource(state: EmulatorState, source: Source): Promise<Result> {
	if (source.kind === 'handle') {
		const file = state.files.get(source.handle);
		if (!file) throw notFound();
		const { content, size, mimetype, filename } = file;
		return { content, size, mimetype, filename, temporary: false };
	}
	const fetched = await contentOf(source.url, state.tempPath('source'));
	return temporaryResult(fetched.spooled, fetched.mimetype, fetched.filename);
}

export async function discard(result: Result): Promise<void> {
	if (result.temporary) await result.content.remove();
}

function temporaryResult(spooled: Spooled, mimetype: string, filename: string): Result {
	return {
		content: Content.of([spooled]),
		size: spooled.size,
		mimetype,
		filename,
		temporary: true,
	};
}

async function zipOf(state: EmulatorState, sources: readonly Source[]): Promise<Result> {
	const items: Result[] = [];
	try {
		for (const source of sources) items.push(await resolveSource(state, source));
		const taken = new Map<string, number>();
		const entries = items.map((item) => {
			const count = taken.get(item.filename) ?? 0;
			taken.set(item.filename, count + 1);
			const name =
				count === 0 ? item.filename : item.filename.replace(/(\.[^.]*)?$/, ` (${count})$1`);
			return { name, content: item.content, size: item.size };
		});
		const spooled = await spool(zipArchive(entries), state.tempPath('zip'));
		return temporaryResult(spooled, 'application/zip', 'archive.zip');
	} finally {
		await Promise.all(items.map(discard));
	}
}

function clamp(value: string | undefined, fallback: number, max: number): number {
	const number = Number(value ?? fallback);
	return Number.isInteger(number) && number >= 1 ? Math.min(number, max) : fallback;
}
