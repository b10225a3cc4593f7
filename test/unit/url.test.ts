import { ParamValue, TASKS, ValueShape } from '../../nodes/Filestack/sdk/catalogue';
import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { Security } from '../../nodes/Filestack/sdk/security';
import { parseTaskChain as parseFromChainModule } from '../../nodes/Filestack/sdk/taskChain';
import {
	describeShape,
	encodeTask,
	isHandle,
	parseTaskChain,
	Task,
	transformationUrl,
	validateTask,
	validateTasks,
} from '../../nodes/Filestack/sdk/url';
import { validationMessage } from './validationMessage';

const CDN = 'https://cdn.filestackcontent.com';
/** The Python tests' source is the placeholder `SOMEEXTERNALURL`; a real URL stands in for it. */
const EXTERNAL = 'https://example.com/image.jpg';
/** Security({'call': ['read'], 'expiry': 10238239}, 'APPSECRET') of the Python filelink tests. */
const SECURITY = new Security({ call: ['read'], expiry: 10238239 }, 'APPSECRET');
const SECURITY_SEGMENT =
	'security=p:eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAxMDIzODIzOX0=,s:858d1ee9c0a1f06283e495f78dc7950ff6e64136ce960465f35539791fcd486b';

const onExternal = (...tasks: Task[]) =>
	transformationUrl({ cdn: CDN, apiKey: 'SOMEAPIKEY', source: { url: EXTERNAL }, tasks });
const onHandle = (handle: string, tasks: Task[], security?: Security) =>
	transformationUrl({ cdn: CDN, apiKey: 'SOMEAPIKEY', source: { handle }, tasks, security });

/** The message of the validation error `validateTask` throws, to compare it exactly. */
const taskError = (task: Task) => validationMessage(validateTask, task);

/** A valid value of a shape, chosen to exercise quoting and escaping (text with `/`, `,` and a space). */
function sample(shape: ValueShape): ParamValue {
	switch (shape.type) {
		case 'integer':
			return shape.min === undefined
				? (shape.max ?? 7)
				: Math.min(shape.min + 1, shape.max ?? Infinity);
		case 'number':
			return (shape.min ?? 0) + 0.5;
		case 'boolean':
			return false;
		case 'string':
			return shape.example ?? 'a/b, c';
		case 'enum':
			return shape.values[shape.values.length - 1];
		case 'color':
			return 'FF0000';
		case 'handleOrUrl':
			return 'https://example.com/a,b.png';
		case 'list':
			return Array.from(
				{ length: Math.min(Math.max(shape.minItems ?? 0, 2), shape.maxItems ?? 2) },
				() => sample(shape.items),
			);
		case 'tuple':
			return shape.items.map(sample);
		case 'oneOf':
			return sample(shape.options[shape.options.length - 1]);
	}
}

describe('every task of the catalogue', () => {
	describe.each(TASKS.map((task) => [task.name, task] as const))('%s', (name, spec) => {
		// A switch (`cache=false`) takes no other parameter: it has tests of its own.
		const params = spec.params.filter((param) => !(param.type === 'boolean' && param.switchesTask));
		const task: Task =
			params.length > 0
				? {
						name,
						params: Object.fromEntries(params.map((param) => [param.name, sample(param)])),
					}
				: { name };

		it('validates a value for each parameter unchanged', () => {
			expect(validateTask(task)).toEqual(task);
		});

		it('builds a valid URL on a handle, which decodes to the encoded task', () => {
			const url = onHandle('HANDLE123', [task]);
			expect(new URL(url).href).toBe(url);
			expect(decodeURIComponent(url)).toBe(`${CDN}/${encodeTask(task)}/HANDLE123`);
			if (spec.params.length === 0) expect(url).toBe(`${CDN}/${name}/HANDLE123`);
			else expect(encodeTask(task)).toMatch(new RegExp(`^${name}=`));
		});

		it('reads back from its chain text to the same task', () => {
			const [parsed, ...rest] = parseTaskChain(encodeTask(task));
			expect(rest).toEqual([]);
			expect(validateTask(parsed)).toEqual(task);
		});
	});
});

