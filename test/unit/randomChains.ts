import { getTask, ParamSpec, ParamValue, ValueShape } from '../../nodes/Filestack/sdk/catalogue';
import type { Task } from '../../nodes/Filestack/sdk/url';

/**
 * Seeded random task chains drawn from the catalogue, for differential tests: the same seed gives the same
 * chains on every run and machine, so a failure can be replayed.
 */

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** A float in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer in [min, max], the bounds drawn more often than the rest, as bugs live there. */
	int(min: number, max: number): number {
		const roll = this.next();
		if (roll < 0.1) return min;
		if (roll < 0.2) return max;
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
}

/** How one parameter's value is drawn; overrides narrow a catalogue shape for one task parameter. */
export type Draw = (random: Random) => ParamValue;

export interface ChainOptions {
	/** Tasks to draw from, by URL name. */
	tasks: readonly string[];
	/** Catalogue parameters never drawn, as `task.param`. */
	leaveOut?: ReadonlySet<string>;
	/** Draws replacing the catalogue shape of a parameter, as `task.param`. */
	overrides?: Readonly<Record<string, Draw>>;
	/** Color values to draw from. */
	colors: readonly string[];
}

/** A chain of one to four tasks with parameters drawn from their catalogue shapes. */
export function randomChain(random: Random, options: ChainOptions): Task[] {
	return Array.from({ length: random.int(1, 4) }, () => randomTask(random, options));
}

function randomTask(random: Random, options: ChainOptions): Task {
	const name = random.pick(options.tasks);
	const spec = getTask(name);
	if (!spec) throw new Error(`No task ${name} in the catalogue`);
	const usable = spec.params.filter((param) => !options.leaveOut?.has(`${name}.${param.name}`));
	const chosen = usable.filter((param) => param.required || random.chance(0.5));
	const needOne = spec.requireOneOf?.filter((param) => usable.some((p) => p.name === param));
	if (needOne && !chosen.some((param) => needOne.includes(param.name))) {
		const wanted = random.pick(needOne);
		chosen.push(usable.find((param) => param.name === wanted) as ParamSpec);
	}
	// A switch drawn turns the task off (`cache=false`), which takes no other parameter.
	const off = chosen.find((param) => param.type === 'boolean' && param.switchesTask);
	if (off) return { name, params: { [off.name]: false } };
	if (chosen.length === 0) return { name };
	const params: Record<string, ParamValue> = {};
	for (const param of chosen) {
		const override = options.overrides?.[`${name}.${param.name}`];
		params[param.name] = override ? override(random) : randomValue(random, param, options);
	}
	return { name, params };
}

/**
 * Text with the characters that need care in a URL (`,` `/` space `?` `#` `%` `>` non-ASCII), but no `"`
 * (refused) and no `[` `]` (quoted by us only: a listed difference). Never blank, never padded (we trim), and
 * never a `%` that reads as an escape.
 */
export function randomText(random: Random): string {
	const alphabet = 'abcXYZ019_-.~:;=+&@!$*() ,/?#%>é';
	for (;;) {
		const length = random.int(1, 12);
		let text = '';
		for (let i = 0; i < length; i++) text += random.pick([...alphabet]);
		if (text.trim() === text && !/%[0-9a-f]{2}/i.test(text)) return text;
	}
}

const HANDLE_CHARACTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'];

/** A Filestack handle: 20 characters of letters, digits, `_` and `-`. */
export function randomHandle(random: Random): string {
	return Array.from({ length: 20 }, () => random.pick(HANDLE_CHARACTERS)).join('');
}

/** A handle, an https URL with a path, or a storage alias. */
export function randomHandleOrUrl(random: Random): string {
	const roll = random.next();
	if (roll < 0.5) return randomHandle(random);
	if (roll < 0.8) return `https://example.com/images/${random.int(1, 999)}.jpg`;
	return `src://assets/photos/${random.int(1, 999)}.png`;
}

/** Texts of the catalogue's patterned strings (times, regions, page ranges): each shape takes those it matches. */
const PATTERNED = [
	'00:00:30',
	'01:02:03',
	'5',
	'12:30',
	'us-east-1',
	'eu-west-2',
	'2-5',
	'3-',
	'-2',
];

function randomValue(random: Random, shape: ValueShape, options: ChainOptions): ParamValue {
	switch (shape.type) {
		case 'integer':
			return random.int(shape.min ?? 0, shape.max ?? (shape.min ?? 0) + 1000);
		case 'number': {
			const min = shape.min ?? 0;
			const max = shape.max ?? min + 1000;
			return random.chance(0.5)
				? random.int(min, max)
				: min + random.int(0, (max - min) * 100) / 100;
		}
		case 'boolean':
			return random.chance(0.5);
		case 'string': {
			const pattern = shape.pattern;
			return pattern
				? random.pick(PATTERNED.filter((text) => pattern.test(text)))
				: randomText(random);
		}
		case 'enum':
			return random.pick(shape.values);
		case 'color':
			return random.pick(options.colors);
		case 'handleOrUrl':
			return randomHandleOrUrl(random);
		case 'tuple':
			return shape.items.map((item) => randomValue(random, item, options));
		case 'list': {
			// Distinct items: filestack-js's schema wants unique face numbers and pages.
			const count = random.int(shape.minItems ?? 1, Math.min(shape.maxItems ?? 3, 3));
			const items = new Map<string, ParamValue>();
			for (let tries = 0; items.size < count && tries < 20; tries++) {
				const item = randomValue(random, shape.items, options);
				items.set(JSON.stringify(item), item);
			}
			return [...items.values()];
		}
		case 'oneOf':
			return randomValue(random, random.pick(shape.options), options);
	}
}
