/**
 * Every transformation task the package knows, with typed parameters. This one table feeds the validator and
 * URL builder (url.ts) and the n8n UI, so adding a task is adding a row.
 */

export type TaskGroup =
	| 'image'
	| 'faces'
	| 'conversion'
	| 'document'
	| 'intelligence'
	| 'video'
	| 'storage'
	| 'web';

export const TASK_GROUPS: ReadonlyArray<{ name: TaskGroup; label: string }> = [
	{ name: 'image', label: 'Image Editing' },
	{ name: 'faces', label: 'Faces' },
	{ name: 'conversion', label: 'Conversion and Delivery' },
	{ name: 'document', label: 'Documents' },
	{ name: 'intelligence', label: 'Intelligence' },
	{ name: 'video', label: 'Audio and Video' },
	{ name: 'storage', label: 'Storage and Workflows' },
	{ name: 'web', label: 'Web' },
];

/** What a parameter accepts. A validator and a UI generator can switch on `type`. */
export type ValueShape =
	| NumberShape
	| BooleanShape
	| StringShape
	| EnumShape
	| ColorShape
	| HandleOrUrlShape
	| ListShape
	| TupleShape
	| OneOfShape;

export interface NumberShape {
	type: 'integer' | 'number';
	min?: number;
	max?: number;
}

export interface BooleanShape {
	type: 'boolean';
	/** The task's own switch: false is written alone, `cache=false`, and true is the task's default. */
	switchesTask?: true;
}

export interface StringShape {
	type: 'string';
	pattern?: RegExp;
	/** A value that matches `pattern`, shown in messages and placeholders. */
	example?: string;
	/** Always written in double quotes in the URL (the `path` of `store`). */
	alwaysQuoted?: true;
}

export interface EnumShape {
	type: 'enum';
	values: readonly string[];
}

/** A color name (`red`, `gray50`) or a hex code of 3, 6 or 8 digits without `#` (RRGGBB or AARRGGBB). */
export interface ColorShape {
	type: 'color';
}

/** A Filestack handle, an `http(s)://` URL or a storage alias `src://…`. */
export interface HandleOrUrlShape {
	type: 'handleOrUrl';
}

export interface ListShape {
	type: 'list';
	items: ValueShape;
	minItems?: number;
	maxItems?: number;
}

/** A list of fixed length whose items have their own shapes, such as `[x,y,width,height]`. */
export interface TupleShape {
	type: 'tuple';
	items: readonly ValueShape[];
	example: string;
}

/** Any of several shapes, tried in order (`all`, a number, or a list of numbers). */
export interface OneOfShape {
	type: 'oneOf';
	options: readonly ValueShape[];
}

export type ParamValue = string | number | boolean | readonly ParamValue[];

export type ParamSpec = ValueShape & {
	/** The name in the URL. */
	name: string;
	/** Title Case, for the UI. */
	label: string;
	/** Sentence case, for the UI and for AI agents; booleans start with "Whether". */
	description: string;
	/** Filestack's documented default, for the UI only: the URL leaves out what is not given. */
	default?: ParamValue;
	required?: true;
	/** Short names Filestack's docs also accept (`w` for `width`). */
	aliases?: readonly string[];
};

export interface TaskSpec {
	/** The name in the URL. */
	name: string;
	label: string;
	description: string;
	group: TaskGroup;
	params: readonly ParamSpec[];
	/** At least one of these parameters must be given. */
	requireOneOf?: readonly string[];
	/** What a request on a URL ending with this task answers: the transformed file, or a JSON document. */
	responds: 'file' | 'json';
}

const COLOR: ColorShape = { type: 'color' };
const BOOLEAN: BooleanShape = { type: 'boolean' };
const TEXT: StringShape = { type: 'string' };
const HANDLE_OR_URL: HandleOrUrlShape = { type: 'handleOrUrl' };

const integer = (min?: number, max?: number): NumberShape => ({ type: 'integer', min, max });
const decimal = (min?: number, max?: number): NumberShape => ({ type: 'number', min, max });
const oneOf = (...values: string[]): EnumShape => ({ type: 'enum', values });

