import { getTask, ParamValue, TaskSpec, ValueShape } from './catalogue';
import { FilestackValidationError } from './errors';
import { fetchUrlProblem } from './fetchUrl';
import type { Security } from './security';
import { parseListText } from './taskChain';

export { parseTaskChain } from './taskChain';

/** One transformation task: its URL name and its parameters. */
export interface Task {
	name: string;
	params?: Record<string, unknown>;
}

/** What a transformation works on: a stored file, a URL (or `src://` storage alias), or several of them. */
export type Source = { handle: string } | { url: string } | { sources: readonly string[] };

export interface TransformationUrlOptions {
	/** Base URL of the CDN/processing API, e.g. `https://cdn.filestackcontent.com`. */
	cdn: string;
	/** Needed for URL sources and several sources; never put in a URL on a single handle. */
	apiKey?: string;
	source: Source;
	tasks?: readonly Task[];
	security?: Security;
}

/**
 * The processing URL `<cdn>[/<apiKey>]/<task>/…[/security=…]/<source>`. Tasks are validated against the
 * catalogue first, and the result is percent-encoded where a URL path needs it.
 */
export function transformationUrl(options: TransformationUrlOptions): string {
	const { source } = options;
	const segments: string[] = [];
	if (!('handle' in source)) segments.push(checkApiKey(options.apiKey));
	segments.push(...validateTasks(options.tasks ?? []).map(encodeTask));
	if (options.security) segments.push(options.security.urlSegment());
	segments.push(sourceSegment(source));
	return `${options.cdn.trim().replace(/\/+$/, '')}/${escapePath(segments.join('/'))}`;
}

/** Filestack handles are 20 characters of letters, digits, `-` and `_`; other lengths are let through. */
export function isHandle(value: string): boolean {
	return /^[A-Za-z0-9_-]{1,128}$/.test(value);
}

/** The handle a Filestack file URL ends with (the last segment of its path), or undefined when it has none. */
export function handleOfUrl(url: string): string | undefined {
	return URL.canParse(url) ? new URL(url).pathname.split('/').filter(Boolean).pop() : undefined;
}

/**
 * Checks a task against the catalogue and returns it cleaned: canonical parameter names (aliases resolved),
 * values of the right type (numeric text becomes a number, `"true"` a boolean, `[a,b]` text a list, `#`
 * dropped from colors), empty values left out. Throws a FilestackValidationError naming task and parameter.
 */
export function validateTask(task: Task): Task {
	if (typeof task !== 'object' || task === null || typeof task.name !== 'string') {
		throw new FilestackValidationError('A task needs a name');
	}
	const name = task.name.trim().toLowerCase();
	const spec = getTask(name);
	if (!spec) throw new FilestackValidationError(`Unknown task ${show(task.name)}`);
	const given = task.params ?? {};
	if (typeof given !== 'object' || Array.isArray(given)) {
		throw new FilestackValidationError(`Task "${name}": parameters must be given as an object`);
	}

	const params: Record<string, ParamValue> = {};
	for (const [key, value] of Object.entries(given)) {
		if (isEmpty(value)) continue;
		const param = findParam(spec, key);
		if (param.name in params) {
			throw new FilestackValidationError(
				`Task "${name}": parameter "${param.name}" is given twice`,
			);
		}
		const checked = check(param, value, `parameter "${param.name}"`);
		if (!checked.ok) {
			throw new FilestackValidationError(
				`Task "${name}": ${checked.where} must be ${checked.expected} (got ${show(checked.got)})`,
			);
		}
		if (holdsDotSegment(checked.value)) {
			throw new FilestackValidationError(
				`Task "${name}": parameter "${param.name}" must not hold "." or ".." between slashes, which HTTP clients would resolve away together with the tasks before it (got ${show(value)})`,
			);
		}
		params[param.name] = checked.value;
	}
	for (const param of spec.params) {
		if (param.required && !(param.name in params)) {
			throw new FilestackValidationError(`Task "${name}": parameter "${param.name}" is required`);
		}
	}
	if (isSwitch(spec, name) && params[name] === false && Object.keys(params).length > 1) {
		throw new FilestackValidationError(
			`Task "${name}": parameter "${name}" false turns the task off and takes no other parameter`,
		);
	}
	if (spec.requireOneOf && !spec.requireOneOf.some((param) => param in params)) {
		throw new FilestackValidationError(
			`Task "${name}": give at least one of ${spec.requireOneOf.join(', ')}`,
		);
	}
	return Object.keys(params).length > 0 ? { name, params } : { name };
}

export function validateTasks(tasks: readonly Task[]): Task[] {
	return tasks.map(validateTask);
}

/**
 * A task as a URL segment, by the Python SDK's rules: `name` alone without parameters, else
 * `name=key:value,…` sorted, empty values left out, booleans as true/false, lists as `[a,b]`. Like the JS SDK,
 * text holding `,` `/` `[` or `]` is double-quoted so it cannot break the grammar; `store`'s path always is.
 */
