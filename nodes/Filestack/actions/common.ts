import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FilestackValidationError } from '../sdk/errors';
import { checkFetchUrl } from '../sdk/fetchUrl';
import { handleOfUrl } from '../sdk/url';

/** The handle of the file to work on; a whole Filestack URL is accepted too. */
export const handleProperty: INodeProperties = {
	displayName: 'Handle',
	name: 'handle',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 2h25ZGRHTmSNxxVbVhVs',
	description:
		'The handle of the file: the last part of its Filestack URL (a whole Filestack URL works too)',
};

export function binaryPropertyProperty(purpose: 'input' | 'output'): INodeProperties {
	return purpose === 'input'
		? {
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				required: true,
				default: 'data',
				hint: 'The name of the input binary field containing the file',
			}
		: {
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				required: true,
				default: 'data',
				hint: 'The name of the output binary field to put the file in',
			};
}

/**
 * How long a call that stores a file waits for Filestack's answer, which comes only once Filestack has fetched or
 * processed the file: a big file needs more than the default.
 */
export const storeTimeoutProperty: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	// The SDK's per-request timeout (DEFAULT_RETRY.timeoutMs), in seconds.
	default: 120,
	description:
		'How long to wait for Filestack to answer. Filestack answers once it has fetched or processed the file: raise it for big files.',
};

export function readStoreTimeoutMs(context: IExecuteFunctions, itemIndex: number): number {
	return Number(context.getNodeParameter('timeout', itemIndex)) * 1000;
}

/** Where and how Filestack stores a file (upload, upload from URL, store of a transformation). */
export function storeOptionsProperty(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Store Options',
		name: 'storeOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: (
			[
				{
					displayName: 'Access',
					name: 'access',
					type: 'options',
					options: [
						{ name: 'Public', value: 'public' },
						{ name: 'Private', value: 'private' },
					],
					default: 'public',
					description: 'Whether the stored file is publicly readable in your storage (S3)',
				},
				{
					displayName: 'Container',
					name: 'container',
					type: 'string',
					default: '',
					description: 'The bucket or container to store the file in',
				},
				{
					displayName: 'File Name',
					name: 'filename',
					type: 'string',
					default: '',
					description: 'The name to store the file under',
				},
				{
					displayName: 'Location',
					name: 'location',
					type: 'options',
					options: [
						{ name: 'Amazon S3', value: 's3' },
						{ name: 'Azure', value: 'azure' },
						{ name: 'Dropbox', value: 'dropbox' },
						{ name: 'Google Cloud Storage', value: 'gcs' },
						{ name: 'Rackspace', value: 'rackspace' },
					],
					default: 's3',
					description: 'The storage the file goes to',
				},
				{
					displayName: 'Path',
					name: 'path',
					type: 'string',
					default: '',
					placeholder: 'e.g. invoices/2026/',
					description:
						'The key or path in the container; ending with / stores the file in that folder',
				},
				{
					displayName: 'Region',
					name: 'region',
					type: 'string',
					default: '',
					placeholder: 'e.g. us-east-1',
					description: 'The storage region (S3)',
				},
				{
					displayName: 'Workflow IDs',
					name: 'workflows',
					type: 'string',
					default: '',
					placeholder: 'e.g. 6f2a4b8c-…, 9d1e…',
					description:
						'Filestack workflows to run once the file is stored, separated by commas (at most 20)',
				},
				...extra,
			] as INodeProperties[]
		).sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The store options as the SDK takes them: empty fields left out, workflow IDs split. */
export function readStoreOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = context.getNodeParameter('storeOptions', itemIndex, {}) as IDataObject;
	const options: IDataObject = {};
	for (const [name, value] of Object.entries(raw)) {
		if (value === '' || value === undefined) continue;
		options[name] =
			name === 'workflows'
				? String(value)
						.split(',')
						.map((id) => id.trim())
						.filter(Boolean)
				: value;
	}
	return options;
}

/** A handle from the parameter, or from a Filestack URL pasted into it (its last path segment). */
export function readHandle(context: IExecuteFunctions, itemIndex: number): string {
	const value = String(context.getNodeParameter('handle', itemIndex)).trim();
	if (!/^https?:\/\//i.test(value)) return value;
	const last = handleOfUrl(value);
	if (!last) {
		throw new FilestackValidationError(
			`Handle ${JSON.stringify(value)} is a URL without a file handle at the end of its path`,
		);
	}
	return last;
}

/**
 * A URL parameter Filestack is to fetch, checked by the one rule for them all (see sdk/fetchUrl.ts); `label` is
 * the parameter's name in the editor, for the message.
 */
export function readUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	label: string,
	storageAlias: boolean,
): string {
	const url = String(context.getNodeParameter('url', itemIndex)).trim();
	checkFetchUrl(label, url, storageAlias);
	return url;
}

/** A number parameter within bounds (and whole, if asked); `label` is its name in the editor, for the message. */
export function readNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: { name: string; label: string; min: number; max: number; whole?: boolean },
	fallback?: number,
): number {
	const { name, label, min, max, whole } = parameter;
	const value = context.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (
		typeof value !== 'number' ||
		!Number.isFinite(value) ||
		(whole && !Number.isInteger(value)) ||
		value < min ||
		value > max
	) {
		throw new FilestackValidationError(
			`${label} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max} (got ${JSON.stringify(value)})`,
		);
	}
	return value;
}

/** What a transformation or conversion works on: a stored file (handle) or a public URL. */
export function sourceProperties(
	what: string,
	urlExample: string,
	urlDescription: string,
): INodeProperties[] {
	return [
		{
			displayName: 'Source',
			name: 'sourceType',
			type: 'options',
			options: [
				{ name: 'Handle', value: 'handle', description: 'A file stored in Filestack' },
				{ name: 'URL', value: 'url', description: 'A public URL or a storage alias (src://…)' },
			],
			default: 'handle',
			description: `What to ${what}`,
		},
		{ ...handleProperty, displayOptions: { show: { sourceType: ['handle'] } } },
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			required: true,
			default: '',
			placeholder: `e.g. ${urlExample}`,
			description: urlDescription,
			displayOptions: { show: { sourceType: ['url'] } },
		},
	];
}

export function readSource(
	context: IExecuteFunctions,
	itemIndex: number,
): { handle: string } | { url: string } {
	return context.getNodeParameter('sourceType', itemIndex) === 'handle'
		? { handle: readHandle(context, itemIndex) }
		: { url: readUrl(context, itemIndex, 'URL', true) };
}
