import { randomBytes } from 'crypto';
import { mkdir, rm } from 'fs/promises';
import { join } from 'path';
import type { AppConfig } from './apps';
import { badRequest } from './errors';
import type { StoredFile } from './files';
import { sendJson } from './http';
import { mimetypeOf } from './mime';
import type { Exchange } from './routes';
import { authorize, credentialsIn } from './security';
import type { Spooled } from './spool';
import type { EmulatorState } from './state';
import type { Upload } from './uploads';
import {
	invalid,
	optionalString,
	requireInteger,
	requireString,
	storeOptions,
	uploadTags,
	workflowIds,
} from './validate';

type Body = Record<string, unknown>;

const MAX_PART_NUMBER = 10_000;
const MAX_PART_SIZE = 5 * 1024 ** 3;

/** POST /multipart/start */
export async function start(state: EmulatorState, { res, json }: Exchange): Promise<void> {
	const app = appOf(state, json);
	authorize(app, credentialsIn(json), { calls: ['store'] });
	if (json.fii === true && !app.intelligentIngestion && app.refusesIntelligentIngestion)
		throw badRequest('Intelligent Ingestion is not enabled for this application');
	const filename = requireString(json, 'filename');
	const size = requireInteger(json, 'size', 0);
	const store = storeOptions(json.store);
	const id = randomBytes(16).toString('hex');
	const upload: Upload = {
		id,
		apiKey: app.apiKey,
		uri: `/${encodeURIComponent(store.container ?? 'emulator-bucket')}/${id}`,
		region: store.region ?? 'us-east-1',
		filename,
		mimetype: optionalString(json, 'mimetype') || mimetypeOf(filename),
		size,
		store,
		dir: join(state.dir, 'uploads', id),
		parts: new Map(),
		chunks: new Map(),
		commits: new Map(),
		answered202: 0,
		completing: false,
	};
	await mkdir(upload.dir, { recursive: true });
	state.uploads.set(id, upload);
	state.openUploads.enter();
	sendJson(res, 200, {
		uri: upload.uri,
		region: upload.region,
		upload_id: id,
		location_url: state.origin,
		location_region: upload.region,
		...(app.intelligentIngestion ? { upload_type: 'intelligent_ingestion' } : {}),
	});
}

/** POST /multipart/upload: a presigned PUT URL (and its headers) for one part, or one FII chunk of a part. */
export async function uploadPart(state: EmulatorState, { res, json }: Exchange): Promise<void> {
	const { app, upload } = openUploadOf(state, json);
	authorize(app, credentialsIn(json), { calls: ['store'] });
	const part = requireInteger(json, 'part', 1, MAX_PART_NUMBER);
	const size = requireInteger(json, 'size', 0, MAX_PART_SIZE);
	const md5 = requireString(json, 'md5');
	if (Buffer.from(md5, 'base64').length !== 16 || !/^[A-Za-z0-9+/]{22}==$/.test(md5)) {
		throw invalid('md5', 'base64 of the 16-byte MD5 digest');
	}
	let offset: number | undefined;
	if (json.fii === true) {
		if (!app.intelligentIngestion)
			throw badRequest('Intelligent Ingestion is not enabled for this application');
		offset = requireInteger(json, 'offset', 0);
	}
	const token = randomBytes(32).toString('hex');
	const date = new Date().toISOString().slice(0, 10).replace(/-/g, '');
	// Like S3's presigned part uploads, no Content-Type: the client must add none of its own.
	const headers = {
		'Content-MD5': md5,
		Authorization:
			`AWS4-HMAC-SHA256 Credential=EMULATOR/${date}/${upload.region}/s3/aws4_request, ` +
			`SignedHeaders=content-md5;host, Signature=${token}`,
	};
	state.putTargets.set(token, { uploadId: upload.id, part, offset, size, md5, headers });
	const query = `partNumber=${part}&uploadId=${upload.id}&X-Amz-Expires=3600&X-Amz-Signature=${token}`;
	sendJson(res, 200, {
		url: `${state.origin}/s3${upload.uri}/${part}?${query}`,
		headers,
		location_url: state.origin,
	});
}

/** POST /multipart/commit: an FII part whose chunks have all arrived; `size` is the whole file's size. */
export async function commit(state: EmulatorState, { res, json }: Exchange): Promise<void> {
	const { app, upload } = openUploadOf(state, json);
	authorize(app, credentialsIn(json), { calls: ['store'] });
	if (!app.intelligentIngestion)
		throw badRequest('Intelligent Ingestion is not enabled for this application');
	const part = requireInteger(json, 'part', 1, MAX_PART_NUMBER);
	if (requireInteger(json, 'size', 0) !== upload.size)
		throw invalid('size', `the whole file size, ${upload.size}, is expected`);
	const chunks = upload.chunks.get(part);
	// Walk the chunks from offset 0; a chunk re-sent smaller after a failure replaces the one at its offset.
	const ordered: Spooled[] = [];
	for (
		let at = 0, chunk = chunks?.get(0);
		chunk;
		chunk = chunk.size === 0 ? undefined : chunks?.get(at)
	) {
		ordered.push(chunk);
		at += chunk.size;
	}
	if (ordered.length === 0)
		throw badRequest(`invalid params: part ${part} has no chunks at offset 0`);
	upload.commits.set(part, ordered);
	sendJson(res, 200, {});
}

/**
 * POST /multipart/complete: the parts (regular: the listed ETags; FII: the commits' chunks) become the stored file's
 * segments as they are, so completing takes the same time for any size.
 */