describe('Python SDK URL vectors (protocol reference §7.3, §7.5, §8, §6)', () => {
	it.each<[string, Task[], string]>([
		[
			'resize',
			[{ name: 'resize', params: { width: 500, height: 500 } }],
			'resize=height:500,width:500',
		],
		['torn_edges', [{ name: 'torn_edges' }], 'torn_edges'],
		[
			'modulate',
			[{ name: 'modulate', params: { brightness: 155, hue: 155, saturation: 155 } }],
			'modulate=brightness:155,hue:155,saturation:155',
		],
		[
			'collage (files given as list text, as in the Python test)',
			[
				{
					name: 'collage',
					params: {
						files: '[FILEHANDLE,FILEHANDLE2,FILEHANDLE3]',
						margin: 50,
						width: 1000,
						height: 1000,
						color: 'white',
						fit: 'crop',
						autorotate: true,
					},
				},
			],
			'collage=autorotate:true,color:white,files:[FILEHANDLE,FILEHANDLE2,FILEHANDLE3],fit:crop,height:1000,margin:50,width:1000',
		],
		[
			'upscale',
			[{ name: 'upscale', params: { noise: 'low', style: 'artwork' } }],
			'upscale=noise:low,style:artwork',
		],
		['enhance', [{ name: 'enhance' }], 'enhance'],
		[
			'ascii',
			[
				{
					name: 'ascii',
					params: {
						background: 'black',
						foreground: 'black',
						colored: true,
						size: 100,
						reverse: true,
					},
				},
			],
			'ascii=background:black,colored:true,foreground:black,reverse:true,size:100',
		],
		['pdfinfo', [{ name: 'pdfinfo', params: { colorinfo: true } }], 'pdfinfo=colorinfo:true'],
		[
			'pdfconvert',
			[{ name: 'pdfconvert', params: { pageorientation: 'landscape' } }],
			'pdfconvert=pageorientation:landscape',
		],
		['minify_css', [{ name: 'minify_css' }], 'minify_css'],
		[
			'minify_css with parameters',
			[{ name: 'minify_css', params: { level: 1, gzip: false } }],
			'minify_css=gzip:false,level:1',
		],
		[
			'output (filetype_conversion)',
			[
				{
					name: 'output',
					params: {
						format: 'png',
						background: 'white',
						page: 1,
						density: 50,
						compress: true,
						quality: 80,
						strip: true,
						colorspace: 'input',
						secure: true,
						docinfo: true,
						pageformat: 'legal',
						pageorientation: 'landscape',
					},
				},
			],
			'output=background:white,colorspace:input,compress:true,density:50,docinfo:true,format:png,page:1,pageformat:legal,pageorientation:landscape,quality:80,secure:true,strip:true',
		],
		['no_metadata', [{ name: 'no_metadata' }], 'no_metadata'],
		['zip', [{ name: 'zip' }], 'zip'],
		['auto_image', [{ name: 'auto_image' }], 'auto_image'],
		[
			'video_convert (av_convert)',
			[{ name: 'video_convert', params: { width: 500, height: 500 } }],
			'video_convert=height:500,width:500',
		],
		[
			'flip, resize, store (path always quoted, sent as %22)',
			[
				{ name: 'flip' },
				{ name: 'resize', params: { width: 100 } },
				{
					name: 'store',
					params: {
						filename: 'filename',
						location: 'S3',
						path: 'folder/image.jpg',
						container: 'bucket',
					},
				},
			],
			'flip/resize=width:100/store=container:bucket,filename:filename,location:S3,path:%22folder/image.jpg%22',
		],
	])('%s on an external URL', (_, tasks, expected) => {
		expect(onExternal(...tasks)).toBe(`${CDN}/SOMEAPIKEY/${expected}/${EXTERNAL}`);
	});

	it('urlscreenshot of a page', () => {
		const url = transformationUrl({
			cdn: CDN,
			apiKey: 'KEY',
			source: { url: 'https://example.com' },
			tasks: [{ name: 'urlscreenshot', params: { agent: 'mobile', width: 800 } }],
		});
		expect(url).toBe(
			'https://cdn.filestackcontent.com/KEY/urlscreenshot=agent:mobile,width:800/https://example.com',
		);
	});

	it('tags on a handle, signed: security just before the source, no API key', () => {
		expect(onHandle('SOMEHANDLE', [{ name: 'tags' }], SECURITY)).toBe(
			`${CDN}/tags/${SECURITY_SEGMENT}/SOMEHANDLE`,
		);
		expect(
			onHandle(
				'SOMEHANDLE',
				[{ name: 'resize', params: { width: 100 } }, { name: 'tags' }],
				SECURITY,
			),
		).toBe(`${CDN}/resize=width:100/tags/${SECURITY_SEGMENT}/SOMEHANDLE`);
	});

	it('resize and rotate on a handle, signed', () => {
		const tasks = [
			{ name: 'resize', params: { width: 100, height: 50, fit: 'crop' } },
			{ name: 'rotate', params: { deg: 90, exif: false } },
		];
		expect(onHandle('HANDLE123', tasks, SECURITY)).toBe(
			`${CDN}/resize=fit:crop,height:50,width:100/rotate=deg:90,exif:false/${SECURITY_SEGMENT}/HANDLE123`,
		);
	});

	it.each<[Task, string]>([
		[{ name: 'pdfconvert', params: { pages: [1, '3-5'] } }, 'pdfconvert=pages:[1,3-5]'],
		[
			{ name: 'watermark', params: { file: 'WM', position: ['top', 'left'] } },
			'watermark=file:WM,position:[top,left]',
		],
		[
			{
				name: 'video_convert',
				params: { height: 100, preset: 'h264', two_pass: true, width: 100 },
			},
			'video_convert=height:100,preset:h264,two_pass:true,width:100',
		],
	])('%j on a handle', (task, expected) => {
		expect(onHandle('HANDLE123', [task])).toBe(`${CDN}/${expected}/HANDLE123`);
	});

	it('the plain and the signed URL of a handle', () => {
		expect(onHandle('5aYkEQJSQCmYShsoCnZN', [])).toBe(`${CDN}/5aYkEQJSQCmYShsoCnZN`);
		expect(onHandle('5aYkEQJSQCmYShsoCnZN', [], SECURITY)).toBe(
			`${CDN}/${SECURITY_SEGMENT}/5aYkEQJSQCmYShsoCnZN`,
		);
	});

	it('zip of several handles, with the API key first and the security after zip', () => {
		const zip = (security?: Security) =>
			transformationUrl({
				cdn: CDN,
				apiKey: 'SOMEAPIKEY',
				source: { sources: ['h1', 'h2'] },
				tasks: [{ name: 'zip' }],
				security,
			});
		expect(zip()).toBe(`${CDN}/SOMEAPIKEY/zip/[h1,h2]`);
		expect(zip(SECURITY)).toBe(`${CDN}/SOMEAPIKEY/zip/${SECURITY_SEGMENT}/[h1,h2]`);
	});

	it('the store task with every parameter', () => {
		const store = validateTask({
			name: 'store',
			params: {
				filename: 'x.jpg',
				location: 'S3',
				path: 'a/b/',
				container: 'bkt',
				region: 'us-east-1',
				access: 'public',
				base64decode: true,
				workflows: ['w1', 'w2'],
			},
		});
		expect(encodeTask(store)).toBe(
			'store=access:public,base64decode:true,container:bkt,filename:x.jpg,location:S3,path:"a/b/",region:us-east-1,workflows:[w1,w2]',
		);
	});

	// Where the Python SDK's own tests send what Filestack's docs do not allow, encodeTask still writes what Python
	// writes, and validation (which every transformation URL goes through) refuses it.
	it('shadow(blur=True) and circle(background=True): encoded like Python, refused by validation', () => {
		expect(encodeTask({ name: 'shadow', params: { blur: true } })).toBe('shadow=blur:true');
		expect(encodeTask({ name: 'circle', params: { background: true } })).toBe(
			'circle=background:true',
		);
		expect(taskError({ name: 'shadow', params: { blur: true } })).toBe(
			'Task "shadow": parameter "blur" must be a number from 0 to 20 (got true)',
		);
		expect(() => onExternal({ name: 'circle', params: { background: true } })).toThrow(
			'parameter "background" must be a color',
		);
	});

	it('partial_pixelate with placeholder boxes: encoded like Python from a real list, refused by validation', () => {
		const boxes = [
			['x', 'y', 'width', 'height'],
			['x', 'y', 'width', 'height'],
		];
		const task = {
			name: 'partial_pixelate',
			params: { amount: 10, blur: 10, type: 'rect', objects: boxes },
		};
		expect(encodeTask(task)).toBe(
			'partial_pixelate=amount:10,blur:10,objects:[[x,y,width,height],[x,y,width,height]],type:rect',
		);
		expect(taskError(task)).toBe(
			'Task "partial_pixelate": parameter "objects" item 1 item 1 must be an integer from 0 to 10000 (got "x")',
		);
		const real = {
			...task,
			params: {
				...task.params,
				objects: [
					[1, 2, 30, 40],
					[5, 6, 70, 80],
				],
			},
		};
		expect(onExternal(real)).toBe(
			`${CDN}/SOMEAPIKEY/partial_pixelate=amount:10,blur:10,objects:[[1,2,30,40],[5,6,70,80]],type:rect/${EXTERNAL}`,
		);
	});

	it('collage(files=[h1,h2], margin=5): encoded like Python; Filestack also needs width and height', () => {
		const task = { name: 'collage', params: { files: ['h1', 'h2'], margin: 5 } };
		expect(encodeTask(task)).toBe('collage=files:[h1,h2],margin:5');
		expect(taskError(task)).toBe('Task "collage": parameter "width" is required');
	});

	it("fallback takes handle (other SDKs and real URLs), not Python's file", () => {
		expect(onExternal({ name: 'fallback', params: { handle: 'SOMEHANDLE', cache: 12 } })).toBe(
			`${CDN}/SOMEAPIKEY/fallback=cache:12,handle:SOMEHANDLE/${EXTERNAL}`,
		);
		expect(taskError({ name: 'fallback', params: { file: 'SOMEHANDLE', cache: 12 } })).toBe(
			'Task "fallback": unknown parameter "file" (known: handle, cache)',
		);
	});

	it('minify_js targets holding a comma are quoted (Python writes them bare, which splits the parameter)', () => {
		const task = { name: 'minify_js', params: { gzip: false, targets: 'not dead,> 1%' } };
		expect(encodeTask(task)).toBe('minify_js=gzip:false,targets:"not dead,> 1%"');
		expect(onExternal(task)).toBe(
			`${CDN}/SOMEAPIKEY/minify_js=gzip:false,targets:%22not%20dead,%3E%201%25%22/${EXTERNAL}`,
		);
	});
});

