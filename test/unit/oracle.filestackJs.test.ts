import { Filelink as JsFilelink, getSecurity, validateWebhookSignature } from 'filestack-js';

import { getTask, TASKS } from '../../nodes/Filestack/sdk/catalogue';
import { encodePolicy, Policy, Security, sign } from '../../nodes/Filestack/sdk/security';
import { Source, Task, transformationUrl } from '../../nodes/Filestack/sdk/url';
import { computeWebhookSignature, verifyWebhookSignature } from '../../nodes/Filestack/sdk/webhook';
import { Draw, Random, randomChain, randomHandle, randomText } from './randomChains';

/**
 * filestack-js (the official JS SDK, a devDependency pinned in package.json) as an independent oracle: a few
 * hundred seeded task chains are built by both SDKs and compared. docs/oracle.md lists every intended difference;
 * each has its own test at the end of this file, so the list cannot go stale.
 */

const CDN = 'https://cdn.filestackcontent.com';
const API_KEY = 'ORACLEAPIKEY';
const HANDLE = 'AAAAAAAAAAAAAAAAAAAA';
const CHAINS = 400;
const SEED = 20261207;

/** Catalogue task → the filestack-js Filelink method that adds it. */
const JS_METHODS: Record<string, string> = {
	resize: 'resize',
	crop: 'crop',
	rotate: 'rotate',
	flip: 'flip',
	flop: 'flop',
	watermark: 'watermark',
	rounded_corners: 'roundedCorners',
	vignette: 'vignette',
	polaroid: 'polaroid',
	torn_edges: 'tornEdges',
	shadow: 'shadow',
	circle: 'circle',
	border: 'border',
	sharpen: 'sharpen',
	blur: 'blur',
	monochrome: 'monochrome',
	blackwhite: 'blackwhite',
	sepia: 'sepia',
	pixelate: 'pixelate',
	oil_paint: 'oilPaint',
	negative: 'negative',
	modulate: 'modulate',
	partial_pixelate: 'partialPixelate',
	partial_blur: 'partialBlur',
	collage: 'collage',
	upscale: 'upscale',
	enhance: 'enhance',
	redeye: 'redeye',
	ascii: 'ascii',
	smart_crop: 'smartCrop',
	animate: 'animate',
	detect_faces: 'detectFaces',
	crop_faces: 'cropFaces',
	pixelate_faces: 'pixelateFaces',
	blur_faces: 'blurFaces',
	output: 'output',
	quality: 'quality',
	compress: 'compress',
	pjpg: 'pjpg',
	auto_image: 'autoImage',
	no_metadata: 'noMetadata',
	cache: 'cache',
	fallback: 'fallback',
	zip: 'zip',
	pdfinfo: 'PDFInfo',
	pdfconvert: 'PDFConvert',
	minify_css: 'minifyCss',
	minify_js: 'minifyJs',
	urlscreenshot: 'URLScreenshot',
	tags: 'tags',
	sfw: 'sfw',
	imagesize: 'imagesize',
	video_convert: 'videoConvert',
	store: 'store',
};

/** Catalogue tasks filestack-js cannot build, and why: left out of the comparison. */
const SKIPPED_TASKS: Record<string, string> = {
	doc_to_images: 'not in filestack-js (no method, no schema)',
	pdfcreate: 'not in filestack-js (no method, no schema)',
	ocr: 'not in filestack-js (no method, no schema)',
	doc_detection: 'not in filestack-js (no method, no schema)',
	run_workflow: 'not in filestack-js (no method, no schema)',
	metadata:
		'no method in filestack-js, and its schema refuses every parameter (`params` is not declared as a property)',
};

/** Catalogue parameters filestack-js's schema does not know (it refuses them): never drawn. */
const PARAMS_UNKNOWN_TO_JS = new Set([
	'pdfconvert.metadata',
	'video_convert.watermark_width',
	'video_convert.watermark_height',
	// Typed in filestack-js, but refused by its schema (a top-level `additionalProperties: false` beside `oneOf`).
	'compress.metadata',
	// filestack-js's smart_crop schema lacks `properties`, so it checks nothing; its typed params lack these two.
	'smart_crop.fill_color',
	'smart_crop.coords',
]);

