import type { NodeSpec, WorkflowRun } from '../harness';
import { binaryBuffer, bytes, filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { pairedItems, visibleText, useNodeFixture } from './support';

// How the node fails: the message names the item and the cause, "continue on fail" turns a failing item into an
// error item paired with it while the others go on, and the app secret of the credential never shows.
const SECRET = 'errors-app-secret-never-shown';
const APP: EmulatedApp = { apiKey: 'ERRORS_KEY', appSecret: SECRET };
const UNKNOWN_HANDLE = 'AAAAAAAAAAAAAAAAAAAA';

const fixture = useNodeFixture({ apps: [APP], site: {} });
let handle: string;

beforeAll(async () => {
	handle = (await fixture.seeder.store(APP, 'the one good file\n', 'good.txt', 'text/plain'))
		.handle;
});

afterEach(() => fixture.emulator.faults.reset());

/** Runs a workflow; whatever happens, nothing it shows may contain the app secret. */
async function run(nodes: NodeSpec[]): Promise<WorkflowRun> {
	const result = await fixture.harness.run({ nodes });
	expect(visibleText(result)).not.toContain(SECRET);
	return result;
}

/** The error the Filestack node failed with, after checking that it stopped the workflow. */
function failure(result: WorkflowRun) {
	expect(result.status).toBe('error');
	const error = result.nodeError('Filestack');
	expect(error).toBeDefined();
	return error!;
}

/** The correlation id Filestack's Upload API adds to an error, for support requests. */
const correlationId = (message: string) => /\(correlation id ([0-9a-f-]{36})\)/.exec(message)?.[1];

const download = (
	parameters: Record<string, unknown> = {},
	onError?: NodeSpec['onError'],
): NodeSpec => ({
	...filestackNode({
		resource: 'file',
		operation: 'download',
		handle: '={{ $json.handle }}',
		...parameters,
	}),
	...(onError ? { onError } : {}),
});

describe('the message names the item and the cause', () => {
	it('a handle that is not one, refused before any request', async () => {
		const first = fixture.emulator.requests.length;
		const error = failure(await run([source([{ json: { handle: 'not a handle!' } }]), download()]));

		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(
			'"not a handle!" is not a Filestack handle (the last part of a file\'s URL) (File → Download) [item 0]',
		);
		expect(fixture.emulator.requests.length).toBe(first);
	});

	it('an input item without the binary field to upload', async () => {
		const error = failure(
			await run([
				source([
					{ binary: { data: bytes('fine', 'a.txt') } },
					{ binary: { attachment: bytes('elsewhere', 'b.txt') } },
				]),
				filestackNode({ resource: 'file', operation: 'upload' }),
			]),
		);

		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe("The item has no binary field 'data' (File → Upload) [item 1]");
	});

	it('an input item without any binary data', async () => {
		const error = failure(
			await run([
				source([{ json: { text: 'no file' } }]),
				filestackNode({ resource: 'file', operation: 'overwrite', handle }),
			]),
		);

		expect(error.message).toMatch(/binary file 'data'.* \[item 0\]$/);
	});

	it('a bad parameter in the typed task list, refused before any request', async () => {
		const first = fixture.emulator.requests.length;
		const error = failure(
			await run([
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					handle,
					tasks: { task: [{ name: 'flip' }, { name: 'resize', resizeParameters: { width: -5 } }] },
					output: 'binary',
				}),
			]),
		);

		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(
			'Task "resize": parameter "width" must be an integer from 1 to 10000 (got -5) (Transformation → Transform) [item 0]',
		);
		expect(fixture.emulator.requests.length).toBe(first);
	});

	it.each([
		['an unknown task', 'resize=width:300/sharpenn', 'Unknown task "sharpenn"'],
		[
			'an unknown parameter',
			'resize=size:300',
			'Task "resize": unknown parameter "size" (known: width, height, fit, align)',
		],
		[
			'a value out of range',
			'blur=amount:50',
			'Task "blur": parameter "amount" must be an integer from 0 to 20 (got "50")',
		],
		[
			'broken syntax',
			'resize=width',
			'Task chain: expected ":" after "width" in task "resize" at position 13',
		],
	])('%s in a task chain given as text', async (_, taskChain, cause) => {
		const error = failure(
			await run([
				filestackNode({
					resource: 'transformation',
					operation: 'transform',
					handle,
					chainInput: 'text',
					taskChain,
				}),
			]),
		);

		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(`${cause} (Transformation → Transform) [item 0]`);
	});

	it('a file Filestack does not have (HTTP 404)', async () => {
		const error = failure(
			await run([source([{ json: { handle } }, { json: { handle: UNKNOWN_HANDLE } }]), download()]),
		);

		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(
			`Download of ${UNKNOWN_HANDLE} failed with HTTP 404: File not found (File → Download) [item 1]`,
		);
		expect(error.description).toBe(
			'Check that the handle or URL exists and belongs to this Filestack application.',
		);
		expect((error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('a URL Filestack cannot fetch', async () => {
		const missing = `${fixture.site.url}/missing.csv`;
		const error = failure(
			await run([filestackNode({ resource: 'file', operation: 'uploadFromUrl', url: missing })]),
		);

		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(
			`Upload from URL failed with HTTP 400: Cannot fetch ${missing}: it answered HTTP 404 ` +
				`(correlation id ${correlationId(error.message)}) (File → Upload From URL) [item 0]`,
		);
	});

	it('a refusal Filestack gives for no reason the node can see (HTTP 400)', async () => {
		fixture.emulator.faults.failNext('metadata', 1, 400);
		const error = failure(
			await run([filestackNode({ resource: 'file', operation: 'getMetadata', handle })]),
		);

		expect(error.message).toBe(
			`Metadata of ${handle} failed with HTTP 400: Emulated failure (HTTP 400) (File → Get Metadata) [item 0]`,
		);
	});

	it('is not raised for a passing server failure, which is tried again', async () => {
		fixture.emulator.faults.failNext('download', 1, 503);
		const first = fixture.emulator.requests.length;
		const result = await run([download({ handle })]);

		expect(result.status).toBe('success');
		expect((await binaryBuffer(result.output('Filestack')[0])).toString()).toBe(
			'the one good file\n',
		);
		expect(fixture.emulator.requests.slice(first).map(({ route }) => route)).toEqual([
			'download',
			'download',
		]);
	});
});

describe('continue on fail', () => {
	/** Two good items around two failing ones: an API error (404) and a validation error. */
	const mixedItems = () =>
		source([
			{ json: { n: 0, handle } },
			{ json: { n: 1, handle: UNKNOWN_HANDLE } },
			{ json: { n: 2, handle: 'bad handle' } },
			{ json: { n: 3, handle } },
		]);
	const notFound = `Download of ${UNKNOWN_HANDLE} failed with HTTP 404: File not found (File → Download) [item 1]`;
	const invalid =
		'"bad handle" is not a Filestack handle (the last part of a file\'s URL) (File → Download) [item 2]';

	it('puts an error item in the place of each failing item, paired with it, and goes on with the others', async () => {
		const result = await run([mixedItems(), download({}, 'continueRegularOutput')]);

		expect(result.status).toBe('success');
		const items = result.output('Filestack');
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items.map(({ json }) => json)).toEqual([
			{ handle, filename: 'good.txt', mimetype: 'text/plain', size: 18 },
			{ error: notFound },
			{ error: invalid },
			{ handle, filename: 'good.txt', mimetype: 'text/plain', size: 18 },
		]);
		for (const index of [0, 3]) {
			expect((await binaryBuffer(items[index])).toString()).toBe('the one good file\n');
		}
		// The error itself stays with the item, for n8n to show: its description and HTTP status too.
		expect(items[1].error).toMatchObject({
			description: 'Check that the handle or URL exists and belongs to this Filestack application.',
			httpCode: '404',
		});
	});

	it('sends the failing items to the error output, when the node has one', async () => {
		const result = await run([mixedItems(), download({}, 'continueErrorOutput')]);

		const succeeded = result.output('Filestack', 0);
		const failed = result.output('Filestack', 1);
		expect(pairedItems(succeeded)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(succeeded.map(({ json }) => json.handle)).toEqual([handle, handle]);
		expect(pairedItems(failed)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(failed.map(({ json }) => json)).toEqual([{ error: notFound }, { error: invalid }]);
	});

	it('without it, stops at the first failing item', async () => {
		const first = fixture.emulator.requests.length;
		const error = failure(await run([mixedItems(), download()]));

		expect(error.message).toBe(notFound);
		expect(fixture.emulator.requests.slice(first).map(({ route }) => route)).toEqual([
			'download',
			'download',
		]);
	});
});
