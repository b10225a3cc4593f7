import { Readable } from 'node:stream';

import { FilestackApiError, FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { toStoredFile } from '../../nodes/Filestack/sdk/storedFile';
import {
	StoreOptions,
	UploadOptions,
	validateStoreOptions,
} from '../../nodes/Filestack/sdk/upload';
import { streamOf, testBytes, useFakeUploadApi } from './uploadFixtures';

describe('validateStoreOptions', () => {
	test.each([
		['both spellings of S3', { location: 'S3' }],
		['lower-case s3', { location: 's3' }],
		[
			'every storage field',
			{ location: 'dropbox', path: 'a/', container: 'c', region: 'eu-west-1', access: 'private' },
		],
		['20 workflows', { workflows: Array.from({ length: 20 }, (_, i) => `w${i}`) }],
		[
			'10 tags with keys of 128 and values of 256 characters',
			{
				uploadTags: Object.fromEntries(
					Array.from({ length: 10 }, (_, i) => [`k${i}`.padEnd(128, 'x'), 'v'.repeat(256)]),
				),
			},
		],
		[
			'file name, MIME type and base64decode',
			{ filename: 'a.png', mimetype: 'image/png', base64decode: true },
		],
		[
			'empty n8n fields, meaning "not set"',
			{ path: '', container: '', location: '' as StoreOptions['location'], workflows: [] },
		],
	])('accepts %s', (_label, options) => {
		expect(() => validateStoreOptions(options as StoreOptions)).not.toThrow();
	});

	const refusals: Array<[Record<string, unknown>, string | RegExp]> = [
		[
			{ location: 'googlecloud' },
			'Store option "location" must be one of s3, S3, gcs, azure, rackspace, dropbox (got "googlecloud")',
		],
		[{ access: 'Public' }, 'Store option "access" must be "public" or "private" (got "Public")'],
		[{ workflows: 'w1' }, 'Store option "workflows" must be a list of workflow IDs'],
		[
			{ workflows: Array.from({ length: 21 }, (_, i) => `w${i}`) },
			'Store option "workflows" accepts at most 20 workflow IDs (got 21)',
		],
		[
			{ workflows: ['w1', ' '] },
			'Store option "workflows" must contain only non-empty workflow IDs (got " ")',
		],
		[
			{ uploadTags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
			'Store option "uploadTags" accepts at most 10 tags (got 11)',
		],
		[
			{ uploadTags: { ['k'.repeat(129)]: 'v' } },
			/Store option "uploadTags" has a key that is empty or longer than 128 characters/,
		],
		[
			{ uploadTags: { k: 'v'.repeat(257) } },
			'Store option "uploadTags" value of "k" is longer than 256 characters',
		],
		[{ uploadTags: { k: 5 } }, 'Store option "uploadTags" value of "k" must be a text (got 5)'],
		[{ filename: '  ' }, 'Store option "filename" must be a non-empty text (got "  ")'],
		[{ path: 7 }, 'Store option "path" must be a non-empty text (got 7)'],
		[{ base64decode: 'yes' }, 'Store option "base64decode" must be true or false (got "yes")'],
		[{ upload_tags: { a: 'b' } }, /^Unknown store option "upload_tags" \(known: .*uploadTags/],
	];
	test.each(refusals.map(([options, message]) => [String(message), options, message] as const))(
		'refuses: %s',
		(_name, options, message) => {
			expect(() => validateStoreOptions(options as StoreOptions)).toThrow(FilestackValidationError);
			expect(() => validateStoreOptions(options as StoreOptions)).toThrow(message);
		},
	);
});

describe('uploadStream checks everything before the first request', () => {
	const fake = useFakeUploadApi();

	test.each([
		[{ store: { location: 'ftp' } }, /Store option "location"/],
		[{ store: { uploadTags: { k: 'v'.repeat(300) } } }, /longer than 256 characters/],
		[{ filename: '' }, 'The file name must not be empty'],
		[{ concurrency: 0 }, 'Concurrency must be a whole number from 1 to 20 (got 0)'],
		[{ concurrency: 21 }, 'Concurrency must be a whole number from 1 to 20 (got 21)'],
		[
			{ partSize: 4 * 1024 * 1024 },
			'The part size must be at least 5242880 bytes (5 MiB) (got 4194304)',
		],
		[{ intelligent: 'yes' }, 'Intelligent Ingestion must be one of auto, on, off (got yes)'],
	])('%j', async (options, message) => {
		const bytes = testBytes(10);
		const failure = fake.upload(
			{ size: 10, stream: streamOf(bytes) },
			{
				filename: 'a.bin',
				...(options as Partial<UploadOptions>),
			},
		);
		await expect(failure).rejects.toThrow(FilestackValidationError);
		await expect(failure).rejects.toThrow(message);
		expect(fake.api.requests).toHaveLength(0);
	});

	test('the source stream is closed even when the upload fails before reading it', async () => {
		const refused = Readable.from([Buffer.from('abc')]);
		await expect(fake.upload({ size: 3, stream: refused }, { filename: '' })).rejects.toThrow(
			FilestackValidationError,
		);
		expect(refused.destroyed).toBe(true);

		// Refused twice: "auto" asks for Intelligent Ingestion, then for a regular upload.
		const invalid = { status: 400, body: '{"error":"Parameters are inalid"}' };
		fake.api.failures.start.push(invalid, invalid);
		const unstarted = Readable.from([Buffer.from('abc')]);
		await expect(fake.upload({ size: 3, stream: unstarted }, { filename: 'a' })).rejects.toThrow(
			'Multipart start failed with HTTP 400: Parameters are inalid',
		);
		expect(unstarted.destroyed).toBe(true);
	});

	test('a negative or fractional size', async () => {
		for (const size of [-1, 1.5, Number.NaN]) {
			const failure = fake.upload(
				{ size, stream: streamOf(testBytes(1)) },
				{
					filename: 'a.bin',
				},
			);
			await expect(failure).rejects.toThrow(
				/^The file size must be a whole number of bytes, 0 or more/,
			);
		}
		expect(fake.api.requests).toHaveLength(0);
	});
});

describe('toStoredFile', () => {
	test('an upload answer: the five fields first-class, the rest kept under Filestack’s names', () => {
		const body = {
			handle: 'H',
			url: 'https://cdn.filestackcontent.com/H',
			filename: 'a.png',
			size: 12,
			mimetype: 'image/png',
			status: 'Stored',
			key: 'k_a.png',
			container: 'bucket',
			upload_tags: { a: 'b' },
			workflows: { w1: 'job' },
		};
		expect(toStoredFile(body)).toEqual(body);
	});

	test('a store answer: `type` becomes mimetype, the handle comes from the URL, size may be text', () => {
		expect(
			toStoredFile({
				url: 'https://cdn.filestackcontent.com/XYZ',
				type: 'image/jpeg',
				size: '8331',
				filename: 'w.jpg',
				key: 'k',
			}),
		).toEqual({
			handle: 'XYZ',
			url: 'https://cdn.filestackcontent.com/XYZ',
			mimetype: 'image/jpeg',
			size: 8331,
			filename: 'w.jpg',
			key: 'k',
		});
	});

	test('fields the answer leaves out come from what the caller knows', () => {
		expect(
			toStoredFile({ handle: 'H', url: 'u/H' }, { filename: 'f', size: 3, mimetype: 'm/n' }),
		).toEqual({
			handle: 'H',
			url: 'u/H',
			filename: 'f',
			size: 3,
			mimetype: 'm/n',
		});
	});

	test('an answer naming no file is an error, not a file without a handle', () => {
		expect(() => toStoredFile({ status: 'ok' })).toThrow(FilestackApiError);
		expect(() => toStoredFile({ status: 'ok' })).toThrow(/the answer names no stored file/);
	});
});
