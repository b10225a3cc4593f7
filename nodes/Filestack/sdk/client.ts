import { type Access, checkAccess } from './accessCheck';
import { AudioVisual } from './audioVisual';
import type { Endpoints } from './endpoints';
import { FilestackValidationError } from './errors';
import { checkFetchUrl } from './fetchUrl';
import { Filelink } from './filelink';
import { Http } from './http';
import type { RetryPolicy } from './retry';
import { exactly, type PolicyScope } from './policyScope';
import { leastPrivilege, PolicyCall, Security, UPLOAD_CALLS } from './security';
import { STORED_FILE_CHECK, StoreCallOptions, StoredFile, toStoredFile } from './storedFile';
import { Transformation } from './transformation';
import type { Transport } from './transport';
import type { Source } from './url';
import {
	PartMemory,
	StoreOptions,
	uploadStream,
	UploadOptions,
	UploadSource,
	validateStoreOptions,
} from './upload';

export interface ClientOptions {
	apiKey: string;
	/** When set, every request is signed with a short-lived policy that allows only that call. */
	appSecret?: string;
	endpoints: Endpoints;
	transport: Transport;
	retry?: RetryPolicy;
}

/** The entry point of the SDK, like the Python SDK's `Client`: holds the key, the endpoints and the signing secret. */
export class Client {
	readonly apiKey: string;
	readonly endpoints: Endpoints;
	readonly http: Http;
	/** Shared by all uploads of the client, so that uploads at once never hold more parts than one budget. */
	private readonly partMemory = new PartMemory();
	// A private field: never enumerated, logged or serialised with the client.
	readonly #appSecret?: string;

	constructor(options: ClientOptions) {
		if (!options.apiKey?.trim())
			throw new FilestackValidationError('The Filestack API key is empty');
		this.apiKey = options.apiKey.trim();
		this.endpoints = options.endpoints;
		this.http = new Http(options.transport, options.retry);
		this.#appSecret = options.appSecret || undefined;
	}

	get signsRequests(): boolean {
		return this.#appSecret !== undefined;
	}

	/**
	 * A signed policy allowing only `calls` (on that handle, for those URLs), living `ttlSeconds` (5 minutes by
	 * default), or undefined when the credential has no app secret (the request then goes unsigned).
	 */
	policyFor(
		calls: PolicyCall[],
		scope: PolicyScope = {},
		ttlSeconds?: number,
	): Security | undefined {
		return this.#appSecret
			? leastPrivilege(this.#appSecret, { call: calls, ...scope, ttlSeconds })
			: undefined;
	}

	/** Like `policyFor`, for the calls Filestack refuses to serve unsigned: without an app secret, `what` fails. */
	requirePolicyFor(what: string, calls: PolicyCall[], scope: PolicyScope = {}): Security {
		const security = this.policyFor(calls, scope);
		if (!security) {
			throw new FilestackValidationError(
				`${what} needs a signed request: add the app secret of your Filestack application to the credential`,
			);
		}
		return security;
	}

	/** A policy of the caller's own making, signed with the credential's app secret. */
	signOwnPolicy(createPolicy: (secret: string) => Security): Security {
		if (!this.#appSecret) {
			throw new FilestackValidationError(
				'Creating a policy needs the app secret of your Filestack application in the credential',
			);
		}
		return createPolicy(this.#appSecret);
	}

	/** What Filestack says about the API key and the app secret: a probe upload, started and never continued. */
	async checkAccess(): Promise<Access> {
		return await checkAccess(
			this.http.transport,
			{ uploadBase: this.endpoints.upload, apiKey: this.apiKey },
			this.#appSecret ? (calls) => this.policyFor(calls) : undefined,
		);
	}

	filelink(handle: string): Filelink {
		return new Filelink(this, handle);
	}

	transformation(source: Source): Transformation {
		return new Transformation(this, source, []);
	}

	/** A screenshot of a web page, as a transformation that can be given more tasks, downloaded or stored. */
	screenshot(url: string, params: Record<string, unknown> = {}): Transformation {
		checkFetchUrl('The page URL', url, false);
		return this.transformation({ url }).add({ name: 'urlscreenshot', params });
	}

	/** A ZIP of several handles or URLs. */
	zip(sources: string[]): Transformation {
		return this.transformation({ sources }).add({ name: 'zip' });
	}

	/** A conversion already started, resumed from its status URL (on this credential's CDN only). */
	audioVisual(statusUrl: string): AudioVisual {
		return AudioVisual.resume(this, statusUrl);
	}

	/** Streams bytes into a new file: multipart, with Intelligent Ingestion when asked or available. */
	async upload(
		source: UploadSource,
		options: Omit<UploadOptions, 'sign' | 'memory'>,
	): Promise<StoredFile> {
		return await uploadStream(
			this.http,
			{ uploadBase: this.endpoints.upload, apiKey: this.apiKey },
			source,
			{ ...options, sign: (calls) => this.policyFor(calls), memory: this.partMemory },
		);
	}

	/** Stores the file at a public URL (the `/process` store task); Filestack answers once it has fetched it. */
	async uploadFromUrl(
		url: string,
		store: StoreOptions = {},
		options: StoreCallOptions = {},
	): Promise<StoredFile> {
		checkFetchUrl('The URL', url, false);
		validateStoreOptions(store);
		const security = this.policyFor([...UPLOAD_CALLS], { url: exactly([url]) });
		const tasks: Array<{ name: string; params: Record<string, unknown> }> = [
			{ name: 'store', params: { location: 's3', ...storeTaskParams(store) } },
		];
		if (security) tasks.push(security.toTask());
		const body = await this.http.json(
			'Upload from URL',
			{
				method: 'POST',
				url: `${this.endpoints.cdn}/process`,
				json: { apikey: this.apiKey, sources: [url], tasks },
				outcomeCheck: STORED_FILE_CHECK,
			},
			{ retry: { timeoutMs: options.timeoutMs } },
		);
		return toStoredFile(body);
	}
}

/** The store options the `/process` store task takes (MIME type and upload tags are upload-only). */
const UPLOAD_ONLY: ReadonlySet<string> = new Set(['mimetype', 'uploadTags']);

function storeTaskParams(store: StoreOptions): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(store).filter(
			([name, value]) => !UPLOAD_ONLY.has(name) && value !== undefined && value !== '',
		),
	);
}
