import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { syntheticPng } from '../emulator/png';
import {
	createN8nHome,
	outcome,
	type ExecuteResult,
	type ExecutionItem,
	type N8nHome,
	type StoredExecution,
} from './n8n';
import { filestackCredential, type WorkflowNode } from './workflows';
import { webhookSignature } from '../support/signatures';

// The example workflows of examples/, exactly as users import them, run in a real n8n 1.123.81 (filesystem binary
// mode) against the emulator through a credential with the id they refer to: an example that stops working fails here.
const EXAMPLES_DIR = join(__dirname, '../../examples');
const SANDBOX_CREDENTIAL = { id: 'filestack-sandbox', name: 'Filestack sandbox' };
const API_KEY = 'E2E_EXAMPLES_KEY';
const WEBHOOK_SECRET = 'examples-webhook-secret';
/** The image the upload example reads: its path is relative, so it lies in n8n's working directory. */
const PHOTO = syntheticPng(1200, 900, 'examples photo');

interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: Array<WorkflowNode & { id: string }>;
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const examples = readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({
		file,
		workflow: JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as ExampleWorkflow,
	}));
const startsByHand = ({ workflow }: (typeof examples)[number]) =>
	workflow.nodes.some(({ type }) => type === 'n8n-nodes-base.manualTrigger');
const manualExamples = examples.filter(startsByHand);
const triggerExamples = examples.filter((example) => !startsByHand(example));

let emulator: Emulator;
let home: N8nHome;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [{ apiKey: API_KEY }] });
	home = await createN8nHome({ binaryMode: 'filesystem' });
	await writeFile(join(home.folder, 'photo.png'), PHOTO);
	await home.importCredentials([
		{
			...filestackCredential(SANDBOX_CREDENTIAL.id, emulator.url, {
				apiKey: API_KEY,
				webhookSecret: WEBHOOK_SECRET,
			}),
			name: SANDBOX_CREDENTIAL.name,
		},
	]);
});

afterAll(async () => {
	await home?.remove(); // stops n8n, deletes photo.png with the folder
	await emulator?.close();
});

function outputOf(result: ExecuteResult, node: string): ExecutionItem {
	const items = result.run.data.resultData.runData[node]?.[0].data?.main[0] ?? [];
	expect(items).toHaveLength(1);
	return items[0];
}

function parameterOf(workflow: ExampleWorkflow, node: string, name: string): unknown {
	return workflow.nodes.find((candidate) => candidate.name === node)?.parameters[name];
}

/** The bytes of a binary in filesystem mode, whose id names its file in n8n's store. */
async function storedBinary(item: ExecutionItem): Promise<Buffer> {
	const id = item.binary?.data.id;
	expect(id).toMatch(/^filesystem-v2:/);
	return await readFile(join(home.n8nFolder, 'binaryData', id!.slice('filesystem-v2:'.length)));
}

async function emulatorBytes(handle: unknown): Promise<Buffer> {
	const file = emulator.files.get(String(handle));
	expect(file).toBeDefined();
	return await file!.content.read();
}

/** The emulator's requests whose path has this transformation task and ends with this source. */
function taskRequests(task: string, source: unknown): string[] {
	return emulator.requests
		.map(({ path }) => path)
		.filter((path) => path.includes(`/${task}=`) && path.endsWith(`/${String(source)}`));
}

/** What each example that starts by hand must have done, by file; a new example needs an entry. */
const outcomes: Record<
	string,
	(result: ExecuteResult, workflow: ExampleWorkflow) => Promise<void>
> = {
	'upload-and-resize.json': async (result) => {
		const uploaded = outputOf(result, 'Upload to Filestack').json;
		expect(uploaded).toMatchObject({
			filename: 'photo.png',
			mimetype: 'image/png',
			size: PHOTO.length,
		});
		expect((await emulatorBytes(uploaded.handle)).equals(PHOTO)).toBe(true);
		const copy = outputOf(result, 'Store a resized copy').json;
		expect(copy).toMatchObject({
			handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
			url: expect.any(String),
		});
		expect(copy.handle).not.toBe(uploaded.handle);
		await emulatorBytes(copy.handle);
		const [resize] = taskRequests('resize', uploaded.handle);
		expect(resize).toMatch(
			/\/resize=(?=[^/]*width:800)(?=[^/]*height:600)(?=[^/]*fit:max)[^/]+\/store\b/,
		);
	},
	'store-url-and-download.json': async (result, workflow) => {
		const url = String(parameterOf(workflow, 'Store the file from its URL', 'url'));
		const stored = outputOf(result, 'Store the file from its URL').json;
		expect(stored).toMatchObject({
			filename: url.split('/').pop(),
			mimetype: 'image/png',
			size: expect.any(Number),
		});
		expect(emulator.files.get(String(stored.handle))?.sourceUrl).toBe(url);
		const downloaded = outputOf(result, 'Download the stored file');
		expect(downloaded.json).toMatchObject({ handle: stored.handle, size: stored.size });
		expect((await storedBinary(downloaded)).equals(await emulatorBytes(stored.handle))).toBe(true);
	},
	'convert-video.json': async (result) => {
		const video = outputOf(result, 'Store the video from its URL').json;
		const converted = outputOf(result, 'Convert to WebM and wait').json;
		expect(converted).toMatchObject({
			status: 'completed',
			handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
			url: expect.any(String),
			thumbnail: expect.any(String),
			metadata: { result: { width: 640, mime_type: 'video/webm' } },
		});
		expect(emulator.files.get(String(converted.handle))?.mimetype).toBe('video/webm');
		expect(taskRequests('video_convert', video.handle)[0]).toMatch(
			/\/video_convert=(?=[^/]*preset:webm)(?=[^/]*width:640)[^/]+\//,
		);
	},
};

