import type {
	IDataObject,
	INodeProperties,
	INodePropertyOptions,
	NodeParameterValue,
} from 'n8n-workflow';

import { FilestackApi } from '../../credentials/FilestackApi.credentials';
import { operationNamed, parametersOf, resources } from '../../nodes/Filestack/actions/resources';
import { FilestackTrigger } from '../../nodes/Filestack/FilestackTrigger.node';
import { startEmulator, type Emulator } from '../emulator';
import { Editor, escapeRegExp, isLoopback, type IgnoredError } from './browser';
import { createN8nHome, n8nFlavor, type N8nHome, type N8nServer } from './n8n';

// The editor of a real n8n 1.123.81 in headless Chromium: the credential dialog, the node creator, and every
// resource/operation of the Filestack node with the parameters its description promises, without console errors.
// Screenshots for the README go to docs/screenshots/.

const API_KEY = 'E2E_EDITOR_KEY';
const SECURED_KEY = 'E2E_SECURED_KEY';
const SECURED_APP_SECRET = 'e2e-app-secret';
/** An app with security on, whose secret the dialog is first given wrong. */
const SECURED_APP = { apiKey: SECURED_KEY, appSecret: SECURED_APP_SECRET };
const SECRET_REFUSED =
	'The App Secret does not match: Filestack refuses the requests signed with it. Copy it again from the Developer Portal (Security → App Secret).';
const CREDENTIAL_LABEL = 'Credential to connect with';
/** A made-up handle, so that screenshots show a filled form. */
const EXAMPLE_HANDLE = 'pHzYvFzXTKyV8mc3bp6w';
const TRIGGER = new FilestackTrigger().description;
const [FIRST_EVENT] = TRIGGER.properties.find(({ name }) => name === 'events')!
	.options as INodePropertyOptions[];
/** n8n adds this to the resources and operations of nodes whose credential can sign any HTTP request. */
const CUSTOM_API_CALL = 'Custom API Call';

/** Noise of the offline editor itself, unrelated to the Filestack nodes; any other console error fails a test. */
const IGNORED: IgnoredError[] = [
	{
		reason:
			'a request to a host other than loopback, aborted by this test: the node creator asks registry.npmjs.org ' +
			'about the installed community package',
		matches: ({ text, url }) => text.includes('net::ERR_BLOCKED_BY_CLIENT') && !isLoopback(url),
	},
	{
		reason:
			'external secrets are an enterprise feature: the community edition answers 404 when the credentials page ' +
			'asks for them',
		matches: ({ text, url }) =>
			text.includes('status of 404') && pathOf(url) === '/rest/external-secrets/secrets',
	},
	{
		reason:
			"n8n asks for a node's optional pre-generated output schema (a preview before the node has run); the " +
			'package ships none, and n8n shows no preview when the answer is 404',
		matches: ({ text, url }) =>
			text.includes('status of 404') && pathOf(url).startsWith('/schemas/n8n-nodes-filestack.'),
	},
	{
		reason:
			'the AI workflow builder, a licensed feature, asks for its chat sessions once a workflow has an id; the ' +
			'community edition answers 403 "Plan lacks license for this feature", which the builder logs',
		matches: ({ text, url }) =>
			(text.includes('status of 403') && pathOf(url) === '/rest/ai/sessions/metadata') ||
			text.startsWith(
				'Failed to fetch sessions metadata: ResponseError: Plan lacks license for this feature',
			),
	},
];

let emulator: Emulator;
let home: N8nHome;
let server: N8nServer;
let editor: Editor;
/** The name n8n gave the credential made in the dialog. */
let credentialName: string;
/** The first step every later one builds on that failed, if any. */
let failedPrerequisite: string | undefined;

const operations = Object.entries(resources).flatMap(([resource, { option, operations: byName }]) =>
	Object.entries(byName).map(([operation, { option: operationOption }]) => ({
		resource,
		operation,
		title: `${option.name} → ${operationOption.name}`,
	})),
);

