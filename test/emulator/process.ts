import { base64Decode } from './base64Decode';
import { badRequest } from './errors';
import type { StoredFile } from './files';
import { sendJson } from './http';
import { sendUploadEvent } from './multipart';
import type { Exchange } from './routes';
import { authorize, credentialsIn } from './security';
import { contentOf } from './sources';
import { removedOnFailure } from './spool';
import type { EmulatorState } from './state';
import {
	invalid,
	optionalString,
	requireString,
	storeOptions,
	uploadTags,
	workflowIds,
} from './validate';

type Body = Record<string, unknown>;

/**
 * POST /process: stores the file at a URL. Tasks are `store` (a second `store` may carry workflows, as the JS SDK
 * sends them) and `security` (the policy and signature).
 */
export async function processUrl(state: EmulatorState, { res, json }: Exchange): Promise<void> {
	const apiKey = requireString(json, 'apikey');
	const app = state.apps.get(apiKey);
	if (!app) throw badRequest(`Invalid Application: unknown API key ${apiKey}`);
	if (!Array.isArray(json.tasks)) throw invalid('tasks', 'an array of {name, params}');
	const tasks = json.tasks.map((task: unknown, index) => {
		const { name, params } = (task ?? {}) as Body;
		if (name !== 'store' && name !== 'security')
			throw invalid(`tasks[${index}].name`, 'the emulator supports store and security');
		return { name, params: (params ?? {}) as Body };
	});
	const security = tasks.find((task) => task.name === 'security');

	const stores = tasks.filter((task) => task.name === 'store');
	if (stores.length === 0) throw invalid('tasks', 'a store task is required');
	const params = stores[0].params;
	const workflows = stores.flatMap(
		(store) => workflowIds(store.params.workflows, 'store.workflows') ?? [],
	);
	if (!Array.isArray(json.sources) || json.sources.length !== 1)
		throw invalid('sources', 'exactly one source');
	const [item] = json.sources as unknown[];
	const source = typeof item === 'string' ? { source: item } : ((item ?? {}) as Body);
	if (typeof source.source !== 'string') throw invalid('sources', 'a URL, or {source, headers}');
	authorize(app, credentialsIn(security?.params ?? json), {
		calls: ['store'],
		urls: [source.source],
	});

	const store = storeOptions(params, 'store');
	const tags = uploadTags(json.upload_tags);
	const temp = state.tempPath('process');
	const decode = params.base64decode === true;
	const headers = (source.headers ?? {}) as Record<string, string>;
	const content = await removedOnFailure(
		temp,
		contentOf(source.source, temp, headers, decode ? base64Decode : undefined),
	);
	const file = await state.files.add([content.spooled], {
		apiKey,
		filename: optionalString(params, 'filename') || content.filename,
		mimetype: content.mimetype,
		store,
		uploadTags: tags,
		workflows: workflows.length > 0 ? workflows : undefined,
		sourceUrl: source.source,
	});
	sendUploadEvent(state, app, file);
	sendJson(res, 200, storedJson(state, file));
}

/** How a store describes the file it made: /process, and the CDN's `store` task. */
export function storedJson(state: EmulatorState, file: StoredFile): Record<string, unknown> {
	return {
		handle: file.handle,
		url: state.fileUrl(file.handle),
		filename: file.filename,
		size: file.size,
		type: file.mimetype,
		container: file.container,
		key: file.key,
		...(file.uploadTags ? { upload_tags: file.uploadTags } : {}),
		...(file.workflows ? { workflows: file.workflows } : {}),
	};
}