it('has the documented examples', () => {
	expect(examples.map(({ file }) => file)).toEqual(
		expect.arrayContaining([
			'upload-and-resize.json',
			'store-url-and-download.json',
			'convert-video.json',
			'webhook-log.json',
		]),
	);
});

it.each(examples)(
	'$file: Filestack nodes use the sandbox credential and connections name real nodes',
	({ workflow }) => {
		const names = new Set(workflow.nodes.map(({ name }) => name));
		expect(names.size).toBe(workflow.nodes.length);
		const filestackNodes = workflow.nodes.filter(({ type }) =>
			type.startsWith('n8n-nodes-filestack.'),
		);
		expect(filestackNodes.length).toBeGreaterThan(0);
		for (const node of filestackNodes)
			expect(node.credentials).toEqual({ filestackApi: SANDBOX_CREDENTIAL });
		const linked = Object.entries(workflow.connections).flatMap(([from, { main }]) => [
			from,
			...main.flat().map(({ node }) => node),
		]);
		for (const name of linked) expect(names).toContain(name);
		// At most 16 characters, like n8n's own ids (n8n keeps no static data for longer ones).
		expect(workflow.id).toMatch(/^[A-Za-z0-9]{1,16}$/);
	},
);

it.each(manualExamples)('$file runs against the emulator', async ({ file, workflow }) => {
	await home.importWorkflow(workflow);
	const result = await home.execute(workflow.id);

	expect(outcome(result)).toEqual({ code: 0, error: undefined });
	expect(outcomes[file]).toBeDefined();
	await outcomes[file](result, workflow);
});

it.each(triggerExamples)('$file imports', async ({ workflow }) => {
	await home.importWorkflow(workflow);
});

// Runs last: `n8n start` holds the database that `n8n execute` above used.
it('webhook-log.json logs a signed Filestack delivery once activated', async () => {
	const { workflow } = examples.find(({ file }) => file === 'webhook-log.json')!;
	const trigger = workflow.nodes.find(
		({ type }) => type === 'n8n-nodes-filestack.filestackTrigger',
	)!;
	await home.activateWorkflow(workflow.id);
	const server = await home.start();
	const path = `${trigger.webhookId}/webhook`;
	await server.waitForWebhook(path);

	const timestamp = String(Math.floor(Date.now() / 1000));
	const event = {
		id: 4242,
		action: 'fp.upload',
		timestamp: Number(timestamp),
		text: { handle: 'x', size: 1 },
	};
	const body = JSON.stringify(event);
	const response = await fetch(`${server.url}/webhook/${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'FS-Timestamp': timestamp,
			'FS-Signature': webhookSignature(WEBHOOK_SECRET, timestamp, body),
		},
		body,
	});
	expect(response.status).toBe(200);

	const logged = await waitForExecution(workflow.id);
	expect(logged.status).toBe('success');
	const items = logged.data?.resultData.runData['Log the event']?.[0].data?.main[0] ?? [];
	expect(items.map(({ json }) => json)).toEqual([event]);
});

/** The first execution of a workflow once it has finished (the webhook answers before the run ends). */
async function waitForExecution(workflowId: string, timeoutMs = 30_000): Promise<StoredExecution> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const execution = (await home.executions()).find(
			(candidate) => candidate.workflowId === workflowId,
		);
		if (execution && !['new', 'running', 'waiting'].includes(execution.status)) return execution;
		await new Promise((wait) => setTimeout(wait, 250));
	}
	throw new Error(`No finished execution of ${workflowId} within ${timeoutMs} ms`);
}