/**
 * Where filestack-js's schema accepts less than the catalogue, values are drawn from what both accept (each
 * narrowing is shown below to be real); store's path is drawn where both write it alike (difference 5).
 */
const NARROWED: Record<string, Draw> = {
	'animate.width': (random) => random.int(1, 1800),
	'animate.height': (random) => random.int(1, 1800),
	'blur_faces.amount': (random) => random.int(0, 10),
	'cache.expiry': (random) => random.int(1, 31536000),
	'output.format': (random) =>
		random.pick(['jpg', 'pjpg', 'png', 'webp', 'svg', 'pdf', 'doc', 'docx', 'txt', 'xlsx']),
	'store.workflows': (random) => [randomText(random)],
	// JS never quotes a store path without `/` or `,`, we always do: give it a folder.
	'store.path': (random) => `${randomText(random)}/`,
	'video_convert.keyframe_interval': () => 250,
	'video_convert.frame_count': () => 1,
};

/** Colors both accept: JS takes 3 or 6 hex digits and its list of names (not 8 digits, not any word). */
const COLORS = [
	'white',
	'black',
	'red',
	'snow',
	'transparent',
	'gray50',
	'navy',
	'FFF',
	'0a0B0c',
	'C0FFEE',
];

interface Sample {
	source: Source;
	tasks: Task[];
	security?: Security;
}

function randomSample(random: Random): Sample {
	const tasks = randomChain(random, {
		tasks: Object.keys(JS_METHODS),
		leaveOut: PARAMS_UNKNOWN_TO_JS,
		overrides: NARROWED,
		colors: COLORS,
	});
	const roll = random.next();
	const source: Source =
		roll < 0.5
			? { handle: randomHandle(random) }
			: roll < 0.75
				? {
						url: random.pick([
							`https://example.com/files/${random.int(1, 999)}.png`,
							`src://assets/photos/${random.int(1, 999)}.jpg`,
						]),
					}
				: { sources: [randomHandle(random), 'src://assets/a/b.jpg', randomHandle(random)] };
	const security = random.chance(0.3)
		? new Security({ expiry: 1900000000 + random.int(0, 1e6), call: ['read', 'convert'] }, 'SECRET')
		: undefined;
	return { source, tasks, security };
}

/** Our URL for a sample. */
function ourUrl({ source, tasks, security }: Sample): string {
	return transformationUrl({ cdn: CDN, apiKey: API_KEY, source, tasks, security });
}

/**
 * filestack-js's URL for a sample: the same tasks through its Filelink methods, parameters in our (sorted)
 * order, the security task last (where we put the segment), the API key only where we send it.
 */
function jsUrl({ source, tasks, security }: Sample): string {
	const link =
		'handle' in source
			? new JsFilelink(source.handle)
			: new JsFilelink('url' in source ? source.url : [...source.sources], API_KEY);
	const methods = link as unknown as Record<string, (params?: unknown) => unknown>;
	for (const task of tasks) {
		// Our switch `{ cache: false }` is filestack-js's `cache(false)`.
		const off = task.params?.[task.name] === false && isTaskSwitch(task.name);
		methods[JS_METHODS[task.name]].call(link, off ? false : sortedParams(task.params));
	}
	if (security) link.security({ policy: security.policyB64, signature: security.signature });
	return link.toString();
}

function isTaskSwitch(name: string): boolean {
	const param = getTask(name)?.params.find((candidate) => candidate.name === name);
	return param?.type === 'boolean' && param.switchesTask === true;
}

/** What filestack-js's schema says against one task, or undefined when it builds the URL. */
function jsRefusal(task: Task): string | undefined {
	try {
		new JsFilelink(HANDLE).addTask(task.name, task.params ?? true).toString();
		return undefined;
	} catch (error) {
		const details = (error as { details?: Array<{ stack: string }> }).details ?? [];
		return details.map((detail) => detail.stack).join('; ');
	}
}

function sortedParams(params: Record<string, unknown> | undefined) {
	if (!params) return undefined;
	return Object.fromEntries(
		Object.keys(params)
			.sort()
			.map((key) => [key, params[key]]),
	);
}

/**
 * filestack-js's URL rewritten by the intended differences that are structural: the long security form
 * (`policy:`/`signature:`) and the quotes JS puts around a single URL source.
 */
