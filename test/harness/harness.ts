import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';

import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

import { additionalData } from './additionalData';
import { Container } from './container';
import { runCredentialTest } from './credentialTest';
import type { CredentialsByType } from './credentials';
import { FixedCredentialsHelper } from './credentials';
import type { BinaryMode } from './environment';
import { prepareEnvironment } from './environment';
import type { LoadedPackage } from './nodeTypes';
import { HarnessNodeTypes, loadBuiltPackage } from './nodeTypes';
import type { HarnessRequest, WebhookRequest } from './webhookRequest';
import { webhookRequest } from './webhookRequest';
import type { CapturedResponse } from './webhookResponse';
import { webhookResponse } from './webhookResponse';
import type { NodeSpec, WorkflowSpec } from './workflow';
import { chain, toNode } from './workflow';
import { WorkflowRun } from './workflowRun';

export interface HarnessOptions {
	/** Default 'memory'. One mode per test file (see environment.ts). */
	binaryMode?: BinaryMode;
	/** Decrypted credential data by type; nodes get every declared credential found here. */
	credentials?: CredentialsByType;
	/** Default: the repository root, i.e. this package as built into dist/. */
	packageDir?: string;
}

export interface RunOptions {
	/** The node execution starts at. Default: the first node of the spec. */
	start?: string;
	/** The start node's input. Default: one empty item. */
	input?: INodeExecutionData[][];
	/** Replaces the harness's credentials for this run. */
	credentials?: CredentialsByType;
	/** Workflow static data; mutated in place, so pass the same object to later runs. */
	staticData?: IDataObject;
	/** Stops the execution when it resolves, as the editor's Stop button does. */
	stop?: Promise<unknown>;
}

export interface WebhookOptions extends Omit<RunOptions, 'start' | 'input'> {
	/** The workflow's id. Default: a new one per call, so nothing one call remembers outside static data reaches another. */
	workflowId?: string;
	/** 'manual' is a test delivery (the editor's "Listen for test event"). Default: 'webhook', a production one. */
	mode?: 'webhook' | 'manual';
}

export interface WebhookCall {
	/** What `webhook()` returned: items to start the workflow with, a response, or `noWebhookResponse`. */
	result: IWebhookResponseData;
	/** What the node wrote to the HTTP response object itself. */
	response: CapturedResponse;
	request: HarnessRequest;
}

export interface Harness {
	readonly binaryMode: BinaryMode;
	readonly package: LoadedPackage;
	/** A node type as n8n resolves it for a workflow node (default: its latest version). */
	nodeType(type: string, version?: number): INodeType;
	/** Runs a whole workflow through n8n-core's execution engine. */
	run(workflow: WorkflowSpec, options?: RunOptions): Promise<WorkflowRun>;
	/** Calls a webhook trigger node's `webhook()` with a request, as n8n's webhook server does. */
	webhook(node: NodeSpec, request: WebhookRequest, options?: WebhookOptions): Promise<WebhookCall>;
	/** Presses "Test" in the credential dialog: runs the credential test n8n would run, on decrypted data. */
	testCredential(
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<INodeCredentialTestResult>;
	/** Removes the temporary n8n user folder (and with it any binary data stored in filesystem mode). */
	close(): Promise<void>;
}

/**
 * Starts n8n-core with a binary data mode and loads the built package. Call once per test file, in `beforeAll`,
 * and `close()` in `afterAll`.
 */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
	const binaryMode = options.binaryMode ?? 'memory';
	const userFolder = prepareEnvironment(binaryMode);
	if (binaryMode === 'filesystem') await Container.get(BinaryDataService).init();
	const loaded = await loadBuiltPackage(options.packageDir);
	const nodeTypes = new HarnessNodeTypes(loaded);

	const workflowOf = (
		spec: WorkflowSpec,
		credentials: CredentialsByType,
		staticData?: IDataObject,
		id: string = randomUUID(),
	) => {
		const nodes = spec.nodes.map((node, index) => toNode(node, index, nodeTypes, credentials));
		const connections = spec.connections ?? chain(nodes.map(({ name }) => name));
		const workflow = new Workflow({
			id,
			name: 'harness',
			nodes,
			connections,
			active: false,
			nodeTypes,
			staticData,
		});
		return { workflow, nodes, connections };
	};
	const credentialsHelper = (credentials: CredentialsByType) =>
		new FixedCredentialsHelper(loaded.credentialTypes, credentials);

	return {
		binaryMode,
		package: loaded,

		nodeType: (type, version) => nodeTypes.getByNameAndVersion(type, version),

		async run(
			spec,
			{ start, input, credentials = options.credentials ?? {}, staticData, stop } = {},
		) {
			const { workflow, nodes, connections } = workflowOf(spec, credentials, staticData);
			const startNode = workflow.getNode(start ?? nodes[0].name);
			if (!startNode) throw new Error(`No node named ${start}`);
			const executionId = randomUUID();
			const workflowData: IWorkflowBase = {
				id: workflow.id,
				name: 'harness',
				active: false,
				isArchived: false,
				activeVersionId: null,
				createdAt: new Date(),
				updatedAt: new Date(),
				nodes,
				connections,
			};
			const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
			const runExecutionData = createRunExecutionData({
				executionData: {
					nodeExecutionStack: [
						{ node: startNode, data: { main: input ?? [[{ json: {} }]] }, source: null },
					],
				},
			});
			const execution = new WorkflowExecute(
				additionalData(credentialsHelper(credentials), executionId, hooks),
				'manual',
				runExecutionData,
			);
			const running = execution.processRunExecutionData(workflow);
			void stop?.then(() => running.cancel());
			return new WorkflowRun(await running);
		},

		async webhook(
			spec,
			requestSpec,
			{ credentials = options.credentials ?? {}, staticData, workflowId, mode = 'webhook' } = {},
		) {
			const { workflow, nodes } = workflowOf(
				{ nodes: [spec] },
				credentials,
				staticData,
				workflowId,
			);
			const [node] = nodes;
			const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			const webhookDescription = nodeType.description.webhooks?.find(
				({ name }) => name === 'default',
			);
			if (!nodeType.webhook || !webhookDescription)
				throw new Error(`${node.type} has no default webhook`);

			const request = await webhookRequest(requestSpec, webhookDescription.path, node.typeVersion);
			const { response, captured } = webhookResponse();
			const data = additionalData(credentialsHelper(credentials), randomUUID());
			data.httpRequest = request;
			data.httpResponse = response;
			const webhookData: IWebhookData = {
				httpMethod: webhookDescription.httpMethod as IWebhookData['httpMethod'],
				node: node.name,
				path: webhookDescription.path,
				webhookDescription,
				workflowId: workflow.id,
				workflowExecuteAdditionalData: data,
				webhookId: node.webhookId,
			};
			const context = new WebhookContext(workflow, node, data, mode, webhookData, [], null);
			const result = await nodeType.webhook.call(context);
			return { result, response: captured, request };
		},

		testCredential: async (type, data) => await runCredentialTest(loaded, type, data),

		async close() {
			// Every node execution context creates this service, whose cleanup interval would keep jest's worker alive.
			Container.get(SSHClientsManager).onShutdown();
			await rm(userFolder, { recursive: true, force: true });
		},
	};
}