describe('encodeTask', () => {
	it('sorts parameters, leaves out undefined and null, keeps false, 0 and empty text', () => {
		expect(
			encodeTask({ name: 't', params: { b: 0, a: false, c: undefined, d: null, e: '' } }),
		).toBe('t=a:false,b:0,e:');
	});

	it('writes a bare name without parameters, or with only empty ones', () => {
		expect(encodeTask({ name: 'flip' })).toBe('flip');
		expect(encodeTask({ name: 'flip', params: {} })).toBe('flip');
		expect(encodeTask({ name: 'flip', params: { a: undefined } })).toBe('flip');
	});

	it('writes nested lists without spaces, quoting text that holds , / [ or ]', () => {
		expect(
			encodeTask({
				name: 't',
				params: {
					l: [
						[1, 2],
						[3, 'a,b'],
					],
					u: 'https://x/y',
					s: '[a]',
				},
			}),
		).toBe('t=l:[[1,2],[3,"a,b"]],s:"[a]",u:"https://x/y"');
	});

	it("quotes store's path even without a slash, and nothing else without need", () => {
		expect(encodeTask({ name: 'store', params: { path: 'file.jpg', filename: 'file.jpg' } })).toBe(
			'store=filename:file.jpg,path:"file.jpg"',
		);
		expect(encodeTask({ name: 'video_convert', params: { path: 'file.mp4' } })).toBe(
			'video_convert=path:file.mp4',
		);
	});

	it('refuses values it cannot write', () => {
		expect(() => encodeTask({ name: 't', params: { o: { a: 1 } } })).toThrow(
			FilestackValidationError,
		);
	});
});

