import { chainScope, exactly } from '../../nodes/Filestack/sdk/policyScope';
import { type Source, validateTasks } from '../../nodes/Filestack/sdk/url';

const A = 'AAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBB';

describe('exactly: a url pattern matching the given URLs and nothing else', () => {
	it('escapes every regular-expression character and anchors both ends', () => {
		const url = 'https://x.example/a+b(1)[2]{3}|*?^$\\.png';
		const pattern = new RegExp(exactly([url]));
		expect(pattern.test(url)).toBe(true);
		expect(pattern.test(`${url}x`)).toBe(false);
		expect(pattern.test(`x${url}`)).toBe(false);
		expect(pattern.test('https://xxexample/a+b(1)[2]{3}|*?^$\\.png')).toBe(false);
	});

	it('matches several URLs, each also in its decoded form', () => {
		const pattern = new RegExp(exactly(['https://a.example/x%20y', 'https://b.example/z']));
		for (const url of ['https://a.example/x%20y', 'https://a.example/x y', 'https://b.example/z'])
			expect(pattern.test(url)).toBe(true);
		expect(pattern.test('https://c.example/z')).toBe(false);
	});
});

describe('chainScope: every handle and URL a chain reads', () => {
	const scope = (tasks: Parameters<typeof validateTasks>[0], source: Source = { handle: A }) =>
		chainScope(source, validateTasks(tasks));

	it('one handle: limited to it', () => {
		expect(scope([{ name: 'flip' }])).toEqual({ handle: A });
	});

	it.each([
		['watermark', { name: 'watermark', params: { file: B } }],
		['collage', { name: 'collage', params: { files: [B], width: 10, height: 10 } }],
		['fallback', { name: 'fallback', params: { handle: B } }],
		['video watermark', { name: 'video_convert', params: { watermark_url: B } }],
	])('a %s of another handle: no handle can be named, since a policy names only one', (_, task) => {
		expect(scope([task])).toEqual({});
	});

	it('a watermark from a URL: the handle, and that URL', () => {
		expect(scope([{ name: 'watermark', params: { file: 'https://x.example/w.png' } }])).toEqual({
			handle: A,
			url: '^(?:https://x\\.example/w\\.png)$',
		});
	});

	it('several sources: the URLs, and the handle when there is one', () => {
		expect(scope([{ name: 'zip' }], { sources: [A, 'https://x.example/1'] })).toEqual({
			handle: A,
			url: '^(?:https://x\\.example/1)$',
		});
		expect(scope([{ name: 'zip' }], { sources: [A, B] })).toEqual({});
	});
});
