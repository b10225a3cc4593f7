import { base64Decode } from './base64Decode';
import { badRequest, EmulatorError, notFound } from './errors';
import type { StoredFile } from './files';
import { formFile } from './formData';
import { contentDisposition, readSmallBody, sendFile, sendJson, sendText } from './http';
import { OCTET_STREAM } from './mime';
import type { Exchange } from './routes';
import { authorize, type Credentials, credentialsIn } from './security';
import { contentOf } from './sources';
import { type Bytes, removedOnFailure, spool, type Spooled } from './spool';
import type { EmulatorState } from './state';

/** GET/HEAD /api/file/<handle>: the content. */
export async function readFile(state: EmulatorState, { req, res, url }: Exchange): Promise<void> {
	const file = fileOf(state, url);
	authorize(state.ownerOf(file), credentialsIn(url.searchParams), {
		calls: ['read'],
		handles: [file.handle],
	});
	const attachment = url.searchParams.get('dl') === 'true';
	await sendFile(
		req,
		res,
		file,
		attachment ? { 'Content-Disposition': contentDisposition(file.filename, 'attachment') } : {},
	);
}

/** DELETE /api/file/<handle>?key=APIKEY&policy=…&signature=… */
export async function deleteFile(state: EmulatorState, { res, url }: Exchange): Promise<void> {
	const key = url.searchParams.get('key');
	if (!key) throw badRequest('Parameters are invalid: key (the API key) is required');
	const app = state.apps.get(key);
	if (!app) throw badRequest(`Invalid Application: unknown API key ${key}`);
	const file = fileOf(state, url);
	if (file.apiKey !== key) throw new EmulatorError(403, 'The file belongs to another application');
	authorize(app, credentialsIn(url.searchParams), { calls: ['remove'], handles: [file.handle] });
	await state.files.remove(file.handle);
	state.webhooks.send(app, 'fp.delete', { url: state.fileUrl(file.handle) });
	sendText(res, 200, 'success');
}

/**
 * POST /api/file/<handle>: new content from a form `url=…`, a multipart `fileUpload` field or the raw body
 * (streamed to disk), optionally base64-decoded; swapped in only once complete.
 */
export async function overwriteFile(
	state: EmulatorState,
	{ req, res, url, entry }: Exchange,
): Promise<void> {
	const file = fileOf(state, url);
	const app = state.ownerOf(file);
	const credentials = credentialsIn(url.searchParams);
	const decode = url.searchParams.get('base64decode') === 'true';
	const temp = state.tempPath('overwrite');
	const content = await removedOnFailure(
		temp,
		newContent(state, { req, entry }, file, credentials, temp, decode),
	);
	const given = content.mimetype;
	const updated = await state.files.replace(
		file.handle,
		[content.spooled],
		given && given !== OCTET_STREAM ? given : undefined,
	);
	const body = {
		url: `${state.origin}/api/file/${updated.handle}`,
		mimetype: updated.mimetype,
		isWriteable: true,
		size: updated.size,
		filename: updated.filename,
	};
	state.webhooks.send(app, 'fp.overwrite', { ...body, client: 'Computer' });
	sendJson(res, 200, body);
}

async function newContent(
	state: EmulatorState,
	{ req, entry }: Pick<Exchange, 'req' | 'entry'>,
	file: StoredFile,
	credentials: Credentials,
	temp: string,
	decode: boolean,
): Promise<{ spooled: Spooled; mimetype?: string }> {
	const app = state.ownerOf(file);
	const type = req.headers['content-type'] ?? '';
	const filter = (bytes: Bytes): Bytes => (decode ? base64Decode(bytes) : bytes);
	if (type.startsWith('application/x-www-form-urlencoded')) {
		const form = new URLSearchParams(await readSmallBody(req));
		entry.body = Object.fromEntries(form);
		const source = form.get('url');
		if (!source) throw badRequest('Parameters are invalid: url (or a fileUpload file) is required');
		authorize(app, credentials, { calls: [['write', 'writeUrl']], handles: [file.handle] });
		const fetched = await contentOf(source, temp, {}, filter);
		return { spooled: fetched.spooled, mimetype: fetched.mimetype };
	}
	authorize(app, credentials, { calls: ['write'], handles: [file.handle] });
	const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
	if (!boundary)
		return {
			spooled: await spool(filter(req), temp),
			mimetype: type.split(';')[0].trim() || undefined,
		};
	const form = formFile(req, boundary, 'fileUpload');
	const spooled = await spool(filter(form.bytes), temp);
	if (!form.info.found) throw badRequest('Parameters are invalid: no fileUpload file in the form');
	return { spooled, mimetype: form.info.mimetype };
}

function fileOf(state: EmulatorState, url: URL): StoredFile {
	const handle = url.pathname.split('/')[3];
	const file = state.files.get(handle);
	if (!file) throw notFound();
	return file;
}
