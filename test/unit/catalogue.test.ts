import {
	getTask,
	ParamSpec,
	TASK_GROUPS,
	TASKS,
	ValueShape,
} from '../../nodes/Filestack/sdk/catalogue';

/**
 * Protocol reference §7.4: every task the Python SDK emits, by URL name, with its parameters. Two Python quirks
 * are fixed on purpose: `round_corners` is `rounded_corners`, and `fallback` takes `handle`, not `file`.
 */
const PYTHON_TASKS: Record<string, string[]> = {
	resize: ['width', 'height', 'fit', 'align'],
	crop: ['dim'],
	rotate: ['deg', 'exif', 'background'],
	flip: [],
	flop: [],
	watermark: ['file', 'size', 'position'],
	detect_faces: ['minsize', 'maxsize', 'color', 'export'],
	crop_faces: ['mode', 'width', 'height', 'faces', 'buffer'],
	pixelate_faces: ['faces', 'minsize', 'maxsize', 'buffer', 'amount', 'blur', 'type'],
	rounded_corners: ['radius', 'blur', 'background'],
	vignette: ['amount', 'blurmode', 'background'],
	polaroid: ['color', 'rotate', 'background'],
	torn_edges: ['spread', 'background'],
	shadow: ['blur', 'opacity', 'vector', 'color', 'background'],
	circle: ['background'],
	border: ['width', 'color', 'background'],
	sharpen: ['amount'],
	blur: ['amount'],
	monochrome: [],
	blackwhite: ['threshold'],
	sepia: ['tone'],
	pixelate: ['amount'],
	oil_paint: ['amount'],
	negative: [],
	modulate: ['brightness', 'hue', 'saturation'],
	partial_pixelate: ['amount', 'blur', 'type', 'objects'],
	partial_blur: ['amount', 'blur', 'type', 'objects'],
	collage: ['files', 'margin', 'width', 'height', 'color', 'fit', 'autorotate'],
	upscale: ['upscale', 'noise', 'style'],
	enhance: ['preset'],
	redeye: [],
	ascii: ['background', 'foreground', 'colored', 'size', 'reverse'],
	output: [
		'format',
		'background',
		'page',
		'density',
		'compress',
		'quality',
		'strip',
		'colorspace',
		'secure',
		'docinfo',
		'pageformat',
		'pageorientation',
	],
	no_metadata: [],
	quality: ['value'],
	zip: [],
	fallback: ['handle', 'cache'],
	pdfinfo: ['colorinfo'],
	pdfconvert: ['pageorientation', 'pageformat', 'pages', 'metadata'],
	minify_js: [
		'gzip',
		'use_babel_polyfill',
		'keep_fn_name',
		'keep_class_name',
		'mangle',
		'merge_vars',
		'remove_console',
		'remove_undefined',
		'targets',
	],
	minify_css: ['level', 'gzip'],
	video_convert: [
		'preset',
		'force',
		'title',
		'extname',
		'filename',
		'width',
		'height',
		'upscale',
		'aspect_mode',
		'two_pass',
		'video_bitrate',
		'fps',
		'keyframe_interval',
		'location',
		'watermark_url',
		'watermark_top',
		'watermark_bottom',
		'watermark_right',
		'watermark_left',
		'watermark_width',
		'watermark_height',
		'path',
		'access',
		'container',
		'audio_bitrate',
		'audio_sample_rate',
		'audio_channels',
		'clip_length',
		'clip_offset',
		// Not in the Python SDK, in Filestack's docs and the JS schema:
		'audio_codec',
		'frame_count',
	],
	auto_image: [],
	doc_to_images: ['pages', 'engine', 'format', 'quality', 'density', 'hidden_slides'],
	smart_crop: ['mode', 'width', 'height', 'fill_color', 'coords'],
	pdfcreate: ['engine'],
	animate: ['delay', 'loop', 'width', 'height', 'fit', 'align', 'background'],
	store: [
		'filename',
		'location',
		'path',
		'container',
		'region',
		'access',
		'base64decode',
		'workflows',
	],
	tags: [],
	sfw: [],
	ocr: [],
	urlscreenshot: ['agent', 'mode', 'width', 'height', 'delay', 'orientation', 'device'],
};

/** Tasks beyond the Python SDK, from Filestack's docs and the JS SDK. */
const EXTRA_TASKS = [
	'doc_detection',
	'compress',
	'pjpg',
	'cache',
	'blur_faces',
	'run_workflow',
	'imagesize',
	'metadata',
];

const paramNames = (name: string) => getTask(name)?.params.map((param) => param.name);

/** Words kept lower case inside a Title Case label. */
const SMALL_WORDS = new Set(['and', 'or', 'of', 'to', 'for', 'per', 'a', 'the']);

