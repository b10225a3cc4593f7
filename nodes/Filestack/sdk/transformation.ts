import { AudioVisual } from './audioVisual';
import type { Client } from './client';
import { download, Download } from './download';
import { FilestackValidationError } from './errors';
import { chainScope, type PolicyScope } from './policyScope';
import { PolicyCall, Security } from './security';
import { STORED_FILE_CHECK, StoreCallOptions, StoredFile, toStoredFile } from './storedFile';
import { Source, Task, transformationUrl, validateTasks } from './url';

/**
 * A chain of processing tasks on a source, like the Python SDK's `Transformation` — except that adding a task
 * returns a new chain instead of changing this one, so a chain can be shared and extended safely.
 */
export class Transformation {
	constructor(
		private readonly client: Client,
		readonly source: Source,
		readonly tasks: readonly Task[],
	) {}

	add(...tasks: Task[]): Transformation {
		return new Transformation(this.client, this.source, [...this.tasks, ...tasks]);
	}

	/**
	 * The URL of the result, signed when the credential has an app secret: for `calls` only, limited to what the
	 * chain reads (see `scope`) and living `ttlSeconds` (5 minutes by default), or with a Security of the caller's
	 * making. Validates every task first.
	 */
	url(signing: PolicyCall[] | Security = ['read', 'convert'], ttlSeconds?: number): string {
		return this.build(
			signing instanceof Security
				? signing
				: this.client.policyFor(signing, this.scope(), ttlSeconds),
		);
	}

	/** Every handle and URL the chain reads, as far as a policy can be limited to them. */
	scope(): PolicyScope {
		return chainScope(this.source, validateTasks(this.tasks));
	}

	/** The processed file as a stream. */
	async download(): Promise<Download> {
		return await download(this.client.http, 'Transformation', this.url());
	}

	/** Stores the processed file and returns it (the `store` task, signed, unlike the Python SDK). */
	async store(
		params: Record<string, unknown> = {},
		options: StoreCallOptions = {},
	): Promise<StoredFile> {
		const url = this.add({ name: 'store', params }).url(['read', 'convert', 'store']);
		const body = await this.client.http.json(
			'Store',
			{ method: 'POST', url, outcomeCheck: STORED_FILE_CHECK },
			{ retry: { timeoutMs: options.timeoutMs } },
		);
		return toStoredFile(body);
	}

	/** Starts a `video_convert` of the source; the returned handle polls its status. */
	async videoConvert(params: Record<string, unknown>): Promise<AudioVisual> {
		if ('sources' in this.source) {
			throw new FilestackValidationError('A conversion works on one handle or one URL');
		}
		const audioVisual = new AudioVisual(this.client, this.source, [
			...this.tasks,
			{ name: 'video_convert', params },
		]);
		await audioVisual.status();
		return audioVisual;
	}

	private build(security?: Security): string {
		return transformationUrl({
			cdn: this.client.endpoints.cdn,
			apiKey: this.client.apiKey,
			source: this.source,
			tasks: [...this.tasks],
			security,
		});
	}
}