function asOurs(url: string, sample: Sample): string {
	let rewritten = url.replace(
		/\/security=policy:([^,/]+),signature:([^/]+)\//,
		'/security=p:$1,s:$2/',
	);
	if ('url' in sample.source)
		rewritten = rewritten.replace(`/"${sample.source.url}"`, `/${sample.source.url}`);
	return rewritten;
}

describe('the differential test covers the catalogue', () => {
	it('names every catalogue task either as compared or as skipped with a reason', () => {
		for (const task of TASKS) {
			expect([task.name, task.name in JS_METHODS || task.name in SKIPPED_TASKS]).toEqual([
				task.name,
				true,
			]);
		}
		for (const name of Object.keys(SKIPPED_TASKS)) expect(name in JS_METHODS).toBe(false);
	});

	it('skips only tasks filestack-js really cannot build', () => {
		for (const name of Object.keys(SKIPPED_TASKS).filter((task) => task !== 'metadata')) {
			expect(jsRefusal({ name })).toBe(
				`instance is not allowed to have the additional property "${name}"`,
			);
		}
		expect(jsRefusal({ name: 'metadata', params: { params: ['size'] } })).toBe(
			'instance.metadata is not allowed to have the additional property "params"',
		);
	});

	it('leaves out only parameters filestack-js refuses', () => {
		const unknown: Task[] = [
			{ name: 'compress', params: { metadata: true } },
			{ name: 'pdfconvert', params: { metadata: true, pages: [1] } },
			{ name: 'video_convert', params: { watermark_width: 10 } },
			{ name: 'video_convert', params: { watermark_height: 10 } },
		];
		for (const task of unknown) {
			const param = Object.keys(task.params ?? {})[0];
			expect(jsRefusal(task)).toBe(
				`instance.${task.name} is not allowed to have the additional property "${param}"`,
			);
			expect(() => ourUrl({ source: { handle: HANDLE }, tasks: [task] })).not.toThrow();
		}
	});

	it('narrows only where filestack-js refuses what we accept', () => {
		const narrower: Task[] = [
			{ name: 'animate', params: { width: 1801 } },
			{ name: 'blur_faces', params: { amount: 11 } },
			{ name: 'cache', params: { expiry: 'max' } },
			{ name: 'output', params: { format: 'gif' } },
			{ name: 'store', params: { workflows: ['w1', 'w2'] } },
			{ name: 'video_convert', params: { keyframe_interval: 1 } },
			{ name: 'video_convert', params: { frame_count: 2 } },
			{ name: 'circle', params: { background: 'FFFFFFFF' } },
			{ name: 'circle', params: { background: 'gray101' } },
		];
		for (const task of narrower) {
			expect([task, jsRefusal(task)]).not.toEqual([task, undefined]);
			expect(() => ourUrl({ source: { handle: HANDLE }, tasks: [task] })).not.toThrow();
		}
	});
});

describe(`${CHAINS} seeded task chains built by both SDKs`, () => {
	const random = new Random(SEED);
	const samples = Array.from({ length: CHAINS }, () => randomSample(random));

	it('draws every compared task and every kind of source', () => {
		const drawn = new Set(samples.flatMap((sample) => sample.tasks.map((task) => task.name)));
		expect([...drawn].sort()).toEqual(Object.keys(JS_METHODS).sort());
		expect(samples.filter((sample) => 'handle' in sample.source).length).toBeGreaterThan(100);
		expect(samples.filter((sample) => 'url' in sample.source).length).toBeGreaterThan(50);
		expect(samples.filter((sample) => 'sources' in sample.source).length).toBeGreaterThan(50);
		expect(samples.filter((sample) => sample.security).length).toBeGreaterThan(50);
	});

	it.each(samples.map((sample, index) => [index, sample] as const))(
		'chain %i: the same URL, ours percent-encoded',
		(_index, sample) => {
			// Both SDKs take the chain: filestack-js's schema has no objection to any task.
			expect(sample.tasks.map(jsRefusal).filter(Boolean)).toEqual([]);
			const ours = ourUrl(sample);
			expect(decodeURIComponent(ours)).toBe(asOurs(jsUrl(sample), sample));
			// Nothing is left raw that an HTTP client would have to escape, and it sends the URL unchanged.
			expect(ours).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/[\]%]+$/);
			expect(new URL(ours).href).toBe(ours);
		},
	);
});

