import { getTask, type ValueShape } from './catalogue';
import { isHandle, type Source, type Task } from './url';

/** What a signed request may touch beyond its calls, in the terms of Filestack's policy fields. */
export interface PolicyScope {
	/** The one stored file it reads. */
	handle?: string;
	/** A regular expression that matches exactly the external URLs it reads. */
	url?: string;
}

/**
 * The narrowest scope of a chain of validated tasks on a source, from every handle and URL it reads: the source's
 * and those its tasks name (a watermark, collage files, a fallback, a video watermark). A policy names at most one
 * handle: a chain reading several gets none, and its policy can read any file of the application while it lives.
 */
export function chainScope(source: Source, tasks: readonly Task[]): PolicyScope {
	const read = [...sourceTexts(source), ...tasks.flatMap(filesOfTask)];
	const handles = [...new Set(read.filter(isHandle))];
	const urls = read.filter((text) => !isHandle(text));
	return {
		...(handles.length === 1 && { handle: handles[0] }),
		...(urls.length > 0 && { url: exactly(urls) }),
	};
}

/**
 * A regular expression matching these URLs and nothing else (`url` is a regular expression). Each URL is
 * matched as given and, where it holds percent-escapes, as decoded, since either may be what Filestack compares.
 */
export function exactly(urls: readonly string[]): string {
	const forms = new Set(urls.flatMap((url) => [url, decoded(url)]));
	return `^(?:${[...forms].sort().map(escapeRegExp).join('|')})$`;
}

function sourceTexts(source: Source): string[] {
	if ('handle' in source) return [source.handle];
	if ('url' in source) return [source.url];
	return [...source.sources];
}

/** The handles and URLs a task's parameters name, found by the catalogue's `handleOrUrl` shapes. */
function filesOfTask(task: Task): string[] {
	const spec = getTask(task.name);
	if (!spec || !task.params) return [];
	return spec.params.flatMap((param) => filesIn(param, task.params?.[param.name]));
}

function filesIn(shape: ValueShape, value: unknown): string[] {
	if (value === undefined || value === null) return [];
	switch (shape.type) {
		case 'handleOrUrl':
			return typeof value === 'string' ? [value] : [];
		case 'list':
			return Array.isArray(value) ? value.flatMap((item) => filesIn(shape.items, item)) : [];
		case 'tuple':
			return Array.isArray(value)
				? value.flatMap((item, index) =>
						shape.items[index] ? filesIn(shape.items[index], item) : [],
					)
				: [];
		case 'oneOf':
			return shape.options.flatMap((option) => filesIn(option, value));
		default:
			return [];
	}
}

function decoded(url: string): string {
	try {
		return decodeURIComponent(url);
	} catch {
		return url;
	}
}

function escapeRegExp(text: string): string {
	return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
