import { badRequest } from './errors';
import type { StoreOptions } from './files';

/** Field checks for JSON bodies; failures read like Filestack's `invalid params: <field>`. */
type Body = Record<string, unknown>;

const LOCATIONS = ['s3', 'gcs', 'azure', 'rackspace', 'dropbox'];

export function requireString(body: Body, field: string): string {
	const value = body[field];
	if (typeof value !== 'string' || value === '')
		throw invalid(field, 'a non-empty string is required');
	return value;
}

export function optionalString(body: Body, field: string): string | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw invalid(field, 'must be a string');
	return value;
}

export function requireInteger(
	body: Body,
	field: string,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number {
	const value = body[field];
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw invalid(field, `an integer from ${min} to ${max} is required`);
	}
	return value;
}

/** The storage options of a `store` object or store task; unknown locations are refused. */
export function storeOptions(value: unknown, field = 'store'): StoreOptions {
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'must be an object');
	const store = value as Body;
	const options: StoreOptions = {
		location: optionalString(store, 'location'),
		path: optionalString(store, 'path')?.replace(/^"(.*)"$/, '$1'),
		container: optionalString(store, 'container'),
		region: optionalString(store, 'region'),
		access: optionalString(store, 'access'),
	};
	if (options.location !== undefined && !LOCATIONS.includes(options.location.toLowerCase())) {
		throw invalid(`${field}.location`, `one of ${LOCATIONS.join(', ')}`);
	}
	if (options.access !== undefined && !['public', 'private'].includes(options.access)) {
		throw invalid(`${field}.access`, 'public or private');
	}
	return options;
}

/** Workflow IDs, given as strings or `{ id }` objects (JS). */
export function workflowIds(value: unknown, field = 'workflows'): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw invalid(field, 'must be an array');
	return value.map((item: unknown) => {
		if (typeof item === 'string' && item !== '') return item;
		if (typeof item === 'object' && item !== null && typeof (item as Body).id === 'string')
			return (item as Body).id as string;
		throw invalid(field, 'items must be workflow IDs');
	});
}

/** Upload tags: at most 10 pairs, keys up to 128 and values up to 256 characters. */
export function uploadTags(value: unknown): Record<string, string> | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value))
		throw invalid('upload_tags', 'must be an object');
	const entries = Object.entries(value as Body);
	if (entries.length > 10) throw invalid('upload_tags', 'at most 10 tags');
	for (const [key, tag] of entries) {
		if (key.length > 128 || typeof tag !== 'string' || tag.length > 256) {
			throw invalid('upload_tags', 'keys up to 128 and string values up to 256 characters');
		}
	}
	return value as Record<string, string>;
}

export function invalid(field: string, why: string) {
	return badRequest(`invalid params: ${field} (${why})`);
}
