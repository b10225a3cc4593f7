import { FilestackValidationError } from '../errors';

export const STORAGE_LOCATIONS = ['s3', 'S3', 'gcs', 'azure', 'rackspace', 'dropbox'] as const;
export type StorageLocation = (typeof STORAGE_LOCATIONS)[number];

/** Where and how Filestack stores a file. An empty string means "not set", as an empty n8n field does. */
export interface StoreOptions {
	filename?: string;
	/** Upload only: `/process` ignores it. */
	mimetype?: string;
	location?: StorageLocation;
	/** Key or folder in the container; ending with `/` stores the file as `<path><uid>_<filename>`. */
	path?: string;
	container?: string;
	region?: string;
	access?: 'public' | 'private';
	base64decode?: boolean;
	/** Workflow IDs to run once the file is stored (at most 20). */
	workflows?: string[];
	/** Upload only: key/value pairs echoed in the upload webhook (at most 10). */
	uploadTags?: Record<string, string>;
}

const LIMITS = { workflows: 20, tags: 10, tagKey: 128, tagValue: 256 };

const STRING_OPTIONS = ['filename', 'mimetype', 'path', 'container', 'region'] as const;
const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
	...STRING_OPTIONS,
	'location',
	'access',
	'base64decode',
	'workflows',
	'uploadTags',
]);

/** Refuses bad store options before any request, naming the option and what is wrong with it. */
export function validateStoreOptions(options: StoreOptions): void {
	if (typeof options !== 'object' || options === null || Array.isArray(options)) {
		throw new FilestackValidationError('Store options must be an object');
	}
	for (const [name, value] of Object.entries(options)) {
		if (!KNOWN_OPTIONS.has(name)) {
			throw new FilestackValidationError(
				`Unknown store option "${name}" (known: ${[...KNOWN_OPTIONS].join(', ')})`,
			);
		}
		if (value !== undefined && value !== '') checkOption(name, value);
	}
}

function checkOption(name: string, value: unknown): void {
	const fail = (problem: string): never => {
		throw new FilestackValidationError(`Store option "${name}" ${problem}`);
	};
	switch (name) {
		case 'location':
			if (!(STORAGE_LOCATIONS as readonly unknown[]).includes(value)) {
				fail(`must be one of ${STORAGE_LOCATIONS.join(', ')} (got ${quote(value)})`);
			}
			break;
		case 'access':
			if (value !== 'public' && value !== 'private')
				fail(`must be "public" or "private" (got ${quote(value)})`);
			break;
		case 'base64decode':
			if (typeof value !== 'boolean') fail(`must be true or false (got ${quote(value)})`);
			break;
		case 'workflows':
			if (!Array.isArray(value)) fail('must be a list of workflow IDs');
			if ((value as unknown[]).length > LIMITS.workflows) {
				fail(
					`accepts at most ${LIMITS.workflows} workflow IDs (got ${(value as unknown[]).length})`,
				);
			}
			for (const id of value as unknown[]) {
				if (typeof id !== 'string' || id.trim() === '')
					fail(`must contain only non-empty workflow IDs (got ${quote(id)})`);
			}
			break;
		case 'uploadTags':
			checkUploadTags(value, fail);
			break;
		default:
			if (typeof value !== 'string' || value.trim() === '')
				fail(`must be a non-empty text (got ${quote(value)})`);
	}
}

function checkUploadTags(value: unknown, fail: (problem: string) => never): void {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		fail('must be an object of key/value texts');
	const entries = Object.entries(value as Record<string, unknown>);
	if (entries.length > LIMITS.tags)
		fail(`accepts at most ${LIMITS.tags} tags (got ${entries.length})`);
	for (const [key, tag] of entries) {
		if (key === '' || key.length > LIMITS.tagKey) {
			fail(
				`has a key that is empty or longer than ${LIMITS.tagKey} characters: ${quote(key.slice(0, 40))}`,
			);
		}
		if (typeof tag !== 'string') fail(`value of "${key}" must be a text (got ${quote(tag)})`);
		if ((tag as string).length > LIMITS.tagValue) {
			fail(`value of "${key}" is longer than ${LIMITS.tagValue} characters`);
		}
	}
}

function quote(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

/** The `store` object of the Upload API bodies: the same in start, upload, commit and complete. */
export function uploadStoreBody(options: StoreOptions): Record<string, unknown> {
	const store: Record<string, unknown> = { location: options.location || 's3' };
	for (const name of ['path', 'container', 'region', 'access'] as const) {
		if (options[name]) store[name] = options[name];
	}
	if (options.workflows?.length) store.workflows = [...options.workflows];
	return store;
}
