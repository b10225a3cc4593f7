import { randomUUID } from 'crypto';
import type { AppConfig } from './apps';
import { base64Decode } from './base64Decode';
import { badRequest, notFound } from './errors';
import { contentDisposition, sendFile, sendJson } from './http';
import { intelligenceResult } from './intelligence';
import { discard, produce, type Result } from './results';
import { storedJson } from './process';
import type { Exchange } from './routes';
import { authorize, type Call, credentialsIn } from './security';
import { spool } from './spool';
import type { EmulatorState } from './state';
import {
	type CdnPath,
	listItems,
	param,
	parseCdnPath,
	parseSource,
	type Source,
	type Task,
	taskChain,
} from './taskGrammar';
import { storeOptions } from './validate';
import { videoConvert } from './video';

const INTELLIGENCE = new Set(['tags', 'sfw', 'ocr', 'doc_detection']);

/** GET/HEAD/POST on the CDN: downloads, transformation URLs, `store`, intelligence, zip, screenshots, video. */
export async function cdnRequest(state: EmulatorState, exchange: Exchange): Promise<void> {
	const { req, res, url } = exchange;
	const path = parseCdnPath(url.pathname);
	const app = appOf(state, path);
	const credentials = path.credentials ?? credentialsIn(url.searchParams);
	const read = [...path.sources, ...filesOfTasks(path.tasks)];
	const handles = read.flatMap((source) => (source.kind === 'handle' ? [source.handle] : []));
	const urls = read.flatMap((source) => (source.kind === 'url' ? [source.url] : []));
	if (path.tasks.some((task) => task.name === 'video_convert')) {
		authorize(app, credentials, { calls: ['convert'], handles, urls });
		await videoConvert(state, exchange, path, app);
		return;
	}
	authorize(app, credentials, { calls: callsOf(path.tasks), handles, urls });
	const last = path.tasks[path.tasks.length - 1] as Task | undefined;
	if (path.tasks.some((task) => task.name === 'store') && last?.name !== 'store')
		throw badRequest('store must be the last task');

	const chain = { 'x-emulator-tasks': taskChain(path.tasks) };
	if (last?.name === 'run_workflow') {
		const workflow = param(last, 'id');
		if (!workflow) throw badRequest('run_workflow needs an id');
		sendJson(
			res,
			200,
			{ jobid: randomUUID(), workflow, sources: handles, status: 'Pending' },
			chain,
		);
		return;
	}
	const result = await produce(state, path);
	try {
		if (last && INTELLIGENCE.has(last.name)) {
			sendJson(res, 200, intelligenceResult(last.name, await result.content.md5()), chain);
		} else if (last?.name === 'store') {
			sendJson(res, 200, await storeResult(state, app, result, last), chain);
		} else {
			const headers: Record<string, string> = path.tasks.length > 0 ? { ...chain } : {};
			if (url.searchParams.get('dl') === 'true')
				headers['Content-Disposition'] = contentDisposition(result.filename, 'attachment');
			await sendFile(req, res, result, headers);
		}
	} finally {
		await discard(result);
	}
}

/** The app the request acts for: the API key in the path, else the owner of the (first) handle. */
function appOf(state: EmulatorState, path: CdnPath): AppConfig {
	if (path.apiKey !== undefined) {
		const app = state.apps.get(path.apiKey);
		if (!app)
			throw badRequest(`Invalid application: "${path.apiKey}" is neither an API key nor a task`);
		return app;
	}
	const handle = path.sources.find((source) => source.kind === 'handle');
	if (!handle || handle.kind !== 'handle')
		throw badRequest('An API key (first path segment) is required for external URLs');
	const file = state.files.get(handle.handle);
	if (!file) throw notFound();
	return state.ownerOf(file);
}

/** Parameters that name another file to read, by task (the names of the reference, then the SDKs' variants). */
const FILE_PARAMS: Readonly<Record<string, readonly string[]>> = {
	watermark: ['file'],
	collage: ['files'],
	fallback: ['file', 'handle'],
	video_convert: ['watermark_url'],
};

/** The other files a chain reads: a watermark, collage files, a fallback, a video watermark. */
function filesOfTasks(tasks: readonly Task[]): Source[] {
	return tasks.flatMap((task) =>
		(FILE_PARAMS[task.name] ?? []).flatMap((name) => {
			const value = param(task, name);
			if (value === undefined) return [];
			return (value.startsWith('[') ? listItems(value) : [value]).map(parseSource);
		}),
	);
}

/** A transformation reads; storing its result is `convert` (or `store`); a workflow run is `runWorkflow`. */
function callsOf(tasks: readonly Task[]): Array<Call | Call[]> {
	const calls: Array<Call | Call[]> = [];
	if (tasks.some((task) => task.name === 'store')) calls.push(['convert', 'store']);
	if (tasks.some((task) => task.name === 'run_workflow')) calls.push('runWorkflow');
	return calls.length > 0 ? calls : ['read'];
}

/** `store` as the last task: the result becomes a new file, described the way Filestack's store task does. */
async function storeResult(state: EmulatorState, app: AppConfig, result: Result, task: Task) {
	const store = storeOptions(
		{
			location: param(task, 'location', 'l'),
			path: param(task, 'path', 'p'),
			container: param(task, 'container', 'c'),
			region: param(task, 'region'),
			access: param(task, 'access', 'a'),
		},
		'store',
	);
	const decode = param(task, 'base64decode', 'b64') === 'true';
	const bytes = decode ? base64Decode(result.content.bytes()) : result.content.bytes();
	const workflows = param(task, 'workflows');
	const file = await state.files.add([await spool(bytes, state.tempPath('store'))], {
		apiKey: app.apiKey,
		filename: param(task, 'filename', 'f') ?? result.filename,
		mimetype: result.mimetype,
		store,
		workflows: workflows === undefined ? undefined : listItems(workflows),
	});
	return storedJson(state, file);
}