// The editor of 2.x differs (the credentials page, for one); the queue flavour runs this file on a plain 1.x.
const describeOn1x = n8nFlavor() === '2.x' ? describe.skip : describe;

describeOn1x('the editor of n8n 1.123.81', () => {
	beforeAll(async () => {
		emulator = await startEmulator({ apps: [{ apiKey: API_KEY }, SECURED_APP] });
		home = await createN8nHome({
			env: {
				N8N_DISABLE_UI: 'false',
				// Both would fetch from api.n8n.io in the browser.
				N8N_DYNAMIC_BANNERS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			},
		});
		server = await home.start();
		editor = await Editor.openAsNewOwner(server);
	});

	beforeEach(() => {
		// The editor's state carries over from test to test: without the credential and the nodes, the rest only waits.
		if (failedPrerequisite) throw new Error(`Not run: "${failedPrerequisite}" failed`);
	});

	afterEach(() => {
		expect(editor.newUnexpectedErrors(IGNORED)).toEqual([]);
	});

	afterAll(async () => {
		await editor?.close();
		await home?.remove();
		await emulator?.close();
	});

	prerequisite(
		'creates the Filestack credential in its dialog, whose test says what is wrong and then passes',
		async () => {
			const { page } = editor;
			const credentialType = new FilestackApi();
			await editor.goto('/home/credentials');
			await page.getByRole('button', { name: 'Add first credential' }).click();
			await page.getByTestId('new-credential-type-select').locator('input').fill('Filestack');
			await page
				.getByTestId('new-credential-type-select-option')
				.filter({ hasText: credentialType.displayName })
				.click();
			await page.getByTestId('new-credential-type-button').click();

			const dialog = page.getByTestId('editCredential-modal');
			const field = (name: string) =>
				dialog.getByTestId(`parameter-input-${name}`).locator('input');
			await field('apiKey').fill(SECURED_APP.apiKey);
			await field('appSecret').fill('not-the-app-secret');
			const endpoints = credentialType.properties.find(({ name }) => name === 'endpoints')!
				.options as INodePropertyOptions[];
			expect(await editor.openDropdown('endpoints', dialog)).toEqual(
				endpoints.map(({ name }) => name),
			);
			await editor.pickOption(endpoints.find(({ value }) => value === 'customUrls')!.name);
			await field('uploadUrl').fill(emulator.url);
			await field('cdnUrl').fill(emulator.url);
			await field('apiUrl').fill(`${emulator.url}/api`);
			await dialog.getByTestId('credential-save-button').click();

			// n8n shows the credential test's message under its banner's "More details".
			await dialog.getByText('More details').click();
			await dialog.getByText(SECRET_REFUSED).waitFor();
			await dialog.getByTestId('parameter-input-apiKey').scrollIntoViewIfNeeded();
			await editor.screenshot('credential-wrong-secret');

			await field('apiKey').fill(API_KEY);
			await field('appSecret').fill('');
			await dialog.getByTestId('credential-save-button').click();
			await dialog.getByText('Connection tested successfully').waitFor();
			expect(await dialog.getByText(SECRET_REFUSED).count()).toBe(0);
			await editor.screenshot('credential');
			await dialog.getByTestId('parameter-input-apiUrl').scrollIntoViewIfNeeded();
			await editor.screenshot('credential-custom-urls');
			const tested = emulator.requests
				.filter(({ path }) => path.startsWith('/multipart/start'))
				.map(({ body }) => (body as { apikey?: string }).apikey);
			expect(tested).toEqual([SECURED_APP.apiKey, SECURED_APP.apiKey, API_KEY]);
			const stored = await editor.rest<Array<{ name: string; type: string }>>('/credentials');
			expect(stored).toEqual([expect.objectContaining({ type: credentialType.name })]);
			credentialName = stored[0].name;
		},
	);

	prerequisite(
		'adds the Filestack Trigger from the node creator, with its setup notice',
		async () => {
			const { page, ndv } = editor;
			await editor.goto('/workflow/new');
			await page.getByTestId('canvas-add-button').click();
			// The node creator offers each option of a trigger's Events parameter as "On <event>".
			await editor.pickFromNodeCreator(
				'Filestack',
				'Filestack',
				`On ${FIRST_EVENT.name.toLowerCase()}`,
			);

			await expectLabels([CREDENTIAL_LABEL, ...labelsShown(TRIGGER.properties)]);
			const notice = TRIGGER.properties.find(({ name }) => name === 'setupNotice')!;
			await ndv.getByText(notice.displayName).waitFor();
			expect(await ndv.getByTestId('node-credentials-select').locator('input').inputValue()).toBe(
				credentialName,
			);

			// The Production URL the notice asks to copy into the Filestack Developer Portal.
			await ndv.getByText('Webhook URLs').click();
			await ndv.getByTestId('radio-button-production').click();
			const [webhook] = TRIGGER.webhooks!;
			await ndv
				.getByText(
					new RegExp(`^${escapeRegExp(server.url)}/webhook/[0-9a-f-]{36}/${webhook.path}$`),
				)
				.waitFor();
			await editor.screenshot('trigger');
			await ndv.getByTestId('back-to-canvas').click();
		},
	);

	prerequisite('adds the Filestack node after the trigger, at File → Upload', async () => {
		const { page, ndv } = editor;
		await page.getByTestId('canvas-handle-plus').click();
		await editor.pickFromNodeCreator(
			'Filestack',
			'Filestack',
			resources.file.operations.upload.option.action!,
		);

		await expectLabels(operationLabels('file', 'upload'));
		expect(await ndv.getByTestId('node-credentials-select').locator('input').inputValue()).toBe(
			credentialName,
		);
		await editor.screenshot('file-upload');
	});

	it.each(operations)('$title shows its parameters', async ({ resource, operation }) => {
		await selectOperation(resource, operation);
		await expectLabels(operationLabels(resource, operation));
	});

	it('Transformation → Transform offers every task of the catalogue in its task list', async () => {
		const { ndv } = editor;
		await selectOperation('transformation', 'transform');
		await ndv.getByTestId('parameter-input-handle').locator('input').fill(EXAMPLE_HANDLE);
		await ndv.getByRole('button', { name: 'Add Task' }).click();
		const taskFields = propertyOf('transformation', 'transform', 'tasks').options!.flatMap(
			(entry) => ('values' in entry ? entry.values : []),
		);
		const taskOptions = taskFields.find(({ name }) => name === 'name')!
			.options as INodePropertyOptions[];

		const listed = await editor.openDropdown('name', ndv.getByTestId('fixed-collection-tasks'));
		expect(listed).toEqual(taskOptions.map(({ name }) => name));
		await editor.screenshot('transformation-transform-tasks');
		const [picked] = taskOptions;
		await editor.pickOption(picked.name);
		const expected = operationLabels('transformation', 'transform');
		expected.splice(
			expected.indexOf('Tasks') + 1,
			0,
			...labelsShown(taskFields, { name: picked.value }),
		);
		await expectLabels(expected);
	});

	it('Audio/Video → Convert shows the output field once Download Result is on', async () => {
		await selectOperation('audioVideo', 'convert');
		await editor.ndv.getByTestId('parameter-input-handle').locator('input').fill(EXAMPLE_HANDLE);
		await editor.ndv.getByTestId('parameter-input-downloadResult').locator('.el-switch').click();
		await expectLabels(operationLabels('audioVideo', 'convert', { downloadResult: true }));
		await editor.screenshot('audio-video-convert');
	});

	it('saves the workflow: the trigger connected to the node, both with the credential', async () => {
		const { page, ndv } = editor;
		await ndv.getByTestId('back-to-canvas').click();
		await page.getByTestId('workflow-save-button').click();
		await page.waitForURL(/\/workflow\/(?!new)[^/?]+$/);
		const id = new URL(page.url()).pathname.split('/').at(-1)!;
		await editor.screenshot('workflow');

		const workflow = await editor.rest<{
			nodes: Array<{
				name: string;
				type: string;
				parameters: object;
				credentials?: object;
			}>;
			connections: Record<string, { main: Array<Array<{ node: string }>> }>;
		}>(`/workflows/${id}`);
		const [credential] = await editor.rest<Array<{ id: string; name: string }>>('/credentials');
		const withCredential = {
			filestackApi: { id: credential.id, name: credential.name },
		};
		expect(workflow.nodes).toEqual([
			expect.objectContaining({
				name: TRIGGER.defaults.name,
				type: 'n8n-nodes-filestack.filestackTrigger',
				parameters: expect.objectContaining({ events: [FIRST_EVENT.value] }),
				credentials: withCredential,
			}),
			// n8n leaves out values equal to their defaults: Convert is the default operation of Audio/Video.
			expect.objectContaining({
				type: 'n8n-nodes-filestack.filestack',
				parameters: expect.objectContaining({ resource: 'audioVideo', downloadResult: true }),
				credentials: withCredential,
			}),
		]);
		expect(workflow.connections[TRIGGER.defaults.name!].main[0][0].node).toBe(
			workflow.nodes[1].name,
		);
	});

	it('sent no request beyond loopback except the aborted npm registry lookups', () => {
		for (const url of editor.blockedRequests)
			expect(url).toBe('https://registry.npmjs.org/n8n-nodes-filestack');
	});
});

