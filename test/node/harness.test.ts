import { randomBytes } from 'node:crypto';

import { emulatorEndpoints, startEmulator, type Emulator } from '../emulator';
import type { Harness } from '../harness';
import {
	binarySha256,
	bytes,
	createHarness,
	FILESTACK_NODE_TYPE,
	FILESTACK_TRIGGER_NODE_TYPE,
	filestackNode,
	sha256,
	source,
} from '../harness';
import { webhookSignature } from '../support/signatures';

// The harness itself, in n8n's default (memory) binary mode, on the package as built into dist/.
const API_KEY = 'HARNESS_KEY';
const WEBHOOK_SECRET = 'harness-webhook-secret';

let emulator: Emulator;
let harness: Harness;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [{ apiKey: API_KEY }] });
	harness = await createHarness({
		credentials: {
			filestackApi: {
				apiKey: API_KEY,
				webhookSecret: WEBHOOK_SECRET,
				...emulatorEndpoints(emulator.url),
			},
		},
	});
});

afterAll(async () => {
	await harness.close();
	await emulator.close();
});

describe('loading the built package', () => {
	it('finds both node types and the credential under their public names', () => {
		const { packageName, nodeTypes, credentialTypes } = harness.package;
		expect(packageName).toBe('n8n-nodes-filestack');
		expect(Object.keys(nodeTypes).sort()).toEqual([
			FILESTACK_NODE_TYPE,
			FILESTACK_TRIGGER_NODE_TYPE,
		]);
		expect(Object.keys(credentialTypes)).toEqual(['filestackApi']);
		expect(credentialTypes.filestackApi.properties.map(({ name }) => name)).toEqual(
			expect.arrayContaining([
				'apiKey',
				'appSecret',
				'webhookSecret',
				'endpoints',
				'uploadUrl',
				'cdnUrl',
				'apiUrl',
			]),
		);
	});

	it('gives the action node the credential and the trigger a POST webhook', () => {
		const action = harness.nodeType(FILESTACK_NODE_TYPE);
		const trigger = harness.nodeType(FILESTACK_TRIGGER_NODE_TYPE);
		expect(action.description.credentials).toEqual([
			expect.objectContaining({ name: 'filestackApi' }),
		]);
		expect(trigger.description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST' }),
		]);
	});
});

describe('running a workflow', () => {
	it("feeds the source node's binary item into the Filestack node, which uploads exactly those bytes", async () => {
		const content = randomBytes(64 * 1024 + 7);
		const run = await harness.run({
			nodes: [
				source([{ json: { note: 'kept' }, binary: { data: bytes(content, 'random.bin') } }]),
				filestackNode({ resource: 'file', operation: 'upload' }),
			],
		});

		expect(run.status).toBe('success');
		const [sent] = run.output('Source');
		expect(sent.binary?.data.id).toBeUndefined(); // memory mode: inline base64
		const [stored] = run.output('Filestack');
		expect(stored.json).toMatchObject({ filename: 'random.bin', size: content.length });
		const file = emulator.files.get(stored.json.handle as string);
		expect(file).toBeDefined();
		expect(await sha256(await file!.content.read())).toBe(await sha256(content));
	});

	it('reads an output binary back, here a file downloaded through the Filestack node', async () => {
		const content = Buffer.from('downloaded through n8n-core\n');
		const upload = await harness.run({
			nodes: [
				source([{ binary: { data: bytes(content, 'note.txt', 'text/plain') } }]),
				filestackNode({ resource: 'file', operation: 'upload' }),
			],
		});
		const handle = String(upload.output('Filestack')[0].json.handle);

		const download = await harness.run({
			nodes: [filestackNode({ resource: 'file', operation: 'download', handle }, 'Download')],
		});
		const [item] = download.output('Download');
		expect(await binarySha256(item)).toBe(await sha256(content));
	});

	it('reports a node that fails, with its error', async () => {
		const run = await harness.run({
			nodes: [source([{ json: {} }]), filestackNode({ resource: 'file', operation: 'upload' })],
		});
		expect(run.status).toBe('error');
		expect(run.nodeError('Filestack')?.message).toMatch(/binary/i);
		expect(() => run.output('Filestack')).toThrow(/failed/);
	});
});

describe('calling a webhook trigger', () => {
	const trigger = { name: 'Trigger', type: FILESTACK_TRIGGER_NODE_TYPE };
	const signed = (body: string, secret = WEBHOOK_SECRET) => {
		const timestamp = String(Math.floor(Date.now() / 1000));
		return {
			'FS-Timestamp': timestamp,
			'FS-Signature': webhookSignature(secret, timestamp, body),
			'Content-Type': 'application/json',
		};
	};

	it('hands the node the exact raw bytes, so that a signed delivery starts the workflow', async () => {
		// Spacing that JSON.stringify would not reproduce: the signature holds only over the bytes as sent.
		const body = '{ "id": 42,  "action": "fp.upload", "text": { "url": "x" } }';
		const call = await harness.webhook(trigger, { body, headers: signed(body) });

		expect(call.request.rawBody?.toString()).toBe(body);
		expect(call.result.workflowData?.[0]).toEqual([{ json: JSON.parse(body) }]);
		expect(call.response.ended).toBe(false);
	});

	it('captures the response the node writes itself when it refuses a delivery', async () => {
		const body = '{"id":43,"action":"fp.upload"}';
		const call = await harness.webhook(trigger, { body, headers: signed(body, 'another-secret') });

		expect(call.result).toEqual({ noWebhookResponse: true });
		expect(call.response).toMatchObject({ statusCode: 401, ended: true });
	});

	it('keeps the workflow static data across calls when given the same object', async () => {
		const staticData = {};
		const body = '{"id":44,"action":"fp.upload"}';
		const first = await harness.webhook(trigger, { body, headers: signed(body) }, { staticData });
		const again = await harness.webhook(trigger, { body, headers: signed(body) }, { staticData });

		expect(first.result.workflowData).toBeDefined();
		expect(again.result.workflowData).toBeUndefined();
	});

	it('runs the rest of the workflow from the items the trigger returned', async () => {
		const uploaded = await harness.run({
			nodes: [
				source([{ binary: { data: bytes('from a webhook', 'hook.txt', 'text/plain') } }]),
				filestackNode({ resource: 'file', operation: 'upload' }),
			],
		});
		const handle = String(uploaded.output('Filestack')[0].json.handle);
		const body = JSON.stringify({ id: 45, action: 'fp.upload', text: { handle } });
		const call = await harness.webhook(trigger, { body, headers: signed(body) });

		const run = await harness.run(
			{
				nodes: [
					trigger,
					filestackNode({
						resource: 'file',
						operation: 'download',
						handle: '={{ $json.text.handle }}',
					}),
				],
			},
			{ start: trigger.name, input: call.result.workflowData },
		);
		expect(await binarySha256(run.output('Filestack')[0])).toBe(
			await sha256(Buffer.from('from a webhook')),
		);
	});
});
