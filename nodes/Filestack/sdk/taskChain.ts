import { FilestackValidationError } from './errors';
import type { Task } from './url';

/** A parameter value as written in a chain: text or a list. The catalogue gives it a type when validated. */
export type ChainValue = string | ChainValue[];

/**
 * Reads a task chain as written in Filestack URLs, e.g. `resize=width:300,fit:crop/flip/output=format:png`.
 * Tasks are separated by `/` or new lines; values are bare text, `"quoted text"` (needed for text holding `,` or
 * `/`), or lists `[a,b,[c,d]]`; `cache=false` switches a task off. The result is not validated: see `validateTasks`.
 */
export function parseTaskChain(text: string): Task[] {
	const reader = new Reader(text);
	const tasks: Task[] = [];
	for (;;) {
		reader.take(/[\s/]*/y);
		if (reader.done) return tasks;
		tasks.push(readTask(reader));
		reader.skipSpaces();
		if (!reader.done && !/[/\r\n]/.test(reader.peek()))
			reader.fail(`unexpected "${reader.peek()}"`);
	}
}

/**
 * The first task of a text and what follows the `/` that ends it, e.g. the source of a processing URL's path
 * `video_convert=preset:h264/<handle>`. Fails when no `/` follows the task.
 */
export function readFirstTask(text: string): { task: Task; rest: string } {
	const reader = new Reader(text);
	const task = readTask(reader);
	if (reader.peek() !== '/') reader.fail(`expected "/" after task "${task.name}"`);
	reader.advance();
	return { task, rest: reader.rest() };
}

/** A list written as text, with or without its brackets (`[a,b]` or `a,b`); undefined if it is not one. */
export function parseListText(text: string): ChainValue[] | undefined {
	const trimmed = text.trim();
	const reader = new Reader(trimmed.startsWith('[') ? trimmed : `[${trimmed}]`);
	try {
		const list = readValue(reader, LIST_TEXT);
		reader.skipSpaces();
		return reader.done && Array.isArray(list) ? list : undefined;
	} catch {
		return undefined;
	}
}

/** Where bare text ends: at the end of a parameter, or of a list item. */
const PARAM_TEXT = /[^,/\r\n]*/y;
const LIST_TEXT = /[^,\]\r\n]*/y;

class Reader {
	private pos = 0;

	constructor(private readonly text: string) {}

	get done(): boolean {
		return this.pos >= this.text.length;
	}

	/** Whether the reading position ends a task: the end of the chain, a `/` or a new line. */
	atTaskEnd(): boolean {
		return this.done || /[/\r\n]/.test(this.peek());
	}

	/** The text from the reading position on. */
	rest(): string {
		return this.text.slice(this.pos);
	}

	/** The character at the reading position ('' at the end). */
	peek(): string {
		return this.text.charAt(this.pos);
	}

	advance(): void {
		this.pos++;
	}

	/** Consumes what the sticky pattern matches here (possibly nothing). */
	take(pattern: RegExp): string {
		pattern.lastIndex = this.pos;
		const match = pattern.exec(this.text)?.[0] ?? '';
		this.pos += match.length;
		return match;
	}

	skipSpaces(): void {
		this.take(/[ \t]*/y);
	}

	/** Consumes a double-quoted text and returns what is between the quotes. */
	quoted(): string {
		const end = this.text.indexOf('"', this.pos + 1);
		if (end < 0) this.fail('a quote is never closed');
		const value = this.text.slice(this.pos + 1, end);
		this.pos = end + 1;
		return value;
	}

	fail(what: string): never {
		throw new FilestackValidationError(`Task chain: ${what} at position ${this.pos + 1}`);
	}
}

function readTask(reader: Reader): Task {
	const name = reader.take(/\w+/y);
	if (name === '') reader.fail(`expected a task name, found "${reader.peek()}"`);
	reader.skipSpaces();
	if (reader.peek() !== '=') return { name };
	reader.advance();
	const params: Record<string, ChainValue> = {};
	for (;;) {
		reader.skipSpaces();
		const key = reader.take(/\w+/y);
		if (key === '') reader.fail(`expected a parameter name in task "${name}"`);
		reader.skipSpaces();
		// `cache=false`: true or false alone switches the task, as a parameter named like it.
		if (Object.keys(params).length === 0 && /^(true|false)$/.test(key) && reader.atTaskEnd())
			return { name, params: { [name]: key } };
		if (reader.peek() !== ':') reader.fail(`expected ":" after "${key}" in task "${name}"`);
		if (key in params) reader.fail(`parameter "${key}" is given twice in task "${name}"`);
		reader.advance();
		params[key] = readValue(reader, PARAM_TEXT);
		reader.skipSpaces();
		if (reader.peek() !== ',') return { name, params };
		reader.advance();
	}
}

function readValue(reader: Reader, bareText: RegExp): ChainValue {
	reader.skipSpaces();
	if (reader.peek() === '"') return reader.quoted();
	if (reader.peek() !== '[') {
		const text = reader.take(bareText).trim();
		if (text === '') reader.fail('expected a value');
		return text;
	}
	reader.advance();
	const items: ChainValue[] = [];
	reader.skipSpaces();
	if (reader.peek() === ']') {
		reader.advance();
		return items;
	}
	for (;;) {
		items.push(readValue(reader, LIST_TEXT));
		reader.skipSpaces();
		const separator = reader.peek();
		if (separator !== ',' && separator !== ']') reader.fail('expected "," or "]" in a list');
		reader.advance();
		if (separator === ']') return items;
	}
}
