import { parseListText, parseTaskChain } from '../../nodes/Filestack/sdk/taskChain';
import { encodeTask, validateTasks } from '../../nodes/Filestack/sdk/url';
import { validationMessage } from './validationMessage';

const chainError = (text: string) => validationMessage(parseTaskChain, text);

describe('parseTaskChain', () => {
	it('reads tasks, parameters and bare names, keeping values as text for validation to type', () => {
		const tasks = parseTaskChain('resize=width:300,height:200/flip/output=format:png');
		expect(tasks).toEqual([
			{ name: 'resize', params: { width: '300', height: '200' } },
			{ name: 'flip' },
			{ name: 'output', params: { format: 'png' } },
		]);
		expect(validateTasks(tasks)).toEqual([
			{ name: 'resize', params: { width: 300, height: 200 } },
			{ name: 'flip' },
			{ name: 'output', params: { format: 'png' } },
		]);
	});

	it('reads lists, nested lists and empty lists', () => {
		expect(
			parseTaskChain('partial_blur=objects:[[1,2,3,4],[5, 6, 7, 8]],type:oval/t=l:[]'),
		).toEqual([
			{
				name: 'partial_blur',
				params: {
					objects: [
						['1', '2', '3', '4'],
						['5', '6', '7', '8'],
					],
					type: 'oval',
				},
			},
			{ name: 't', params: { l: [] } },
		]);
	});

	it('reads quoted text holding separators, also inside lists', () => {
		expect(
			parseTaskChain(
				'store=path:"folder/sub/",filename:"a,b.jpg"/collage=files:["https://a.com/x.jpg",h2]',
			),
		).toEqual([
			{ name: 'store', params: { path: 'folder/sub/', filename: 'a,b.jpg' } },
			{ name: 'collage', params: { files: ['https://a.com/x.jpg', 'h2'] } },
		]);
	});

	it('keeps colons and spaces inside bare values, trimming around them', () => {
		expect(
			parseTaskChain(
				'video_convert=clip_length:00:00:30 , preset : h264/urlscreenshot=device:iPhone X',
			),
		).toEqual([
			{ name: 'video_convert', params: { clip_length: '00:00:30', preset: 'h264' } },
			{ name: 'urlscreenshot', params: { device: 'iPhone X' } },
		]);
	});

	it('takes new lines as separators and skips empty segments and spaces', () => {
		expect(parseTaskChain('\n  resize = width:300\r\n\n/flip//\n monochrome \n')).toEqual([
			{ name: 'resize', params: { width: '300' } },
			{ name: 'flip' },
			{ name: 'monochrome' },
		]);
		expect(parseTaskChain('')).toEqual([]);
		expect(parseTaskChain(' / \n ')).toEqual([]);
	});

	it.each([
		['resize=width', 'Task chain: expected ":" after "width" in task "resize" at position 13'],
		['resize=width:', 'Task chain: expected a value at position 14'],
		['resize=width:,height:2', 'Task chain: expected a value at position 14'],
		[
			'resize=width:1,width:2',
			'Task chain: parameter "width" is given twice in task "resize" at position 21',
		],
		['resize=:1', 'Task chain: expected a parameter name in task "resize" at position 8'],
		['resize=width:1,', 'Task chain: expected a parameter name in task "resize" at position 16'],
		['=width:1', 'Task chain: expected a task name, found "=" at position 1'],
		['store=path:"abc', 'Task chain: a quote is never closed at position 12'],
		['crop=dim:[1,2', 'Task chain: expected "," or "]" in a list at position 14'],
		['crop=dim:[1,2) ', 'Task chain: expected "," or "]" in a list at position 16'],
		['flip x', 'Task chain: unexpected "x" at position 6'],
		['store=path:"a"b', 'Task chain: unexpected "b" at position 15'],
		[
			'minify_js=targets:not dead,> 1%',
			'Task chain: expected a parameter name in task "minify_js" at position 28',
		],
	])('refuses %j with the position of the trouble', (text, message) => {
		expect(chainError(text)).toBe(message);
	});

	it.each([
		'resize=fit:crop,height:200,width:300',
		'flip',
		'watermark=file:WM,position:[top,left]',
		'partial_blur=objects:[[1,2,3,4],[5,6,7,8]],type:oval',
		'store=filename:"a,b.jpg",path:"folder/sub/"',
		'collage=files:["https://a.com/x.jpg",h2],height:10,width:10',
		'pdfconvert=pages:[1,3-5,8-]',
		'video_convert=clip_length:00:00:30,preset:h264',
		'crop_faces=faces:all/rotate=deg:exif,exif:true',
	])('round-trips %j through validation and encoding', (text) => {
		expect(validateTasks(parseTaskChain(text)).map(encodeTask).join('/')).toBe(text);
	});

	it('round-trips a whole chain, whatever the spacing and parameter order it was written with', () => {
		const written = 'resize=width:300, height:200, fit:crop\nstore=path:"out/" , location:s3\n';
		const canonical = validateTasks(parseTaskChain(written)).map(encodeTask).join('/');
		expect(canonical).toBe('resize=fit:crop,height:200,width:300/store=location:S3,path:"out/"');
		expect(validateTasks(parseTaskChain(canonical)).map(encodeTask).join('/')).toBe(canonical);
	});
});

describe('parseListText', () => {
	it.each<[string, unknown]>([
		['a,b', ['a', 'b']],
		['[a, b]', ['a', 'b']],
		['[a,[b,c]]', ['a', ['b', 'c']]],
		['"x,y", z', ['x,y', 'z']],
		['[]', []],
		['single', ['single']],
	])('reads %j', (text, list) => {
		expect(parseListText(text)).toEqual(list);
	});

	it.each(['[a', '[a]x', 'a,,b', '"open'])('gives undefined for %j', (text) => {
		expect(parseListText(text)).toBeUndefined();
	});
});
