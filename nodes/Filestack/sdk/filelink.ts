import type { Client } from './client';
import { download, Download } from './download';
import { FilestackValidationError } from './errors';
import { checkFetchUrl } from './fetchUrl';
import type { PolicyCall } from './security';
import { Transformation } from './transformation';
import type { ByteStream } from './transport';
import { isHandle } from './url';

/** New content for a file: bytes streamed from a source that can be opened again for a retry, or a public URL. */
export type OverwriteContent =
	| { size: number; mimetype?: string; open: () => Promise<ByteStream> }
	| { url: string };

/** Metadata attributes Filestack answers (`exif` needs its own policy call). */
export const METADATA_ATTRIBUTES = [
	'size',
	'mimetype',
	'filename',
	'width',
	'height',
	'uploaded',
	'writeable',
	'cloud',
	'source_url',
	'md5',
	'sha1',
	'sha224',
	'sha256',
	'sha384',
	'sha512',
	'location',
	'path',
	'container',
	'exif',
] as const;
export type MetadataAttribute = (typeof METADATA_ATTRIBUTES)[number];

/** A stored file, by its handle, like the Python SDK's `Filelink`; each call is signed for just that call and handle. */
export class Filelink {
	private readonly root: Transformation;

	constructor(
		private readonly client: Client,
		readonly handle: string,
	) {
		if (!isHandle(handle)) {
			throw new FilestackValidationError(
				`"${handle}" is not a Filestack handle (the last part of a file's URL)`,
			);
		}
		this.root = client.transformation({ handle });
	}

	/** The file's CDN URL, signed for reading when the credential has an app secret. */
	url(): string {
		return this.root.url(['read']);
	}

	/** A chain of processing tasks on this file. */
	transform(): Transformation {
		return this.root;
	}

	async download(): Promise<Download> {
		return await download(this.client.http, `Download of ${this.handle}`, this.url());
	}

	async metadata(attributes: MetadataAttribute[] = []): Promise<Record<string, unknown>> {
		const calls: PolicyCall[] = attributes.includes('exif') ? ['stat', 'exif'] : ['stat'];
		const query: Record<string, string> = Object.fromEntries(
			attributes.map((name) => [name, 'true']),
		);
		return await this.client.http.json(`Metadata of ${this.handle}`, {
			method: 'GET',
			url: `${this.client.endpoints.cdn}/${this.handle}/metadata`,
			query: { ...query, ...this.signedQuery(calls) },
		});
	}

	async delete(): Promise<void> {
		const security = this.client.requirePolicyFor('Deleting a file', ['remove'], {
			handle: this.handle,
		});
		await this.client.http.send(`Delete of ${this.handle}`, {
			method: 'DELETE',
			url: this.fileApiUrl(),
			query: { key: this.client.apiKey, ...security.toParams() },
			responseType: 'text',
		});
	}

	/** Replaces the file's content and answers Filestack's new description of it. */
	async overwrite(
		content: OverwriteContent,
		base64decode = false,
	): Promise<Record<string, unknown>> {
		if ('url' in content) checkFetchUrl('The URL of the new content', content.url, false);
		const security = this.client.requirePolicyFor('Overwriting a file', ['write'], {
			handle: this.handle,
		});
		const query = { ...security.toParams(), base64decode: String(base64decode) };
		const what = `Overwrite of ${this.handle}`;
		const outcomeCheck = `Check the metadata of ${this.handle} (size, checksum) to see whether it was overwritten.`;
		const response =
			'url' in content
				? await this.client.http.send(what, {
						method: 'POST',
						url: this.fileApiUrl(),
						outcomeCheck,
						query,
						headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
						body: new URLSearchParams({ url: content.url }).toString(),
						responseType: 'json',
					})
				: await this.client.http.send(what, async () => ({
						method: 'POST',
						url: this.fileApiUrl(),
						outcomeCheck,
						query,
						headers: {
							'Content-Type': content.mimetype ?? 'application/octet-stream',
							'Content-Length': String(content.size),
						},
						body: await content.open(),
						responseType: 'json',
					}));
		return typeof response.body === 'object' && response.body !== null
			? (response.body as Record<string, unknown>)
			: {};
	}

	/** Image tags: `{ tags: { auto: { label: confidence }, user } }`. */
	async tags(): Promise<Record<string, unknown>> {
		return await this.intelligence('tags');
	}

	/** Whether the image is safe for work: `{ sfw: boolean }`. */
	async sfw(): Promise<Record<string, unknown>> {
		return await this.intelligence('sfw');
	}

	/** Text found in the image or document. */
	async ocr(): Promise<Record<string, unknown>> {
		return await this.intelligence('ocr');
	}

	private async intelligence(task: 'tags' | 'sfw' | 'ocr'): Promise<Record<string, unknown>> {
		this.client.requirePolicyFor(`The ${task} task`, ['read', 'convert'], { handle: this.handle });
		const url = this.root.add({ name: task }).url(['read', 'convert']);
		return await this.client.http.json(`${task} of ${this.handle}`, { method: 'GET', url });
	}

	private signedQuery(calls: PolicyCall[]): Record<string, string> {
		return this.client.policyFor(calls, { handle: this.handle })?.toParams() ?? {};
	}

	private fileApiUrl(): string {
		return `${this.client.endpoints.api}/file/${encodeURIComponent(this.handle)}`;
	}
}