export async function complete(state: EmulatorState, { res, json }: Exchange): Promise<void> {
	const { app, upload } = uploadOf(state, json);
	authorize(app, credentialsIn(json), { calls: ['store'] });
	if (upload.result) {
		// A complete repeated after success (its answer was lost) gets the same answer, as S3 gives.
		sendJson(res, 200, upload.result);
		return;
	}
	const filename = requireString(json, 'filename');
	if (requireInteger(json, 'size', 0) !== upload.size)
		throw invalid('size', `the size given at start, ${upload.size}, is expected`);
	const store = json.store === undefined ? upload.store : storeOptions(json.store);
	const workflows = workflowIds((json.store as Body | undefined)?.workflows, 'store.workflows');
	const tags = uploadTags(json.upload_tags);
	const pieces =
		json.parts === undefined ? committedChunks(upload) : listedParts(state, upload, json.parts);
	const total = pieces.reduce((sum, piece) => sum + piece.size, 0);
	if (total !== upload.size)
		throw badRequest(
			`invalid params: size (the parts hold ${total} bytes, ${upload.size} declared)`,
		);

	if (upload.completing || upload.answered202 < state.faults.complete202Count) {
		if (!upload.completing) upload.answered202++;
		sendJson(res, 202, {});
		return;
	}
	upload.completing = true;
	let file: StoredFile;
	try {
		file = await state.files.add(pieces, {
			apiKey: app.apiKey,
			filename,
			mimetype: optionalString(json, 'mimetype') || upload.mimetype,
			store,
			uploadTags: tags,
			workflows,
		});
	} finally {
		upload.completing = false;
	}
	state.openUploads.leave();
	await rm(upload.dir, { recursive: true, force: true });
	for (const [token, target] of state.putTargets)
		if (target.uploadId === upload.id) state.putTargets.delete(token);
	sendUploadEvent(state, app, file);
	upload.result = {
		handle: file.handle,
		url: state.fileUrl(file.handle),
		filename: file.filename,
		size: file.size,
		mimetype: file.mimetype,
		status: 'Stored',
		container: file.container,
		key: file.key,
		...(file.uploadTags ? { upload_tags: file.uploadTags } : {}),
		...(file.workflows ? { workflows: file.workflows } : {}),
	};
	sendJson(res, 200, upload.result);
}

/** The `fp.upload` webhook of a newly stored file. */
export function sendUploadEvent(state: EmulatorState, app: AppConfig, file: StoredFile): void {
	state.webhooks.send(app, 'fp.upload', {
		container: file.container,
		url: state.fileUrl(file.handle),
		filename: file.filename,
		client: 'Computer',
		key: file.key,
		type: file.mimetype,
		status: 'Stored',
		size: file.size,
		...(file.uploadTags ? { upload_tags: file.uploadTags } : {}),
	});
}

/** Regular complete: `parts` must name every part 1…n in order with exactly the ETag its PUT returned. */
function listedParts(state: EmulatorState, upload: Upload, parts: unknown): Spooled[] {
	if (!Array.isArray(parts)) throw invalid('parts', 'an array of {part_number, etag}');
	return parts.map((item: unknown, index) => {
		const { part_number: number, etag } = (item ?? {}) as Body;
		if (number !== index + 1)
			throw invalid('parts', `item ${index} must have part_number ${index + 1}`);
		const part = upload.parts.get(index + 1);
		if (!part) throw invalid('parts', `part ${number} was never uploaded`);
		if (etag !== part.etag)
			throw invalid(
				'parts',
				`part ${number}: etag ${JSON.stringify(etag)} is not ${JSON.stringify(part.etag)}`,
			);
		if (index < parts.length - 1 && part.size < state.minPartSize) {
			throw badRequest(
				`EntityTooSmall: part ${number} has ${part.size} bytes, the minimum is ${state.minPartSize}`,
			);
		}
		return part;
	});
}

/** FII complete: committed parts 1…n, their chunks in order. */
function committedChunks(upload: Upload): Spooled[] {
	const numbers = [...upload.commits.keys()].sort((a, b) => a - b);
	numbers.forEach((number, index) => {
		if (number !== index + 1) throw invalid('parts', `part ${index + 1} was not committed`);
	});
	if (numbers.length === 0 && upload.size > 0)
		throw invalid('parts', 'no parts listed and none committed');
	return numbers.flatMap((number) => upload.commits.get(number) as Spooled[]);
}

function appOf(state: EmulatorState, json: Body): AppConfig {
	const apiKey = requireString(json, 'apikey');
	const app = state.apps.get(apiKey);
	if (!app) throw badRequest(`Invalid Application: unknown API key ${apiKey}`);
	return app;
}

/** The upload a request continues; its apikey, uri, region and upload_id must be those given at start. */
function uploadOf(state: EmulatorState, json: Body): { app: AppConfig; upload: Upload } {
	const app = appOf(state, json);
	const id = requireString(json, 'upload_id');
	const upload = state.uploads.get(id);
	if (!upload || upload.apiKey !== app.apiKey)
		throw badRequest(`invalid params: upload_id (unknown upload ${id})`);
	if (requireString(json, 'uri') !== upload.uri) throw invalid('uri', 'not the uri of this upload');
	if (requireString(json, 'region') !== upload.region)
		throw invalid('region', 'not the region of this upload');
	return { app, upload };
}

function openUploadOf(state: EmulatorState, json: Body): { app: AppConfig; upload: Upload } {
	const found = uploadOf(state, json);
	if (found.upload.result) throw invalid('upload_id', 'this upload is already complete');
	return found;
}