const VERTICAL = oneOf('top', 'middle', 'bottom');
const HORIZONTAL = oneOf('left', 'center', 'right');
const POSITION: OneOfShape = {
	type: 'oneOf',
	options: [
		oneOf('top', 'middle', 'bottom', 'left', 'center', 'right'),
		{ type: 'tuple', items: [VERTICAL, HORIZONTAL], example: '[top,left]' },
	],
};
const ALIGN: OneOfShape = {
	type: 'oneOf',
	options: [
		oneOf('top', 'middle', 'bottom', 'left', 'center', 'right', 'faces'),
		{ type: 'tuple', items: [VERTICAL, HORIZONTAL], example: '[top,left]' },
	],
};
const FACE_INDEX = integer(1, 1000);
const FACES: OneOfShape = {
	type: 'oneOf',
	options: [oneOf('all'), FACE_INDEX, { type: 'list', items: FACE_INDEX, minItems: 1 }],
};
const FACE_SIZE = decimal(0, 10000);
const PAGES: ListShape = {
	type: 'list',
	minItems: 1,
	items: {
		type: 'oneOf',
		options: [integer(1), { type: 'string', pattern: /^(\d+-\d+|\d+-|-\d+)$/, example: '2-5' }],
	},
};
const BOX: TupleShape = {
	type: 'tuple',
	items: [integer(0, 10000), integer(0, 10000), integer(1, 10000), integer(1, 10000)],
	example: '[x,y,width,height]',
};
const OBJECTS: ListShape = { type: 'list', items: BOX, minItems: 1, maxItems: 50 };
/** Crop works on larger images than the face and object tasks. */
const CROP_BOX: TupleShape = {
	type: 'tuple',
	items: [integer(0, 100000), integer(0, 100000), integer(1, 100000), integer(1, 100000)],
	example: '[x,y,width,height]',
};
const PAGE_FORMAT = oneOf('a2', 'a3', 'a4', 'a5', 'b4', 'b5', 'letter', 'legal', 'tabloid');
const PAGE_ORIENTATION = oneOf('portrait', 'landscape');
const STORAGE_LOCATION = oneOf('S3', 'gcs', 'azure', 'rackspace', 'dropbox');
const ACCESS = oneOf('public', 'private');
/** `HH:MM:SS`, `MM:SS` or seconds, optionally with a fraction. */
const TIME: StringShape = {
	type: 'string',
	pattern: /^\d{1,2}(:[0-5]?\d){0,2}(\.\d+)?$/,
	example: '00:01:30',
};
const REGION: StringShape = {
	type: 'string',
	pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
	example: 'us-east-1',
};

const background = (what = 'the image'): ParamSpec => ({
	name: 'background',
	label: 'Background',
	description: `Color behind ${what}, as a name or hex code (e.g. white, FFFFFF)`,
	...COLOR,
});

const faceSizes: ParamSpec[] = [
	{
		name: 'minsize',
		label: 'Min Size',
		description: 'Smallest face to consider: a ratio of the image (0 to 1) or pixels',
		...FACE_SIZE,
		default: 0.35,
	},
	{
		name: 'maxsize',
		label: 'Max Size',
		description: 'Largest face to consider: a ratio of the image (0 to 1) or pixels',
		...FACE_SIZE,
		default: 0.35,
	},
];

const faceBuffer: ParamSpec = {
	name: 'buffer',
	label: 'Buffer',
	description: 'Pixels added around each face',
	...integer(0, 10000),
};

// prettier-ignore
const obscureParams = (amountDefault: number, amountShape: NumberShape): ParamSpec[] => [
	{ name: 'amount', label: 'Amount', description: 'Strength of the effect', ...amountShape, default: amountDefault },
	{ name: 'blur', label: 'Blur', description: 'Blur of the edges of each area', ...decimal(0, 20), default: 4 },
	{ name: 'type', label: 'Type', description: 'Shape of each area', ...oneOf('rect', 'oval'), default: 'rect' },
];

/** Where a result is stored. Only `store` has the short aliases, and it always quotes its path like the Python SDK. */
// prettier-ignore
const storeParams = (accessDefault: 'public' | 'private', isStoreTask: boolean): ParamSpec[] => [
	{ name: 'filename', label: 'Filename', description: 'Name of the stored file', ...TEXT, ...(isStoreTask && { aliases: ['f'] }) },
	{
		name: 'location',
		label: 'Location',
		description: 'Storage provider to store the file in',
		...STORAGE_LOCATION,
		default: 'S3',
		...(isStoreTask && { aliases: ['l'] }),
	},
	{
		name: 'path',
		label: 'Path',
		description: 'Path (key prefix) in the storage, e.g. folder/ or folder/name.jpg',
		...TEXT,
		...(isStoreTask && { alwaysQuoted: true as const, aliases: ['p'] }),
	},
	{ name: 'container', label: 'Container', description: 'Bucket or container name in the storage', ...TEXT },
	{ name: 'access', label: 'Access', description: 'Who may read the stored file: anyone with its URL (public) or only signed requests (private)', ...ACCESS, default: accessDefault },
];