describe('intended differences (docs/oracle.md), each shown on both SDKs', () => {
	const js = () => new JsFilelink(HANDLE);
	const ours = (tasks: Task[], extra: Partial<Sample> = {}) =>
		ourUrl({ source: { handle: HANDLE }, tasks, ...extra });

	it('1. security: we write `security=p:…,s:…` (Python, short form) before the source; JS `policy:…,signature:…`', () => {
		const security = new Security({ expiry: 1900000000, call: ['read'] }, 'SECRET');
		const { policyB64: p, signature: s } = security;
		expect(ours([{ name: 'flip' }], { security })).toBe(
			`${CDN}/flip/security=p:${p},s:${s}/${HANDLE}`,
		);
		expect(js().flip().security({ policy: p, signature: s }).toString()).toBe(
			`${CDN}/flip/security=policy:${p},signature:${s}/${HANDLE}`,
		);
	});

	it('2. parameter order: we sort parameters (Python); JS keeps the order they were given in', () => {
		const params = { width: 300, fit: 'crop', height: 200 };
		expect(ours([{ name: 'resize', params }])).toBe(
			`${CDN}/resize=fit:crop,height:200,width:300/${HANDLE}`,
		);
		expect(
			js()
				.resize({ width: 300, fit: 'crop' as never, height: 200 })
				.toString(),
		).toBe(`${CDN}/resize=width:300,fit:crop,height:200/${HANDLE}`);
	});

	it('3. a single URL source: we write it bare (Python); JS wraps it in quotes', () => {
		const url = 'https://example.com/a.jpg';
		expect(ourUrl({ source: { url }, tasks: [{ name: 'flip' }] })).toBe(
			`${CDN}/${API_KEY}/flip/${url}`,
		);
		expect(new JsFilelink(url, API_KEY).flip().toString()).toBe(`${CDN}/${API_KEY}/flip/"${url}"`);
	});

	it('4. the API key: never on a single handle with us; JS adds it whenever the Filelink has one', () => {
		expect(ours([{ name: 'flip' }])).toBe(`${CDN}/flip/${HANDLE}`);
		expect(new JsFilelink(HANDLE, API_KEY).flip().toString()).toBe(
			`${CDN}/${API_KEY}/flip/${HANDLE}`,
		);
	});

	it("5. store's path: always quoted with us (Python); JS quotes it only when it holds `/` or `,`", () => {
		expect(ours([{ name: 'store', params: { path: 'name.jpg' } }])).toBe(
			`${CDN}/store=path:%22name.jpg%22/${HANDLE}`,
		);
		expect(js().store({ path: 'name.jpg' }).toString()).toBe(
			`${CDN}/store=path:name.jpg/${HANDLE}`,
		);
	});

	it('6. text holding `[` or `]`: quoted with us so it cannot open a list; JS quotes only `/` and `,`', () => {
		const params = { filename: 'a[1].jpg' };
		expect(decodeURIComponent(ours([{ name: 'store', params }]))).toBe(
			`${CDN}/store=filename:"a[1].jpg"/${HANDLE}`,
		);
		expect(js().store(params).toString()).toBe(`${CDN}/store=filename:a[1].jpg/${HANDLE}`);
	});

	it('7. percent-encoding: we escape what a URL path cannot hold raw; JS leaves it to the HTTP client', () => {
		const params = { targets: '> 1%, not dead' };
		expect(ours([{ name: 'minify_js', params }])).toBe(
			`${CDN}/minify_js=targets:%22%3E%201%25,%20not%20dead%22/${HANDLE}`,
		);
		expect(js().minifyJs(params).toString()).toBe(
			`${CDN}/minify_js=targets:"> 1%, not dead"/${HANDLE}`,
		);
	});

	it('8. values are normalised with us (text trimmed, blanks dropped, enums in our spelling); JS writes them as given', () => {
		const params = { filename: ' a.jpg ', container: ' ', location: 's3' };
		expect(ours([{ name: 'store', params }])).toBe(
			`${CDN}/store=filename:a.jpg,location:S3/${HANDLE}`,
		);
		expect(
			js()
				.store(params as never)
				.toString(),
		).toBe(`${CDN}/store=filename: a.jpg ,container: ,location:s3/${HANDLE}`);
	});

	it('9. boolean task switches other than `cache=false`: JS only (`store(true)`, `sharpen(false)`)', () => {
		expect(ours([{ name: 'cache', params: { cache: false } }])).toBe(
			`${CDN}/cache=false/${HANDLE}`,
		);
		expect(js().cache(false).toString()).toBe(`${CDN}/cache=false/${HANDLE}`);
		expect(js().store(true).sharpen(false).toString()).toBe(`${CDN}/store/${HANDLE}`);
	});
});