describe('the task catalogue', () => {
	it.each(Object.entries(PYTHON_TASKS))(
		'has %s with every parameter the Python SDK sends',
		(name, params) => {
			expect(paramNames(name)).toEqual(expect.arrayContaining(params));
		},
	);

	it('fixes the Python quirks: rounded_corners, not round_corners; fallback by handle, not file', () => {
		expect(getTask('round_corners')).toBeUndefined();
		expect(getTask('rounded_corners')).toBeDefined();
		expect(paramNames('fallback')).not.toContain('file');
	});

	it.each(EXTRA_TASKS)('has %s', (name) => {
		expect(getTask(name)).toBeDefined();
	});

	it('lists nothing but those tasks', () => {
		expect(TASKS.map((task) => task.name).sort()).toEqual(
			[...Object.keys(PYTHON_TASKS), ...EXTRA_TASKS].sort(),
		);
	});

	it('has unique task names, and unique parameter names and aliases in each task', () => {
		expect(new Set(TASKS.map((task) => task.name)).size).toBe(TASKS.length);
		for (const task of TASKS) {
			const names = task.params.flatMap((param) => [param.name, ...(param.aliases ?? [])]);
			expect({ task: task.name, unique: new Set(names).size }).toEqual({
				task: task.name,
				unique: names.length,
			});
		}
	});

	it('uses URL-safe names: lower case letters, digits and underscores', () => {
		for (const task of TASKS) {
			expect(task.name).toMatch(/^[a-z][a-z0-9_]*$/);
			for (const param of task.params)
				expect(`${task.name}.${param.name}`).toMatch(/^[a-z_0-9]+\.[a-z][a-z0-9_]*$/);
		}
	});

	it('puts every task in a known group, and every group has tasks', () => {
		const groups = TASK_GROUPS.map((group) => group.name);
		for (const task of TASKS) expect(groups).toContain(task.group);
		for (const group of groups) expect(TASKS.some((task) => task.group === group)).toBe(true);
	});

	it('writes labels in Title Case and descriptions in sentence case, booleans starting with "Whether"', () => {
		const titleCase = (label: string) =>
			label
				.split(' ')
				.every((word, index) => /^[A-Z0-9]/.test(word) || (index > 0 && SMALL_WORDS.has(word)));
		const labels = [
			...TASK_GROUPS.map((group) => group.label),
			...TASKS.flatMap((task) => [task.label, ...task.params.map((param) => param.label)]),
		];
		expect(labels.filter((label) => !titleCase(label))).toEqual([]);

		const texts = TASKS.flatMap((task) => [
			{ name: task.name, description: task.description, boolean: false },
			...task.params.map((param) => ({
				name: `${task.name}.${param.name}`,
				description: param.description,
				boolean: param.type === 'boolean',
			})),
		]);
		const sentence = /^[A-Z][^\n]*[^.\s]$/;
		expect(
			texts.filter(({ description }) => !sentence.test(description)).map(({ name }) => name),
		).toEqual([]);
		expect(
			texts
				.filter((text) => text.boolean !== text.description.startsWith('Whether '))
				.map(({ name }) => name),
		).toEqual([]);
	});

	it('names existing parameters in requireOneOf, and gives defaults that fit their own shape', () => {
		for (const task of TASKS) {
			for (const required of task.requireOneOf ?? [])
				expect(paramNames(task.name)).toContain(required);
			const misfits = task.params.filter(
				(param) => param.default !== undefined && !fits(param, param.default),
			);
			expect(misfits.map((param) => `${task.name}.${param.name}`)).toEqual([]);
		}
	});

	it("gives video_convert the presets and ranges of Filestack's docs", () => {
		const param = (name: string) =>
			getTask('video_convert')?.params.find((candidate) => candidate.name === name);
		expect(param('preset')).toMatchObject({
			type: 'enum',
			values: [
				'h264',
				'h264.hi',
				'webm',
				'webm.hi',
				'ogg',
				'ogg.hi',
				'hls.variant',
				'mp3',
				'oga',
				'm4a',
				'aac',
				'hls.variant.audio',
			],
		});
		expect(param('width')).toMatchObject({ min: 1, max: 4096 });
		expect(param('aspect_mode')).toMatchObject({
			values: ['letterbox', 'pad', 'crop', 'preserve', 'constrain'],
		});
		expect(param('video_bitrate')).toMatchObject({ min: 1, max: 5000 });
		expect(param('fps')).toMatchObject({ min: 1, max: 300 });
		expect(param('audio_bitrate')).toMatchObject({ min: 1, max: 999 });
		expect(param('audio_sample_rate')).toMatchObject({ min: 1, max: 99999 });
		expect(param('audio_channels')).toMatchObject({ min: 1, max: 12 });
		expect(param('watermark_top')).toMatchObject({ min: 0, max: 9999 });
		expect(param('access')).toMatchObject({ values: ['public', 'private'], default: 'public' });
	});

	it('finds tasks by name and nothing else', () => {
		expect(getTask('resize')?.label).toBe('Resize');
		expect(getTask('nope')).toBeUndefined();
		expect(getTask('toString')).toBeUndefined();
	});
});

/** Whether a documented default fits the parameter's shape (the shapes themselves are exercised in url.test.ts). */
function fits(shape: ValueShape | ParamSpec, value: unknown): boolean {
	switch (shape.type) {
		case 'integer':
		case 'number':
			return (
				typeof value === 'number' &&
				(shape.type === 'number' || Number.isInteger(value)) &&
				value >= (shape.min ?? -Infinity) &&
				value <= (shape.max ?? Infinity)
			);
		case 'boolean':
			return typeof value === 'boolean';
		case 'enum':
			return typeof value === 'string' && shape.values.includes(value);
		case 'tuple':
			return (
				Array.isArray(value) &&
				value.length === shape.items.length &&
				shape.items.every((item, i) => fits(item, value[i]))
			);
		case 'oneOf':
			return shape.options.some((option) => fits(option, value));
		default:
			return typeof value === 'string';
	}
}
