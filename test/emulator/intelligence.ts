/**
 * Plausible answers of Filestack's intelligence tasks. The emulator has no models: answers are derived from the
 * file's MD5, so the same file always gets the same answer.
 */
const LABELS = [
	'animal',
	'building',
	'car',
	'cat',
	'document',
	'dog',
	'food',
	'landscape',
	'person',
	'plant',
	'sky',
	'text',
];

export function intelligenceResult(task: string, md5: string): unknown {
	const bytes = Buffer.from(md5, 'hex');
	switch (task) {
		case 'tags':
			return { tags: { auto: tags(bytes), user: null } };
		case 'sfw':
			return { sfw: bytes[0] % 8 !== 0 };
		case 'ocr':
			return ocr(bytes);
		default:
			return { coords: box(bytes, 0) };
	}
}

function tags(bytes: Buffer): Record<string, number> {
	const auto: Record<string, number> = {};
	for (let i = 0; i < 3; i++) auto[LABELS[bytes[i] % LABELS.length]] = 50 + (bytes[i + 3] % 50);
	return auto;
}

function ocr(bytes: Buffer) {
	const words = [`word${bytes[0]}`, `word${bytes[1]}`, `word${bytes[2]}`];
	const text = words.join(' ');
	const line = {
		bounding_box: box(bytes, 0),
		text,
		words: words.map((word, i) => ({ bounding_box: box(bytes, i + 1), text: word })),
	};
	return { document: { text_areas: [{ bounding_box: box(bytes, 0), lines: [line], text }] }, text };
}

function box(bytes: Buffer, index: number) {
	const at = (index * 4) % 12;
	return {
		height: 10 + bytes[at],
		left: bytes[at + 1],
		top: bytes[at + 2],
		width: 20 + bytes[at + 3],
	};
}