describe("policies signed by filestack-js's getSecurity", () => {
	const random = new Random(SEED + 1);
	const policies: Policy[] = Array.from({ length: 25 }, () => ({
		expiry: 1700000000 + random.int(0, 1e8),
		call: random.chance(0.5) ? ['read', 'convert'] : ['store', 'write', 'runWorkflow'],
		...(random.chance(0.5) && { handle: randomHandle(random) }),
		// Non-ASCII: Python escapes it as \uXXXX, JSON.stringify writes it raw.
		...(random.chance(0.3) && { path: `/uploads/é${random.int(1, 99)}/.*` }),
		...(random.chance(0.3) && { maxSize: random.int(1, 1e9) }),
	}));

	it.each(policies.map((policy) => [JSON.stringify(policy), policy] as const))(
		'%s: same policy and HMAC, different (equally valid) string',
		(_json, policy) => {
			const secret = `secret-${policy.expiry}`;
			const theirs = getSecurity(policy as never, secret);
			// The HMAC is over the base64 string as sent, whichever SDK wrote it.
			expect(sign(theirs.policy, secret)).toBe(theirs.signature);
			// The same policy inside: JS writes compact JSON in standard base64, we write Python's JSON in URL-safe base64.
			const ours = new Security(policy, secret);
			const decode = (b64: string) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
			expect(decode(ours.policyB64)).toEqual(decode(theirs.policy));
			expect(ours.policyB64).toBe(encodePolicy(policy));
			expect(ours.policyB64).not.toBe(theirs.policy);
		},
	);
});

describe("webhooks checked by filestack-js's validateWebhookSignature", () => {
	const random = new Random(SEED + 2);
	const deliveries = Array.from({ length: 25 }, () => ({
		secret: randomText(random),
		timestamp: String(1559199901 + random.int(0, 1e8)),
		body: JSON.stringify({
			id: random.int(1, 1e6),
			action: 'fp.upload',
			text: { filename: randomText(random) },
		}),
	}));

	it.each(deliveries.map((delivery) => [delivery.timestamp, delivery] as const))(
		"delivery at %s: both accept the other's signature and refuse a changed body",
		(_timestamp, { secret, timestamp, body }) => {
			const signature = computeWebhookSignature(secret, timestamp, body);
			expect(validateWebhookSignature(secret, body, { timestamp, signature })).toBe(true);
			const headers = { 'fs-signature': signature, 'fs-timestamp': timestamp };
			expect(verifyWebhookSignature(secret, Buffer.from(body), headers)).toEqual({ valid: true });
			const changed = `${body} `;
			expect(validateWebhookSignature(secret, changed, { timestamp, signature })).toBe(false);
			expect(verifyWebhookSignature(secret, changed, headers).valid).toBe(false);
		},
	);

	it('10. bodies that are not UTF-8: we sign the exact bytes; JS turns them into text first', () => {
		const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
		const signature = computeWebhookSignature('s', 1, bytes);
		expect(
			verifyWebhookSignature('s', bytes, { 'fs-signature': signature, 'fs-timestamp': '1' }),
		).toEqual({
			valid: true,
		});
		expect(validateWebhookSignature('s', bytes as never, { timestamp: '1', signature })).toBe(
			false,
		);
	});

	it('12. a signature in upper-case hex: the same HMAC to us; JS (and Python) compare the text', () => {
		const signature = computeWebhookSignature('s', 1, '{}').toUpperCase();
		expect(
			verifyWebhookSignature('s', '{}', { 'fs-signature': signature, 'fs-timestamp': '1' }),
		).toEqual({ valid: true });
		expect(validateWebhookSignature('s', '{}', { timestamp: '1', signature })).toBe(false);
	});
});