/** A test that later tests build on; when it fails, they fail at once instead of waiting for what is not there. */
function prerequisite(name: string, test: () => Promise<void>): void {
	it(name, async () => {
		let passed = false;
		try {
			await test();
			passed = true;
		} finally {
			if (!passed) failedPrerequisite = name;
		}
	});
}

/** Waits until the NDV shows exactly these parameter labels, in order, and fails with the difference if not. */
async function expectLabels(expected: string[]): Promise<void> {
	expect(
		await editor.settle(
			() => editor.parameterLabels(),
			(labels) => equal(labels, expected),
		),
	).toEqual(expected);
}

/** Picks a resource and an operation in the open Filestack node, checking both menus list what the node offers. */
async function selectOperation(resource: string, operation: string): Promise<void> {
	const resourceNames = Object.values(resources).map(({ option }) => option.name);
	expect(await editor.openDropdown('resource')).toEqual([...resourceNames, CUSTOM_API_CALL]);
	const found = operationNamed(resource, operation);
	await editor.pickOption(found.resource.option.name);
	const operationNames = Object.values(found.resource.operations).map(({ option }) => option.name);
	expect(await editor.openDropdown('operation')).toEqual([...operationNames, CUSTOM_API_CALL]);
	await editor.pickOption(found.operation.option.name);
}

/** What the NDV should label for an operation: the credential, resource, operation, then its parameters. */
function operationLabels(resource: string, operation: string, values: IDataObject = {}): string[] {
	const properties = parametersOf(operationNamed(resource, operation).operation);
	return [CREDENTIAL_LABEL, 'Resource', 'Operation', ...labelsShown(properties, values)];
}

/** Labels of the parameters n8n shows when these values are set and the others have their defaults. */
function labelsShown(properties: INodeProperties[], values: IDataObject = {}): string[] {
	const current: IDataObject = {
		...Object.fromEntries(properties.map(({ name, default: value }) => [name, value])),
		...values,
	};
	return properties
		.filter(({ type }) => type !== 'notice') // notices show their text, not a label
		.filter(({ displayOptions }) =>
			Object.entries(displayOptions?.show ?? {}).every(([name, allowed]) =>
				allowed?.includes(current[name] as NodeParameterValue),
			),
		)
		.map(({ displayName }) => displayName);
}

function propertyOf(resource: string, operation: string, name: string): INodeProperties {
	return parametersOf(operationNamed(resource, operation).operation).find(
		(property) => property.name === name,
	)!;
}

function equal(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((value, index) => value === b[index]);
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '';
	}
}
