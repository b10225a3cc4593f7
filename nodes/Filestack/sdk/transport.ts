/**
 * The one door through which the SDK talks HTTP. The SDK imports nothing from n8n or Node's network modules:
 * whoever uses it (the n8n nodes, a test, the benchmark) hands in a Transport.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

/** A response body read as a stream of bytes (a Node Readable in practice). */
export type ByteStream = AsyncIterable<Uint8Array>;

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL; `query` is appended to it. */
	url: string;
	query?: Record<string, string>;
	headers?: Record<string, string>;
	/** Sent as `application/json`. */
	json?: unknown;
	/**
	 * Sent as is: bytes of a part, a form body, or a stream (then give `content-length` in `headers`), with the
	 * Content-Type in `headers` or none: a transport adds no header of its own that describes the body.
	 */
	body?: Uint8Array | string | ByteStream;
	/** How to read the response body (default `json`); `json` falls back to text when the body is not JSON. */
	responseType?: 'json' | 'text' | 'stream';
	timeoutMs?: number;
	/**
	 * Whether sending it again does no more than sending it once, so that a try without an answer may be repeated.
	 * By default GET, HEAD, PUT and DELETE are (a repeated DELETE that answers 404 finds the work done) and POST is
	 * not: such a request is repeated only where Filestack cannot have received it.
	 */
	idempotent?: boolean;
	/** For a request that is not idempotent: what to check when it may have reached Filestack but no answer came. */
	outcomeCheck?: string;
}

export interface HttpResponse<Body = unknown> {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	body: Body;
}

export interface Transport {
	/** Resolves with any HTTP status; rejects only when no response arrived (network error, timeout, abort). */
	request(request: HttpRequest): Promise<HttpResponse>;
	/** Waits, and rejects early when the work is cancelled. */
	sleep(ms: number): Promise<void>;
}