describe('validateTask', () => {
	it.each<[string, Task, string]>([
		[
			'a value not allowed',
			{ name: 'resize', params: { width: 300, fit: 'stretch' } },
			'Task "resize": parameter "fit" must be one of clip, crop, scale, max (got "stretch")',
		],
		['an unknown task', { name: 'rezise', params: { width: 300 } }, 'Unknown task "rezise"'],
		[
			'an unknown parameter',
			{ name: 'resize', params: { colour: 'red' } },
			'Task "resize": unknown parameter "colour" (known: width, height, fit, align)',
		],
		[
			'a parameter on a task without any',
			{ name: 'flip', params: { x: 1 } },
			'Task "flip" takes no parameters (got "x")',
		],
		[
			'a wrong type',
			{ name: 'resize', params: { width: 'wide' } },
			'Task "resize": parameter "width" must be an integer from 1 to 10000 (got "wide")',
		],
		[
			'a value out of range',
			{ name: 'resize', params: { width: 0 } },
			'Task "resize": parameter "width" must be an integer from 1 to 10000 (got 0)',
		],
		[
			'a fraction for an integer',
			{ name: 'resize', params: { width: '10.5' } },
			'Task "resize": parameter "width" must be an integer from 1 to 10000 (got "10.5")',
		],
		[
			'a missing required parameter',
			{ name: 'crop', params: {} },
			'Task "crop": parameter "dim" is required',
		],
		[
			'none of the parameters one of which is needed',
			{ name: 'resize', params: { fit: 'crop' } },
			'Task "resize": give at least one of width, height',
		],
		[
			'a bad list item',
			{ name: 'crop', params: { dim: [0, 0, 0, 10] } },
			'Task "crop": parameter "dim" item 3 must be an integer from 1 to 100000 (got 0)',
		],
		[
			'a list of the wrong length',
			{ name: 'crop', params: { dim: '[1,2]' } },
			'Task "crop": parameter "dim" must be a list like [x,y,width,height] (got "[1,2]")',
		],
		[
			'a value fitting none of the options',
			{ name: 'output', params: { quality: 0 } },
			'Task "output": parameter "quality" must be an integer from 1 to 100, or input (got 0)',
		],
		[
			'a parameter given twice (by alias)',
			{ name: 'resize', params: { w: 1, width: 2 } },
			'Task "resize": parameter "width" is given twice',
		],
		[
			'text with double quotes',
			{ name: 'store', params: { filename: 'a"b.jpg' } },
			'Task "store": parameter "filename" must be text without double quotes (got "a\\"b.jpg")',
		],
		[
			'a time in the wrong format',
			{ name: 'video_convert', params: { clip_length: '1 minute' } },
			'Task "video_convert": parameter "clip_length" must be text like 00:01:30 (got "1 minute")',
		],
		[
			'an unknown list item',
			{ name: 'metadata', params: { params: ['size', 'colour'] } },
			'Task "metadata": parameter "params" item 2 must be one of filename, mimetype, size, width, height, uploaded, writeable, cloud, source_url, location, path, container, exif, md5, sha1, sha224, sha256, sha384, sha512 (got "colour")',
		],
		[
			'a word for a boolean',
			{ name: 'pdfinfo', params: { colorinfo: 'yes' } },
			'Task "pdfinfo": parameter "colorinfo" must be true or false (got "yes")',
		],
		[
			'parameters that are not an object',
			{ name: 'resize', params: [300] as unknown as Record<string, unknown> },
			'Task "resize": parameters must be given as an object',
		],
	])('refuses %s, naming task and parameter', (_, task, message) => {
		expect(taskError(task)).toBe(message);
	});

	it('refuses more boxes than allowed and an empty list', () => {
		const boxes = Array.from({ length: 51 }, () => [0, 0, 1, 1]);
		expect(taskError({ name: 'partial_blur', params: { objects: boxes } })).toMatch(
			/^Task "partial_blur": parameter "objects" must be a list of 1 to 50 items/,
		);
		expect(taskError({ name: 'partial_blur', params: { objects: '[]' } })).toMatch(
			/parameter "objects" must be a list of 1 to 50 items/,
		);
	});

	it('cuts long values short in messages', () => {
		expect(taskError({ name: 'resize', params: { fit: 'x'.repeat(200) } })).toMatch(
			/\(got "x{56}\.\.\.\)$/,
		);
	});

	it('turns text from UI fields and chains into typed values', () => {
		expect(
			validateTask({
				name: 'resize',
				params: { width: '300', height: ' 200 ', fit: 'CROP', align: '[top, left]' },
			}),
		).toEqual({
			name: 'resize',
			params: { width: 300, height: 200, fit: 'crop', align: ['top', 'left'] },
		});
		expect(
			validateTask({
				name: 'rounded_corners',
				params: { blur: '0.5', radius: 'max', background: '#FF0000' },
			}),
		).toEqual({
			name: 'rounded_corners',
			params: { blur: 0.5, radius: 'max', background: 'FF0000' },
		});
		expect(
			validateTask({
				name: 'output',
				params: { compress: 'TRUE', strip: 'false', quality: 'input', format: 'PNG' },
			}),
		).toEqual({
			name: 'output',
			params: { compress: true, strip: false, quality: 'input', format: 'png' },
		});
		expect(validateTask({ name: 'store', params: { location: 's3' } })).toEqual({
			name: 'store',
			params: { location: 'S3' },
		});
	});

	it.each<[unknown, ParamValue]>([
		['all', 'all'],
		['2', 2],
		[2, 2],
		['1,3', [1, 3]],
		['[1, 3]', [1, 3]],
		[
			['1', 3],
			[1, 3],
		],
	])('reads faces %j as %j', (faces, expected) => {
		expect(validateTask({ name: 'crop_faces', params: { faces } }).params?.faces).toEqual(expected);
	});

	it('reads page ranges and colors in their accepted forms', () => {
		expect(
			validateTask({ name: 'pdfconvert', params: { pages: '1, 3-5, 8-, -2' } }).params?.pages,
		).toEqual([1, '3-5', '8-', '-2']);
		for (const color of ['red', 'gray50', 'F00', 'FF0000', '80FF0000']) {
			expect(validateTask({ name: 'border', params: { color } }).params?.color).toBe(color);
		}
		expect(taskError({ name: 'border', params: { color: 'not a color' } })).toMatch(
			/parameter "color" must be a color name or hex code/,
		);
		expect(taskError({ name: 'pdfconvert', params: { pages: '1-2-3' } })).toMatch(
			/parameter "pages" item 1 must be/,
		);
	});

	it('resolves aliases to parameter names and lower-cases names', () => {
		expect(
			validateTask({ name: 'Resize', params: { w: 300, H: 200, f: 'max', a: 'faces' } }),
		).toEqual({
			name: 'resize',
			params: { width: 300, height: 200, fit: 'max', align: 'faces' },
		});
		expect(
			encodeTask(validateTask({ name: 'store', params: { f: 'x.jpg', l: 'gcs', p: 'in/' } })),
		).toBe('store=filename:x.jpg,location:gcs,path:"in/"');
	});

	it('leaves out empty values, down to a bare task', () => {
		expect(
			validateTask({
				name: 'resize',
				params: { width: 300, height: '', fit: undefined, align: null },
			}),
		).toEqual({
			name: 'resize',
			params: { width: 300 },
		});
		expect(validateTask({ name: 'enhance', params: { preset: ' ' } })).toEqual({ name: 'enhance' });
		expect(validateTask({ name: 'store', params: { workflows: [] } })).toEqual({ name: 'store' });
	});

	it('validates a chain of tasks, stopping at the first bad one', () => {
		expect(validateTasks([{ name: 'flip' }, { name: 'resize', params: { width: '5' } }])).toEqual([
			{ name: 'flip' },
			{ name: 'resize', params: { width: 5 } },
		]);
		expect(() => validateTasks([{ name: 'flip' }, { name: 'nope' }])).toThrow(
			'Unknown task "nope"',
		);
	});

	it('refuses a task without a name', () => {
		expect(() => validateTask({} as Task)).toThrow('A task needs a name');
	});
});

describe('transformationUrl sources', () => {
	it('never puts the API key in front of a handle, always in front of a URL', () => {
		expect(onHandle('HANDLE123', [{ name: 'flip' }])).toBe(`${CDN}/flip/HANDLE123`);
		expect(onExternal({ name: 'flip' })).toBe(`${CDN}/SOMEAPIKEY/flip/${EXTERNAL}`);
		expect(() => transformationUrl({ cdn: CDN, source: { url: EXTERNAL } })).toThrow(
			'An API key is needed',
		);
		expect(() =>
			transformationUrl({ cdn: CDN, apiKey: 'bad/key', source: { url: EXTERNAL } }),
		).toThrow(FilestackValidationError);
	});

	it('takes a src:// storage alias like a URL', () => {
		expect(
			transformationUrl({
				cdn: CDN,
				apiKey: 'KEY',
				source: { url: 'src://my-storage/folder/a.jpg' },
				tasks: [{ name: 'flip' }],
			}),
		).toBe(`${CDN}/KEY/flip/src://my-storage/folder/a.jpg`);
	});

	it('writes several sources as a list, quoting URLs', () => {
		const url = transformationUrl({
			cdn: CDN,
			apiKey: 'KEY',
			source: { sources: ['h1', 'https://example.com/a.jpg', 'src://alias/b.png'] },
			tasks: [{ name: 'zip' }],
		});
		expect(url).toBe(`${CDN}/KEY/zip/[h1,%22https://example.com/a.jpg%22,%22src://alias/b.png%22]`);
		expect(new URL(url).href).toBe(url);
	});

	it.each(['', ' ', 'a b', 'a/b', 'abc?', 'x'.repeat(129)])('refuses the handle %j', (handle) => {
		expect(() => onHandle(handle, [])).toThrow('Invalid Filestack handle');
	});

	it.each(['example.com/a.jpg', 'ftp://example.com/a.jpg', 'https://', ''])(
		'refuses the source URL %j',
		(url) => {
			expect(() => transformationUrl({ cdn: CDN, apiKey: 'KEY', source: { url } })).toThrow(
				'Invalid source URL',
			);
		},
	);

	it('refuses an empty or bad list of sources', () => {
		expect(() => transformationUrl({ cdn: CDN, apiKey: 'KEY', source: { sources: [] } })).toThrow(
			'at least one handle or URL',
		);
		expect(() =>
			transformationUrl({ cdn: CDN, apiKey: 'KEY', source: { sources: ['h1', 'not a handle'] } }),
		).toThrow('Invalid source "not a handle"');
	});

	it('percent-encodes what a URL path cannot hold, so an embedded URL keeps its query and fragment', () => {
		const url = transformationUrl({
			cdn: CDN,
			apiKey: 'KEY',
			source: { url: 'https://example.com/a b/ü.jpg?x=1&y=%20#frag' },
			tasks: [{ name: 'resize', params: { width: 10 } }],
		});
		expect(url).toBe(
			`${CDN}/KEY/resize=width:10/https://example.com/a%20b/%C3%BC.jpg%3Fx=1&y=%20%23frag`,
		);
		expect(new URL(url).href).toBe(url);
		expect(new URL(url).search).toBe('');
		expect(onExternal({ name: 'store', params: { filename: '100%<sure>^{1}.jpg' } })).toContain(
			'filename:100%25%3Csure%3E%5E%7B1%7D.jpg',
		);
	});

	it('works on any CDN base, such as a local emulator', () => {
		expect(
			transformationUrl({
				cdn: 'http://127.0.0.1:8080/',
				source: { handle: 'HANDLE123' },
				tasks: [{ name: 'flip' }],
			}),
		).toBe('http://127.0.0.1:8080/flip/HANDLE123');
	});
});

describe('cache=false, the task switched off', () => {
	it('is written alone, and read back from a chain', () => {
		const off = { name: 'cache', params: { cache: false } };
		expect(onHandle('HANDLE', [{ name: 'flip' }, off])).toBe(`${CDN}/flip/cache=false/HANDLE`);
		expect(parseTaskChain('flip/cache=false')).toEqual([
			{ name: 'flip' },
			{ name: 'cache', params: { cache: 'false' } },
		]);
		expect(validateTasks(parseTaskChain('cache=false'))).toEqual([off]);
	});

	it('leaves the switch out when on', () => {
		expect(encodeTask({ name: 'cache', params: { cache: true, expiry: 600 } })).toBe(
			'cache=expiry:600',
		);
		expect(encodeTask({ name: 'cache', params: { cache: true } })).toBe('cache');
	});

	it('takes no other parameter when off', () => {
		expect(() => validateTask({ name: 'cache', params: { cache: 'false', expiry: 600 } })).toThrow(
			'Task "cache": parameter "cache" false turns the task off and takes no other parameter',
		);
	});
});

describe('dot segments, which an HTTP client resolves away with the tasks before them', () => {
	const urlOf = (url: string) =>
		transformationUrl({ cdn: CDN, apiKey: 'K', source: { url }, tasks: [{ name: 'flip' }] });

	it.each([
		'https://a.example/../../x.png',
		'https://a.example/b/./x.png',
		'src://alias/%2E%2e/x',
		'src://alias/a%5c..%5Cx',
		'https://a.example/a%5C%2e%2E%5cx.png',
	])('refuses a source URL holding one: %s', (url) => {
		expect(() => urlOf(url)).toThrow(/"\." or "\.\." between slashes/);
		expect(() =>
			transformationUrl({ cdn: CDN, apiKey: 'K', source: { sources: ['HANDLE', url] } }),
		).toThrow(FilestackValidationError);
	});

	it.each(['..\\x', 'a\\.\\b', 'a/..%5cb', '%2e%2E%5Cb'])(
		'refuses a task parameter holding one, also between backslashes: %s',
		(filename) => {
			expect(() => validateTask({ name: 'store', params: { filename } })).toThrow(
				/parameter "filename" must not hold "\." or "\.\." between slashes/,
			);
		},
	);

	it('lets dots that are no segment through', () => {
		expect(urlOf('https://a.example/v1.2/..x/.../x..png')).toBe(
			`${CDN}/K/flip/https://a.example/v1.2/..x/.../x..png`,
		);
	});
});

describe('handles and sources', () => {
	it('recognises handles leniently: letters, digits, - and _', () => {
		expect(isHandle('5aYkEQJSQCmYShsoCnZN')).toBe(true);
		expect(isHandle('h1')).toBe(true);
		expect(isHandle('a-b_c')).toBe(true);
		for (const bad of ['', 'a b', 'a/b', 'https://x', 'x'.repeat(129)])
			expect(isHandle(bad)).toBe(false);
	});
});

describe('describeShape', () => {
	it('describes shapes in words for messages and hints', () => {
		expect(describeShape({ type: 'integer', min: 1 })).toBe('an integer of at least 1');
		expect(describeShape({ type: 'number', max: 5 })).toBe('a number of at most 5');
		expect(describeShape({ type: 'integer' })).toBe('an integer');
		expect(describeShape({ type: 'list', items: { type: 'enum', values: ['a', 'b'] } })).toBe(
			'a list of items, each one of a, b',
		);
		expect(describeShape({ type: 'list', items: { type: 'boolean' }, minItems: 2 })).toBe(
			'a list of at least 2 items, each true or false',
		);
		expect(describeShape({ type: 'handleOrUrl' })).toBe('a Filestack handle or a URL');
	});
});

it('parseTaskChain is also exported here, next to the URL builder', () => {
	expect(parseTaskChain).toBe(parseFromChainModule);
});