// prettier-ignore
export const TASKS: readonly TaskSpec[] = [
	// Image editing
	{
		name: 'resize',
		label: 'Resize',
		description: 'Resize the image to a width and/or height',
		group: 'image',
		responds: 'file',
		requireOneOf: ['width', 'height'],
		params: [
			{ name: 'width', label: 'Width', description: 'Target width in pixels', ...integer(1, 10000), aliases: ['w'] },
			{ name: 'height', label: 'Height', description: 'Target height in pixels', ...integer(1, 10000), aliases: ['h'] },
			{
				name: 'fit',
				label: 'Fit',
				description: 'How the image fits the box: clip keeps proportions, crop fills and cuts, scale stretches, max never enlarges',
				...oneOf('clip', 'crop', 'scale', 'max'),
				default: 'clip',
				aliases: ['f'],
			},
			{
				name: 'align',
				label: 'Align',
				description: 'Which part to keep when cropping: a side, faces, or a pair like [top,left]',
				...ALIGN,
				default: 'center',
				aliases: ['a'],
			},
		],
	},
	{
		name: 'crop',
		label: 'Crop',
		description: 'Cut out a rectangle of the image',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'dim',
				label: 'Dimensions',
				description: 'The rectangle as [x,y,width,height] in pixels from the top left corner',
				...CROP_BOX,
				required: true,
				aliases: ['d'],
			},
		],
	},
	{
		name: 'rotate',
		label: 'Rotate',
		description: 'Rotate the image by some degrees, or as its EXIF orientation says',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'deg',
				label: 'Degrees',
				description: 'Clockwise rotation from 0 to 359, or exif to follow the EXIF orientation',
				type: 'oneOf',
				options: [integer(0, 359), oneOf('exif')],
			},
			{ name: 'exif', label: 'Reset EXIF', description: 'Whether to reset the EXIF orientation flag after rotating', ...BOOLEAN },
			background('the rotated image'),
		],
	},
	{ name: 'flip', label: 'Flip', description: 'Mirror the image vertically', group: 'image', responds: 'file', params: [] },
	{ name: 'flop', label: 'Flop', description: 'Mirror the image horizontally', group: 'image', responds: 'file', params: [] },
	{
		name: 'watermark',
		label: 'Watermark',
		description: 'Lay another image over this one',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'file', label: 'File', description: 'Handle or URL of the watermark image', ...HANDLE_OR_URL, required: true },
			{ name: 'size', label: 'Size', description: 'Size of the watermark in percent of the image', ...integer(1, 500) },
			{
				name: 'position',
				label: 'Position',
				description: 'Where to put the watermark: a side, or a pair like [top,left]',
				...POSITION,
				default: 'center',
			},
		],
	},
	{
		name: 'rounded_corners',
		label: 'Rounded Corners',
		description: 'Round the corners of the image',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'radius',
				label: 'Radius',
				description: 'Corner radius in pixels, or max for a full curve',
				type: 'oneOf',
				options: [integer(1, 10000), oneOf('max')],
			},
			{ name: 'blur', label: 'Blur', description: 'Blur of the rounded edge', ...decimal(0, 20), default: 0.3 },
			background('the corners'),
		],
	},
	{
		name: 'vignette',
		label: 'Vignette',
		description: 'Fade the edges of the image',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'amount', label: 'Amount', description: 'Strength of the vignette in percent', ...integer(0, 100), default: 20 },
			{ name: 'blurmode', label: 'Blur Mode', description: 'Blur algorithm', ...oneOf('gaussian', 'linear'), default: 'gaussian' },
			background('the faded edges'),
		],
	},
	{
		name: 'polaroid',
		label: 'Polaroid',
		description: 'Frame the image like a Polaroid photo',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'color', label: 'Color', description: 'Color of the frame', ...COLOR, default: 'snow' },
			{ name: 'rotate', label: 'Rotate', description: 'Rotation of the photo in degrees', ...integer(0, 359) },
			background('the photo'),
		],
	},
	{
		name: 'torn_edges',
		label: 'Torn Edges',
		description: 'Make the edges of the image look torn',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'spread',
				label: 'Spread',
				description: 'How far the tearing reaches, as [min,max] in pixels',
				type: 'tuple',
				items: [integer(1, 10000), integer(1, 10000)],
				example: '[1,10]',
				default: [1, 10],
			},
			background('the torn edges'),
		],
	},
	{
		name: 'shadow',
		label: 'Shadow',
		description: 'Drop a shadow behind the image',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'blur', label: 'Blur', description: 'Softness of the shadow', ...decimal(0, 20) },
			{ name: 'opacity', label: 'Opacity', description: 'Opacity of the shadow in percent', ...integer(0, 100), default: 60 },
			{
				name: 'vector',
				label: 'Vector',
				description: 'Offset of the shadow as [x,y] in pixels',
				type: 'tuple',
				items: [integer(-1000, 1000), integer(-1000, 1000)],
				example: '[4,4]',
				default: [4, 4],
			},
			{ name: 'color', label: 'Color', description: 'Color of the shadow', ...COLOR },
			background('the shadow'),
		],
	},
	{
		name: 'circle',
		label: 'Circle',
		description: 'Cut the image into a circle',
		group: 'image',
		responds: 'file',
		params: [background('the circle')],
	},
	{
		name: 'border',
		label: 'Border',
		description: 'Draw a border around the image',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'width', label: 'Width', description: 'Width of the border in pixels', ...integer(1, 1000) },
			{ name: 'color', label: 'Color', description: 'Color of the border', ...COLOR },
			background('the border'),
		],
	},
	{
		name: 'sharpen',
		label: 'Sharpen',
		description: 'Sharpen the image',
		group: 'image',
		responds: 'file',
		params: [{ name: 'amount', label: 'Amount', description: 'Strength of the sharpening', ...integer(0, 20), default: 2 }],
	},
	{
		name: 'blur',
		label: 'Blur',
		description: 'Blur the whole image',
		group: 'image',
		responds: 'file',
		params: [{ name: 'amount', label: 'Amount', description: 'Strength of the blur', ...integer(0, 20), default: 2 }],
	},
	{ name: 'monochrome', label: 'Monochrome', description: 'Turn the image into shades of gray', group: 'image', responds: 'file', params: [] },
	{
		name: 'blackwhite',
		label: 'Black and White',
		description: 'Turn the image into pure black and white',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'threshold',
				label: 'Threshold',
				description: 'Brightness in percent above which a pixel turns white',
				...integer(0, 100),
				default: 50,
			},
		],
	},
	{
		name: 'sepia',
		label: 'Sepia',
		description: 'Give the image a sepia tone',
		group: 'image',
		responds: 'file',
		params: [{ name: 'tone', label: 'Tone', description: 'Strength of the sepia tone', ...integer(0, 100), default: 80 }],
	},
	{
		name: 'pixelate',
		label: 'Pixelate',
		description: 'Pixelate the whole image',
		group: 'image',
		responds: 'file',
		params: [{ name: 'amount', label: 'Amount', description: 'Size of the pixel blocks', ...integer(2, 100), default: 2 }],
	},
	{
		name: 'oil_paint',
		label: 'Oil Paint',
		description: 'Make the image look like an oil painting',
		group: 'image',
		responds: 'file',
		params: [{ name: 'amount', label: 'Amount', description: 'Strength of the effect', ...integer(2, 100), default: 2 }],
	},
	{ name: 'negative', label: 'Negative', description: 'Invert the colors of the image', group: 'image', responds: 'file', params: [] },
	{
		name: 'modulate',
		label: 'Modulate',
		description: 'Change the brightness, hue and saturation of the image',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'brightness', label: 'Brightness', description: 'Brightness in percent of the original', ...integer(0, 10000), default: 100 },
			{ name: 'hue', label: 'Hue', description: 'Hue rotation in degrees', ...integer(0, 359), default: 0 },
			{ name: 'saturation', label: 'Saturation', description: 'Saturation in percent of the original', ...integer(0, 10000), default: 100 },
		],
	},
	{
		name: 'partial_pixelate',
		label: 'Partial Pixelate',
		description: 'Pixelate chosen rectangles of the image',
		group: 'image',
		responds: 'file',
		params: [
			...obscureParams(10, integer(2, 100)),
			{
				name: 'objects',
				label: 'Objects',
				description: 'Areas to pixelate, a list of [x,y,width,height] boxes (up to 50)',
				...OBJECTS,
				required: true,
			},
		],
	},
	{
		name: 'partial_blur',
		label: 'Partial Blur',
		description: 'Blur chosen rectangles of the image',
		group: 'image',
		responds: 'file',
		params: [
			...obscureParams(10, decimal(0, 20)),
			{
				name: 'objects',
				label: 'Objects',
				description: 'Areas to blur, a list of [x,y,width,height] boxes (up to 50)',
				...OBJECTS,
				required: true,
			},
		],
	},
	{
		name: 'collage',
		label: 'Collage',
		description: 'Arrange this image and other files into one collage',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'files',
				label: 'Files',
				description: 'Handles or URLs of the other images',
				type: 'list',
				items: HANDLE_OR_URL,
				minItems: 1,
				required: true,
			},
			{ name: 'width', label: 'Width', description: 'Width of the collage in pixels', ...integer(1, 10000), required: true },
			{ name: 'height', label: 'Height', description: 'Height of the collage in pixels', ...integer(1, 10000), required: true },
			{ name: 'margin', label: 'Margin', description: 'Space between the images in pixels', ...integer(1, 100), default: 10 },
			{ name: 'color', label: 'Color', description: 'Color of the margins', ...COLOR, default: 'white' },
			{ name: 'fit', label: 'Fit', description: 'How images fill their cells', ...oneOf('auto', 'crop'), default: 'auto' },
			{ name: 'autorotate', label: 'Autorotate', description: 'Whether to rotate images to fit their cells better', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'upscale',
		label: 'Upscale',
		description: 'Enlarge the image with super-resolution and reduce its noise',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'upscale', label: 'Upscale', description: 'Whether to double the resolution', ...BOOLEAN, default: true },
			{ name: 'noise', label: 'Noise Reduction', description: 'How much noise to remove', ...oneOf('none', 'low', 'medium', 'high'), default: 'none' },
			{ name: 'style', label: 'Style', description: 'Kind of image, for the best result', ...oneOf('photo', 'artwork'), default: 'photo' },
		],
	},
	{
		name: 'enhance',
		label: 'Enhance',
		description: 'Improve the colors, lighting and sharpness of a photo automatically',
		group: 'image',
		responds: 'file',
		params: [
			{
				name: 'preset',
				label: 'Preset',
				description: 'A preset for a kind of photo; leave empty for automatic',
				...oneOf('auto', 'vivid', 'beautify', 'beautify_plus', 'fix_dark', 'fix_noise', 'fix_tint', 'outdoor', 'fireworks'),
			},
		],
	},
	{ name: 'redeye', label: 'Red-Eye Removal', description: 'Remove red eyes from a photo', group: 'image', responds: 'file', params: [] },
	{
		name: 'ascii',
		label: 'ASCII Art',
		description: 'Turn the image into ASCII art (an HTML page)',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'background', label: 'Background', description: 'Background color of the page', ...COLOR, default: 'white' },
			{ name: 'foreground', label: 'Foreground', description: 'Color of the characters', ...COLOR, default: 'black' },
			{ name: 'colored', label: 'Colored', description: 'Whether characters take the colors of the image', ...BOOLEAN, default: false },
			{ name: 'size', label: 'Size', description: 'Width of the art in characters', ...integer(10, 100), default: 100 },
			{ name: 'reverse', label: 'Reverse', description: 'Whether to swap dark and light characters', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'smart_crop',
		label: 'Smart Crop',
		description: 'Crop the image around its most important content to a given size',
		group: 'image',
		responds: 'file',
		requireOneOf: ['width', 'height'],
		params: [
			{ name: 'mode', label: 'Mode', description: 'What to keep: faces, or the main object', ...oneOf('face', 'auto') },
			{ name: 'width', label: 'Width', description: 'Width of the result in pixels', ...integer(1, 10000) },
			{ name: 'height', label: 'Height', description: 'Height of the result in pixels', ...integer(1, 10000) },
			{ name: 'fill_color', label: 'Fill Color', description: 'Color of any padding', ...COLOR },
			{ name: 'coords', label: 'Coordinates', description: 'Whether to answer the crop coordinates as JSON instead of the image', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'animate',
		label: 'Animate',
		description: 'Make an animated GIF from several images (use several sources)',
		group: 'image',
		responds: 'file',
		params: [
			{ name: 'delay', label: 'Delay', description: 'Time between frames in milliseconds', ...integer(0, 10000), default: 1000 },
			{ name: 'loop', label: 'Loop', description: 'How many times to play; 0 loops forever', ...integer(0, 1000), default: 0 },
			{ name: 'width', label: 'Width', description: 'Width of the frames in pixels', ...integer(1, 10000) },
			{ name: 'height', label: 'Height', description: 'Height of the frames in pixels', ...integer(1, 10000) },
			{ name: 'fit', label: 'Fit', description: 'How frames fit the size', ...oneOf('clip', 'crop', 'scale'), default: 'clip' },
			{ name: 'align', label: 'Align', description: 'Which part to keep when cropping', ...ALIGN, default: 'center' },
			background('the frames'),
		],
	},

	// Faces
	{
		name: 'detect_faces',
		label: 'Detect Faces',
		description: 'Find the faces in an image and outline them, or list their positions',
		group: 'faces',
		responds: 'file',
		params: [
			...faceSizes,
			{ name: 'color', label: 'Color', description: 'Color of the outlines', ...COLOR },
			{ name: 'export', label: 'Export', description: 'Whether to answer the face positions as JSON instead of the image', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'crop_faces',
		label: 'Crop Faces',
		description: 'Crop the image to one or more faces',
		group: 'faces',
		responds: 'file',
		params: [
			{ name: 'mode', label: 'Mode', description: 'How to crop: thumb frames the face, crop cuts it out exactly, fill fills the size', ...oneOf('thumb', 'crop', 'fill'), default: 'thumb' },
			{ name: 'width', label: 'Width', description: 'Width of the result in pixels', ...integer(1, 10000) },
			{ name: 'height', label: 'Height', description: 'Height of the result in pixels', ...integer(1, 10000) },
			{ name: 'faces', label: 'Faces', description: 'Which faces: all, a face number, or a list of face numbers', ...FACES, default: 1 },
			faceBuffer,
			...faceSizes,
		],
	},
	{
		name: 'pixelate_faces',
		label: 'Pixelate Faces',
		description: 'Pixelate the faces in the image',
		group: 'faces',
		responds: 'file',
		params: [
			{ name: 'faces', label: 'Faces', description: 'Which faces: all, a face number, or a list of face numbers', ...FACES, default: 'all' },
			...faceSizes,
			faceBuffer,
			...obscureParams(10, integer(2, 100)),
		],
	},
	{
		name: 'blur_faces',
		label: 'Blur Faces',
		description: 'Blur the faces in the image',
		group: 'faces',
		responds: 'file',
		params: [
			{ name: 'faces', label: 'Faces', description: 'Which faces: all, a face number, or a list of face numbers', ...FACES, default: 'all' },
			...faceSizes,
			faceBuffer,
			...obscureParams(10, decimal(0, 20)),
		],
	},

	// Conversion and delivery
	{
		name: 'output',
		label: 'Convert Format',
		description: 'Convert the file to another format (images, documents, PDF)',
		group: 'conversion',
		responds: 'file',
		params: [
			{
				name: 'format',
				label: 'Format',
				description: 'Target file format',
				...oneOf(
					'jpg', 'pjpg', 'png', 'webp', 'gif', 'tiff', 'bmp', 'ico', 'svg', 'pdf',
					'doc', 'docx', 'odt', 'html', 'txt', 'ppt', 'pptx', 'odp', 'xls', 'xlsx', 'ods',
				),
			},
			background('transparent areas'),
			{ name: 'page', label: 'Page', description: 'Page of a multi-page document to convert', ...integer(1, 99999) },
			{ name: 'density', label: 'Density', description: 'Resolution in DPI when turning documents into images', ...integer(1, 500) },
			{ name: 'compress', label: 'Compress', description: 'Whether to compress the result losslessly', ...BOOLEAN, default: false },
			{
				name: 'quality',
				label: 'Quality',
				description: 'JPEG or WEBP quality from 1 to 100, or input to keep the original quality',
				type: 'oneOf',
				options: [integer(1, 100), oneOf('input')],
			},
			{ name: 'strip', label: 'Strip Metadata', description: 'Whether to remove the image metadata', ...BOOLEAN, default: false },
			{ name: 'colorspace', label: 'Colorspace', description: 'Color model of the result', ...oneOf('rgb', 'cmyk', 'input'), default: 'rgb' },
			{ name: 'secure', label: 'Secure', description: 'Whether to remove scripts and links from SVG and documents', ...BOOLEAN, default: false },
			{ name: 'docinfo', label: 'Document Info', description: 'Whether to answer page count and dimensions as JSON instead of converting', ...BOOLEAN, default: false },
			{ name: 'pageformat', label: 'Page Format', description: 'Page size when converting to PDF', ...PAGE_FORMAT },
			{ name: 'pageorientation', label: 'Page Orientation', description: 'Page orientation when converting to PDF', ...PAGE_ORIENTATION },
		],
	},
	{
		name: 'quality',
		label: 'Quality',
		description: 'Recompress a JPEG or WEBP image at a given quality',
		group: 'conversion',
		responds: 'file',
		params: [{ name: 'value', label: 'Value', description: 'Quality from 1 to 100', ...integer(1, 100), required: true }],
	},
	{
		name: 'compress',
		label: 'Compress',
		description: 'Compress the image without visible loss',
		group: 'conversion',
		responds: 'file',
		params: [{ name: 'metadata', label: 'Keep Metadata', description: 'Whether to keep the image metadata', ...BOOLEAN, default: false }],
	},
	{
		name: 'pjpg',
		label: 'Progressive JPEG',
		description: 'Convert the image to a progressive JPEG',
		group: 'conversion',
		responds: 'file',
		params: [
			{ name: 'quality', label: 'Quality', description: 'JPEG quality from 1 to 100', ...integer(1, 100) },
			{ name: 'metadata', label: 'Keep Metadata', description: 'Whether to keep the image metadata', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'auto_image',
		label: 'Auto Image',
		description: 'Deliver the image in the best format the browser supports',
		group: 'conversion',
		responds: 'file',
		params: [],
	},
	{ name: 'no_metadata', label: 'No Metadata', description: 'Remove the metadata of the image', group: 'conversion', responds: 'file', params: [] },
	{
		name: 'cache',
		label: 'Cache',
		description: 'Set how long the CDN caches the result, or turn its caching off',
		group: 'conversion',
		responds: 'file',
		params: [
			{
				name: 'cache',
				label: 'Cache',
				description:
					'Whether the CDN caches the result; off, every request processes it anew and counts against the conversion quota',
				...BOOLEAN,
				switchesTask: true,
				default: true,
			},
			{
				name: 'expiry',
				label: 'Expiry',
				description: 'Cache time in seconds, or max for one year',
				type: 'oneOf',
				options: [integer(1, 31536000), oneOf('max')],
				aliases: ['e'],
			},
		],
	},
	{
		name: 'fallback',
		label: 'Fallback',
		description: 'Serve another file when this one cannot be processed',
		group: 'conversion',
		responds: 'file',
		params: [
			{ name: 'handle', label: 'Handle', description: 'Handle or URL of the file to serve instead', ...HANDLE_OR_URL, required: true },
			{ name: 'cache', label: 'Cache', description: 'How long the fallback is cached, in seconds', ...integer(1, 31536000) },
		],
	},
	{
		name: 'zip',
		label: 'ZIP',
		description: 'Pack the source files into one ZIP archive',
		group: 'conversion',
		responds: 'file',
		params: [],
	},

	// Documents
	{
		name: 'pdfinfo',
		label: 'PDF Info',
		description: 'Read the page count and page sizes of a PDF',
		group: 'document',
		responds: 'json',
		params: [{ name: 'colorinfo', label: 'Color Info', description: 'Whether to also report the colors used on each page', ...BOOLEAN, default: false }],
	},
	{
		name: 'pdfconvert',
		label: 'PDF Convert',
		description: 'Change the page format or orientation of a PDF, or keep only some pages',
		group: 'document',
		responds: 'file',
		requireOneOf: ['pageorientation', 'pageformat', 'pages', 'metadata'],
		params: [
			{ name: 'pageorientation', label: 'Page Orientation', description: 'New page orientation', ...PAGE_ORIENTATION },
			{ name: 'pageformat', label: 'Page Format', description: 'New page size', ...PAGE_FORMAT },
			{ name: 'pages', label: 'Pages', description: 'Pages to keep: numbers and ranges like [1,3-5,8-]', ...PAGES },
			{ name: 'metadata', label: 'Metadata', description: 'Whether to answer the PDF metadata as JSON', ...BOOLEAN },
		],
	},
	{
		name: 'doc_to_images',
		label: 'Document to Images',
		description: 'Turn the pages of a document into images',
		group: 'document',
		responds: 'json',
		params: [
			{ name: 'pages', label: 'Pages', description: 'Pages to convert: numbers and ranges like [1,3-5,8-]', ...PAGES },
			{ name: 'engine', label: 'Engine', description: 'Rendering engine', ...oneOf('imagemagick', 'mupdf') },
			{ name: 'format', label: 'Format', description: 'Image format of the pages', ...oneOf('png', 'jpg') },
			{ name: 'quality', label: 'Quality', description: 'JPEG quality from 1 to 100', ...integer(1, 100) },
			{ name: 'density', label: 'Density', description: 'Resolution in DPI', ...integer(1, 500) },
			{ name: 'hidden_slides', label: 'Hidden Slides', description: 'Whether to include hidden presentation slides', ...BOOLEAN, default: false },
		],
	},
	{
		name: 'pdfcreate',
		label: 'Create PDF',
		description: 'Merge several documents or images into one PDF (use several sources)',
		group: 'document',
		responds: 'file',
		params: [{ name: 'engine', label: 'Engine', description: 'Rendering engine, e.g. mupdf', ...TEXT }],
	},
	{
		name: 'minify_css',
		label: 'Minify CSS',
		description: 'Minify a CSS file',
		group: 'web',
		responds: 'file',
		params: [
			{ name: 'level', label: 'Level', description: 'Optimization level: 1 is safe, 2 restructures rules', ...integer(1, 2) },
			{ name: 'gzip', label: 'Gzip', description: 'Whether to gzip the result', ...BOOLEAN },
		],
	},
	{
		name: 'minify_js',
		label: 'Minify JavaScript',
		description: 'Minify and transpile a JavaScript file',
		group: 'web',
		responds: 'file',
		params: [
			{ name: 'gzip', label: 'Gzip', description: 'Whether to gzip the result', ...BOOLEAN },
			{ name: 'use_babel_polyfill', label: 'Use Babel Polyfill', description: 'Whether to add the Babel polyfill', ...BOOLEAN },
			{ name: 'keep_fn_name', label: 'Keep Function Names', description: 'Whether to keep function names', ...BOOLEAN },
			{ name: 'keep_class_name', label: 'Keep Class Names', description: 'Whether to keep class names', ...BOOLEAN },
			{ name: 'mangle', label: 'Mangle', description: 'Whether to shorten variable names', ...BOOLEAN },
			{ name: 'merge_vars', label: 'Merge Variables', description: 'Whether to merge variables', ...BOOLEAN },
			{ name: 'remove_console', label: 'Remove Console', description: 'Whether to remove console calls', ...BOOLEAN },
			{ name: 'remove_undefined', label: 'Remove Undefined', description: 'Whether to remove undefined assignments', ...BOOLEAN },
			{ name: 'targets', label: 'Targets', description: 'Browserslist query of the browsers to support, e.g. > 1%, not dead', ...TEXT },
		],
	},
	{
		name: 'urlscreenshot',
		label: 'URL Screenshot',
		description: 'Take a screenshot of the web page at the source URL',
		group: 'web',
		responds: 'file',
		params: [
			{ name: 'agent', label: 'Agent', description: 'Browser to emulate', ...oneOf('desktop', 'mobile'), default: 'desktop' },
			{ name: 'mode', label: 'Mode', description: 'Capture the whole page or only the window', ...oneOf('all', 'window'), default: 'all' },
			{ name: 'width', label: 'Width', description: 'Window width in pixels', ...integer(1, 1920), default: 1024 },
			{ name: 'height', label: 'Height', description: 'Window height in pixels', ...integer(1, 8000), default: 768 },
			{ name: 'delay', label: 'Delay', description: 'Wait before the screenshot, in milliseconds', ...integer(0, 20000), default: 1000 },
			{ name: 'orientation', label: 'Orientation', description: 'Orientation of the emulated device', ...PAGE_ORIENTATION, default: 'portrait' },
			{ name: 'device', label: 'Device', description: 'Name of a device to emulate, e.g. iPhone X', ...TEXT },
		],
	},

	// Intelligence
	{ name: 'tags', label: 'Tags', description: 'Detect what the image shows, as labels with confidence', group: 'intelligence', responds: 'json', params: [] },
	{ name: 'sfw', label: 'Safe for Work', description: 'Check whether the image is safe for work', group: 'intelligence', responds: 'json', params: [] },
	{ name: 'ocr', label: 'OCR', description: 'Read the text in an image or document', group: 'intelligence', responds: 'json', params: [] },
	{
		name: 'doc_detection',
		label: 'Document Detection',
		description: 'Find a document in a photo and straighten it',
		group: 'intelligence',
		responds: 'file',
		params: [
			{ name: 'coords', label: 'Coordinates', description: 'Whether to answer the document corners as JSON instead of the image', ...BOOLEAN, default: false },
			{ name: 'preprocess', label: 'Preprocess', description: 'Whether to enhance the image for reading', ...BOOLEAN, default: true },
		],
	},
	{ name: 'imagesize', label: 'Image Size', description: 'Read the width and height of the image', group: 'intelligence', responds: 'json', params: [] },
	{
		name: 'metadata',
		label: 'Metadata',
		description: 'Read metadata of the file',
		group: 'intelligence',
		responds: 'json',
		params: [
			{
				name: 'params',
				label: 'Attributes',
				description: 'Attributes to return; leave empty for the defaults',
				type: 'list',
				minItems: 1,
				items: oneOf(
					'filename', 'mimetype', 'size', 'width', 'height', 'uploaded', 'writeable', 'cloud', 'source_url',
					'location', 'path', 'container', 'exif', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512',
				),
			},
		],
	},

	// Audio and video
	{
		name: 'video_convert',
		label: 'Convert Audio or Video',
		description: 'Convert audio or video; answers a job status to poll until the result is ready',
		group: 'video',
		responds: 'json',
		params: [
			{
				name: 'preset',
				label: 'Preset',
				description: 'Target format and quality',
				...oneOf('h264', 'h264.hi', 'webm', 'webm.hi', 'ogg', 'ogg.hi', 'hls.variant', 'mp3', 'oga', 'm4a', 'aac', 'hls.variant.audio'),
				aliases: ['p'],
			},
			{ name: 'force', label: 'Force', description: 'Whether to convert again even if a result exists', ...BOOLEAN, default: false },
			{ name: 'width', label: 'Width', description: 'Video width in pixels', ...integer(1, 4096) },
			{ name: 'height', label: 'Height', description: 'Video height in pixels', ...integer(1, 4096) },
			{ name: 'upscale', label: 'Upscale', description: 'Whether to enlarge videos smaller than the size', ...BOOLEAN },
			{
				name: 'aspect_mode',
				label: 'Aspect Mode',
				description: 'How to keep the aspect ratio when resizing',
				...oneOf('letterbox', 'pad', 'crop', 'preserve', 'constrain'),
				default: 'letterbox',
			},
			{ name: 'two_pass', label: 'Two Pass', description: 'Whether to encode in two passes for better quality', ...BOOLEAN, default: false },
			{ name: 'video_bitrate', label: 'Video Bitrate', description: 'Video bitrate in kbit/s', ...integer(1, 5000) },
			{ name: 'fps', label: 'Frames per Second', description: 'Frame rate', ...integer(1, 300) },
			{ name: 'keyframe_interval', label: 'Keyframe Interval', description: 'Frames between keyframes', ...integer(1), default: 250 },
			{ name: 'audio_codec', label: 'Audio Codec', description: 'Audio codec, e.g. aac or mp3', ...TEXT },
			{ name: 'audio_bitrate', label: 'Audio Bitrate', description: 'Audio bitrate in kbit/s', ...integer(1, 999) },
			{ name: 'audio_sample_rate', label: 'Audio Sample Rate', description: 'Audio sample rate in Hz', ...integer(1, 99999) },
			{ name: 'audio_channels', label: 'Audio Channels', description: 'Number of audio channels', ...integer(1, 12) },
			{ name: 'clip_length', label: 'Clip Length', description: 'Length of the clip to keep, e.g. 00:00:30', ...TIME },
			{ name: 'clip_offset', label: 'Clip Offset', description: 'Where the clip starts, e.g. 00:01:00', ...TIME },
			{ name: 'frame_count', label: 'Frame Count', description: 'Number of thumbnail frames', ...integer(1) },
			{ name: 'watermark_url', label: 'Watermark', description: 'Handle or URL of a watermark image', ...HANDLE_OR_URL },
			{ name: 'watermark_top', label: 'Watermark Top', description: 'Distance of the watermark from the top in pixels', ...integer(0, 9999) },
			{ name: 'watermark_bottom', label: 'Watermark Bottom', description: 'Distance of the watermark from the bottom in pixels', ...integer(0, 9999) },
			{ name: 'watermark_left', label: 'Watermark Left', description: 'Distance of the watermark from the left in pixels', ...integer(0, 9999) },
			{ name: 'watermark_right', label: 'Watermark Right', description: 'Distance of the watermark from the right in pixels', ...integer(0, 9999) },
			{ name: 'watermark_width', label: 'Watermark Width', description: 'Width of the watermark in pixels', ...integer(1, 9999) },
			{ name: 'watermark_height', label: 'Watermark Height', description: 'Height of the watermark in pixels', ...integer(1, 9999) },
			{ name: 'title', label: 'Title', description: 'Title written into the file metadata', ...TEXT },
			{ name: 'extname', label: 'Extension', description: 'File extension of the result, e.g. .mp4', ...TEXT },
			...storeParams('public', false),
		],
	},

	// Storage and workflows
	{
		name: 'store',
		label: 'Store',
		description: 'Store the result in your storage and answer its new handle',
		group: 'storage',
		responds: 'json',
		params: [
			...storeParams('private', true),
			{ name: 'region', label: 'Region', description: 'Region of the bucket, e.g. us-east-1', ...REGION },
			{ name: 'base64decode', label: 'Base64 Decode', description: 'Whether the content is base64 to decode before storing', ...BOOLEAN, default: false },
			{
				name: 'workflows',
				label: 'Workflows',
				description: 'IDs of workflows to run on the stored file',
				type: 'list',
				items: TEXT,
				minItems: 1,
				maxItems: 20,
			},
		],
	},
	{
		name: 'run_workflow',
		label: 'Run Workflow',
		description: 'Run a workflow on the file; results arrive by webhook',
		group: 'storage',
		responds: 'json',
		params: [{ name: 'id', label: 'Workflow ID', description: 'ID of the workflow to run', ...TEXT, required: true }],
	},
];

const BY_NAME: ReadonlyMap<string, TaskSpec> = new Map(TASKS.map((task) => [task.name, task]));

/** The task of that URL name, or undefined. */
export function getTask(name: string): TaskSpec | undefined {
	return BY_NAME.get(name);
}