export function encodeTask(task: Task): string {
	const spec = getTask(task.name);
	// The task's switch: off is written `name=false` alone, on is the task's default.
	const { [task.name]: onOff, ...params } = task.params ?? {};
	if (isSwitch(spec, task.name) && onOff === false) return `${task.name}=false`;
	const pairs = Object.entries(isSwitch(spec, task.name) ? params : (task.params ?? {}))
		.filter(([, value]) => value !== undefined && value !== null)
		.map(
			([key, value]) =>
				`${key}:${isAlwaysQuoted(spec, key) ? `"${String(value)}"` : encodeValue(value)}`,
		)
		.sort();
	return pairs.length > 0 ? `${task.name}=${pairs.join(',')}` : task.name;
}

/** How a shape is described in messages and hints, e.g. "an integer from 1 to 100, or input". */
export function describeShape(shape: ValueShape): string {
	switch (shape.type) {
		case 'integer':
		case 'number':
			return `${shape.type === 'integer' ? 'an integer' : 'a number'}${describeRange(shape.min, shape.max)}`;
		case 'boolean':
			return 'true or false';
		case 'string':
			return shape.example ? `text like ${shape.example}` : 'text';
		case 'enum':
			return shape.values.length === 1 ? shape.values[0] : `one of ${shape.values.join(', ')}`;
		case 'color':
			return 'a color name or hex code (e.g. red, FF0000)';
		case 'handleOrUrl':
			return 'a Filestack handle or a URL';
		case 'list': {
			const count = describeCount(shape.minItems, shape.maxItems);
			return `a list of ${count}items, each ${describeShape(shape.items)}`;
		}
		case 'tuple':
			return `a list like ${shape.example}`;
		case 'oneOf': {
			const options = shape.options.map(describeShape);
			return `${options.slice(0, -1).join(', ')}, or ${options[options.length - 1]}`;
		}
	}
}

type Checked =
	| { ok: true; value: ParamValue }
	| { ok: false; where: string; expected: string; got: unknown };

const COLOR = /^([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8}|[a-z]+\d*)$/i;

/** Checks a value against a shape, converting text from UI fields and task chains to the shape's type. */
function check(shape: ValueShape, value: unknown, where: string): Checked {
	const ok = (checked: ParamValue): Checked => ({ ok: true, value: checked });
	const fail = (expected = describeShape(shape)): Checked => ({
		ok: false,
		where,
		expected,
		got: value,
	});
	switch (shape.type) {
		case 'integer':
		case 'number': {
			const number = toNumber(value);
			const fits =
				number !== undefined &&
				(shape.type === 'number' || Number.isInteger(number)) &&
				(shape.min === undefined || number >= shape.min) &&
				(shape.max === undefined || number <= shape.max);
			return fits ? ok(number) : fail();
		}
		case 'boolean': {
			const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
			return text === true || text === 'true'
				? ok(true)
				: text === false || text === 'false'
					? ok(false)
					: fail();
		}
		case 'string': {
			const text = toText(value);
			if (text === undefined || (shape.pattern && !shape.pattern.test(text))) return fail();
			return text.includes('"') ? fail(`${describeShape(shape)} without double quotes`) : ok(text);
		}
		case 'enum': {
			const text = toText(value)?.toLowerCase();
			const match = shape.values.find((allowed) => allowed.toLowerCase() === text);
			return match === undefined ? fail() : ok(match);
		}
		case 'color': {
			const text = toText(value)?.replace(/^#/, '');
			return text !== undefined && COLOR.test(text) ? ok(text) : fail();
		}
		case 'handleOrUrl': {
			const text = toText(value);
			return text !== undefined && !text.includes('"') && (isHandle(text) || isUrl(text))
				? ok(text)
				: fail();
		}
		case 'list':
		case 'tuple': {
			const items = toList(value);
			const countFits =
				items !== undefined &&
				(shape.type === 'tuple'
					? items.length === shape.items.length
					: items.length >= (shape.minItems ?? 0) && items.length <= (shape.maxItems ?? Infinity));
			if (!countFits) return fail();
			const checked: ParamValue[] = [];
			for (const [index, item] of items.entries()) {
				const itemShape = shape.type === 'tuple' ? shape.items[index] : shape.items;
				const result = check(itemShape, item, `${where} item ${index + 1}`);
				if (!result.ok) return result;
				checked.push(result.value);
			}
			return ok(checked);
		}
		case 'oneOf': {
			for (const option of shape.options) {
				const result = check(option, value, where);
				if (result.ok) return result;
			}
			return fail();
		}
	}
}

function findParam(spec: TaskSpec, key: string) {
	const wanted = key.trim().toLowerCase();
	const param = spec.params.find(
		(candidate) => candidate.name === wanted || candidate.aliases?.includes(wanted),
	);
	if (param) return param;
	if (spec.params.length === 0) {
		throw new FilestackValidationError(
			`Task "${spec.name}" takes no parameters (got ${show(key)})`,
		);
	}
	const known = spec.params.map((candidate) => candidate.name).join(', ');
	throw new FilestackValidationError(
		`Task "${spec.name}": unknown parameter ${show(key)} (known: ${known})`,
	);
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim()))
		return Number(value);
	return undefined;
}

