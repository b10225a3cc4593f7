import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { setTimeout as sleep } from 'timers/promises';
import { holdAnswerUntil } from './answerHold';
import { EmulatorError, PolicyError } from './errors';
import type { Fault } from './faults';
import { parseJsonBody, readSmallBody, sendJson, sendS3Error, sendText, unixSeconds } from './http';
import { type ApiKind, findRoute, type Route } from './routes';
import type { EmulatorState, RequestLogEntry } from './state';

/** Logs the request, applies the faults in force, runs its route and renders any error the way that API would. */
export async function dispatch(
	state: EmulatorState,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const method = req.method ?? 'GET';
	const url = new URL(req.url ?? '/', state.origin);
	const route = findRoute(method, url.pathname);
	const entry: RequestLogEntry = {
		route: route?.name ?? 'unknown',
		method,
		path: url.pathname,
		target: req.url ?? '/',
		query: Object.fromEntries(url.searchParams),
		headers: req.headers,
		receivedAt: Date.now(),
	};
	res.once('close', () => (entry.endedAt = Date.now()));
	state.requests.push(entry);
	if (state.faults.answerAfterMs > 0)
		holdAnswerUntil(res, entry.receivedAt + state.faults.answerAfterMs);
	try {
		if (state.faults.delayMs > 0) await sleep(state.faults.delayMs);
		if (!route) throw new EmulatorError(404, `No such endpoint: ${method} ${url.pathname}`);
		if (route.readsJson) entry.rawBody = await readSmallBody(req);
		const json = route.readsJson ? parseJsonBody(entry.rawBody ?? '') : {};
		if (route.readsJson) entry.body = json;
		const fault = state.faults.pick(route.name);
		if (fault) {
			await inject(state, route, fault, req, res);
			return;
		}
		await route.handle(state, { req, res, url, entry, json });
	} catch (error) {
		try {
			renderError(route?.api ?? 'cdn', error, res);
		} catch {
			res.destroy();
		}
	}
}

async function inject(
	state: EmulatorState,
	route: Route,
	fault: Fault,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	if (fault.kind === 'cutoff') {
		// Let the first bytes of a body still to come arrive, then drop the connection without an answer.
		if (!req.readableEnded) {
			await new Promise<void>((resolve) => {
				req.once('data', () => resolve());
				req.once('end', resolve);
				req.once('error', () => resolve());
			});
		}
		req.socket.destroy();
		return;
	}
	const headers: Record<string, string> =
		fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
	if (route.name === 'put') {
		if (state.faults.putFailureReadsBody) for await (const chunk of req) void chunk;
		else headers.Connection = 'close';
	}
	const message =
		fault.status === 429
			? 'Too many requests (emulated throttling)'
			: `Emulated failure (HTTP ${fault.status})`;
	renderError(
		route.api,
		new EmulatorError(fault.status, message, s3Code(fault.status), headers),
		res,
	);
}

function s3Code(status: number): string {
	if (status === 503 || status === 429) return 'SlowDown';
	if (status === 403) return 'AccessDenied';
	return status >= 500 ? 'InternalError' : 'InvalidRequest';
}

function renderError(api: ApiKind, error: unknown, res: ServerResponse): void {
	if (res.headersSent || res.destroyed) {
		res.destroy();
		return;
	}
	let status = 500;
	let message: string;
	let code = 'InternalError';
	let headers: Record<string, string> = {};
	if (error instanceof PolicyError) {
		status = 403;
		code = 'AccessDenied';
		message =
			api === 'upload'
				? `Invalid App policy (${error.reason})`
				: `application [${error.apiKey}] policy error: ${error.reason}`;
	} else if (error instanceof EmulatorError) {
		({ status, s3Code: code, headers } = error);
		message = error.message;
	} else {
		message = `Emulator error: ${error instanceof Error ? error.message : String(error)}`;
	}
	if (api === 'upload' || api === 'process') {
		sendJson(
			res,
			status,
			{ error: message, c: randomUUID(), i: 'UPL-emu-1', t: unixSeconds() },
			headers,
		);
	} else if (api === 's3') {
		sendS3Error(res, status, code, message, headers);
	} else {
		sendText(res, status, message, headers);
	}
}
