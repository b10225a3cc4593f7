import type { IncomingMessage, ServerResponse } from 'http';
import { cdnRequest } from './cdn';
import { deleteFile, overwriteFile, readFile } from './fileApi';
import { metadata } from './metadata';
import { commit, complete, start, uploadPart } from './multipart';
import { processUrl } from './process';
import { putPart } from './s3';
import type { EmulatorState, RequestLogEntry } from './state';
import { parseCdnPath } from './taskGrammar';

export type RouteName =
	| 'start'
	| 'upload'
	| 'put'
	| 'commit'
	| 'complete'
	| 'process'
	| 'download'
	| 'transform'
	| 'videoConvert'
	| 'metadata'
	| 'fileRead'
	| 'delete'
	| 'overwrite';

/** Which API answers: decides how errors look (Upload API JSON, S3 XML, CDN/File API text). */
export type ApiKind = 'upload' | 'process' | 's3' | 'cdn' | 'fileApi';

/** One request being handled. */
export interface Exchange {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	entry: RequestLogEntry;
	/** The JSON body, for routes that take one (else empty). */
	json: Record<string, unknown>;
}

export type Handler = (state: EmulatorState, exchange: Exchange) => Promise<void>;

export interface Route {
	name: RouteName;
	api: ApiKind;
	readsJson: boolean;
	handle: Handler;
}

const uploadApi = (name: RouteName, handle: Handler): Route => ({
	name,
	api: 'upload',
	readsJson: true,
	handle,
});

const fixed: Record<string, Route> = {
	'POST /multipart/start': uploadApi('start', start),
	'POST /multipart/upload': uploadApi('upload', uploadPart),
	'POST /multipart/commit': uploadApi('commit', commit),
	'POST /multipart/complete': uploadApi('complete', complete),
	'POST /process': { name: 'process', api: 'process', readsJson: true, handle: processUrl },
};

/** The route of a request, from its method and path alone. */
export function findRoute(method: string, pathname: string): Route | undefined {
	const route = fixed[`${method} ${pathname}`];
	if (route) return route;
	if (pathname.startsWith('/s3/'))
		return method === 'PUT'
			? { name: 'put', api: 's3', readsJson: false, handle: putPart }
			: undefined;
	if (pathname.startsWith('/api/file/')) return fileApiRoute(method, pathname);
	if (
		!['GET', 'HEAD', 'POST'].includes(method) ||
		pathname === '/' ||
		/^\/(multipart|process|api)(\/|$)/.test(pathname)
	) {
		return undefined;
	}
	if (/^\/[^/]+\/metadata$/.test(pathname))
		return { name: 'metadata', api: 'cdn', readsJson: false, handle: metadata };
	return { name: cdnRouteName(pathname), api: 'cdn', readsJson: false, handle: cdnRequest };
}

function fileApiRoute(method: string, pathname: string): Route | undefined {
	const file = (name: RouteName, handle: Handler): Route => ({
		name,
		api: 'fileApi',
		readsJson: false,
		handle,
	});
	if (/^\/api\/file\/[^/]+\/metadata$/.test(pathname))
		return method === 'GET' ? file('metadata', metadata) : undefined;
	if (!/^\/api\/file\/[^/]+$/.test(pathname)) return undefined;
	if (method === 'GET' || method === 'HEAD') return file('fileRead', readFile);
	if (method === 'DELETE') return file('delete', deleteFile);
	if (method === 'POST') return file('overwrite', overwriteFile);
	return undefined;
}

/** download (a bare handle), videoConvert, or any other transformation; unparsable paths fail later as transforms. */
function cdnRouteName(pathname: string): RouteName {
	try {
		const path = parseCdnPath(pathname);
		if (path.tasks.some((task) => task.name === 'video_convert')) return 'videoConvert';
		return path.tasks.length === 0 && !path.list ? 'download' : 'transform';
	} catch {
		return 'transform';
	}
}