function toText(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function toList(value: unknown): readonly unknown[] | undefined {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return parseListText(value);
	if (typeof value === 'number') return [value];
	return undefined;
}

function describeRange(min?: number, max?: number): string {
	if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
	if (min !== undefined) return ` of at least ${min}`;
	if (max !== undefined) return ` of at most ${max}`;
	return '';
}

function describeCount(min?: number, max?: number): string {
	if (min !== undefined && max !== undefined) return `${min} to ${max} `;
	if (min !== undefined && min > 1) return `at least ${min} `;
	if (max !== undefined) return `at most ${max} `;
	return '';
}

function isSwitch(spec: TaskSpec | undefined, key: string): boolean {
	const param = spec?.params.find((candidate) => candidate.name === key);
	return param?.type === 'boolean' && param.switchesTask === true;
}

function isAlwaysQuoted(spec: TaskSpec | undefined, key: string): boolean {
	const param = spec?.params.find((candidate) => candidate.name === key);
	return param?.type === 'string' && param.alwaysQuoted === true;
}

function encodeValue(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(encodeValue).join(',')}]`;
	if (typeof value === 'string') return /[,/[\]]/.test(value) ? `"${value}"` : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new FilestackValidationError(`${show(value)} cannot be written into a task`);
}

/**
 * Whether text (or a list's text) holds a `.` or `..` path segment, also percent-encoded: in a URL path an HTTP
 * client resolves it, dropping what comes before it (the tasks) before anything is sent. WHATWG parsers take `\`
 * (and some servers `%5C`) for `/`, so segments end there too.
 */
function holdsDotSegment(value: unknown): boolean {
	if (Array.isArray(value)) return value.some(holdsDotSegment);
	return (
		typeof value === 'string' &&
		value.split(/[/\\]|%5c/i).some((piece) => /^(\.|%2e){1,2}$/i.test(piece))
	);
}

function withoutDotSegment(url: string): string {
	if (holdsDotSegment(url)) {
		throw new FilestackValidationError(
			`Invalid source URL ${show(url)}: "." or ".." between slashes would be resolved away, together with the tasks before it, before it reaches Filestack`,
		);
	}
	return url;
}

function isUrl(value: string): boolean {
	return fetchUrlProblem(value, true) === undefined;
}

function checkApiKey(apiKey: string | undefined): string {
	if (!apiKey)
		throw new FilestackValidationError('An API key is needed to transform a URL or several files');
	if (!/^[A-Za-z0-9_-]+$/.test(apiKey)) {
		throw new FilestackValidationError('The API key may only hold letters, digits, "-" and "_"');
	}
	return apiKey;
}

function sourceSegment(source: Source): string {
	if ('handle' in source) {
		if (typeof source.handle !== 'string' || !isHandle(source.handle)) {
			throw new FilestackValidationError(
				`Invalid Filestack handle ${show(source.handle)}: a handle holds only letters, digits, "-" and "_"`,
			);
		}
		return source.handle;
	}
	if ('url' in source) {
		const problem =
			typeof source.url === 'string' ? fetchUrlProblem(source.url, true) : 'it is not text';
		if (problem) {
			throw new FilestackValidationError(`Invalid source URL ${show(source.url)}: ${problem}`);
		}
		return withoutDotSegment(source.url);
	}
	if (!Array.isArray(source.sources) || source.sources.length === 0) {
		throw new FilestackValidationError('Give at least one handle or URL as sources');
	}
	for (const item of source.sources) {
		if (typeof item !== 'string' || item.includes('"') || !(isHandle(item) || isUrl(item))) {
			throw new FilestackValidationError(
				`Invalid source ${show(item)}: give Filestack handles or URLs`,
			);
		}
		withoutDotSegment(item);
	}
	return encodeValue(source.sources);
}

/**
 * Percent-encodes what may not stand raw in a URL path: space, `"`, `<`, `>`, `?` and `#` (which would cut
 * an embedded URL short), non-ASCII, and `%` not starting an escape. `[`, `]`, `,`, `:` and `=` stay, as
 * Filestack's grammar needs them.
 */
function escapePath(path: string): string {
	return path.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/[\]%]/gu, (char) =>
		encodeURIComponent(char),
	);
}

/** A value quoted for a message, cut short when long. */
function show(value: unknown): string {
	let text: string;
	try {
		text =
			typeof value === 'string' || typeof value === 'object'
				? JSON.stringify(value)
				: String(value);
	} catch {
		text = String(value);
	}
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
