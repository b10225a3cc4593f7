import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import type {
	IConnections,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowBase,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import { WorkflowRun } from '../harness';
import { additionalData } from '../harness/additionalData';
import { FixedCredentialsHelper } from '../harness/credentials';
import type { EmulatedApp } from './support';
import { credentialsFor, useNodeFixture } from './support';

// The Filestack node as an AI agent's tool, made by n8n's own code: the functions that turn a `usableAsTool` node
// into its `<name>Tool` variant live in the n8n CLI package, not in n8n-workflow, so they are taken from a real
// n8n 1.123.81 (installed on first use by the e2e installer). The variant is checked as the editor lists it, then
// built into workflows and called through n8n-core the way an AI Agent node calls its tools.

const APP: EmulatedApp = { apiKey: 'TOOL_KEY' };
const NODE = 'n8n-nodes-filestack.filestack';
const TOOL = 'n8n-nodes-filestack.filestackTool';
const AGENT = 'test.toolCaller';

/** The public contract (the design's node-interface.md): every operation of every resource. */
const OPERATIONS: Record<string, string[]> = {
	file: [
		'upload',
		'uploadFromUrl',
		'download',
		'getMetadata',
		'delete',
		'overwrite',
		'getTags',
		'checkSafeForWork',
		'ocr',
	],
	transformation: ['transform', 'screenshot', 'zip'],
	audioVideo: ['convert', 'getStatus'],
	security: ['createPolicy', 'signUrl'],
};

/** n8n 1.123's LoadNodesAndCredentials methods that make tools; they run here on stand-ins for the rest of it. */
interface ToolMaker {
	createAiTools(this: ToolListing): void;
	convertNodeToAiTool<T extends { description: INodeTypeDescription }>(this: ToolMaker, item: T): T;
	findLastCalloutIndex(properties: INodeProperties[]): number;
}

/** What `createAiTools` reads and extends: the node descriptions the editor lists, and the known types. */
interface ToolListing extends Pick<ToolMaker, 'convertNodeToAiTool' | 'findLastCalloutIndex'> {
	types: { nodes: INodeTypeDescription[] };
	known: { nodes: Record<string, object>; credentials: Record<string, object> };
}

/** The loader as n8n's NodeTypes uses it to resolve a `…Tool` type for a workflow. */
interface ToolLoader extends Pick<ToolMaker, 'convertNodeToAiTool' | 'findLastCalloutIndex'> {
	loadedNodes: Record<string, { type: INodeType; sourcePath: string }>;
	knownNodes: object;
	recognizesNode(type: string): boolean;
	getNode(type: string): { type: INodeType | IVersionedNodeType; sourcePath: string };
}

/** The structured tool n8n-core hands an agent (a LangChain DynamicStructuredTool), as far as this test uses it. */
interface AgentTool {
	name: string;
	description: string;
	schema: { shape: Record<string, unknown> };
	invoke(args: IDataObject): Promise<string>;
}

const fixture = useNodeFixture({ apps: [APP] });
let toolMaker: ToolMaker;
let nodeTypes: INodeTypes;
let node: INodeTypeDescription;
let listing: INodeTypeDescription[];
let listedTool: INodeTypeDescription;

beforeAll(async () => {
	const n8nDist = await installedN8nDist();
	const { LoadNodesAndCredentials } = (await import(
		join(n8nDist, 'load-nodes-and-credentials.js')
	)) as {
		LoadNodesAndCredentials: { prototype: ToolMaker };
	};
	const { NodeTypes } = (await import(join(n8nDist, 'node-types.js'))) as {
		NodeTypes: new (loader: ToolLoader) => INodeTypes;
	};
	toolMaker = LoadNodesAndCredentials.prototype;

	const loaded = fixture.harness.package.nodeTypes;
	node = NodeHelpers.getVersionedNodeType(loaded[NODE]).description;

	// As n8n lists nodes in the editor: every loaded description, its name prefixed with the package's.
	const editor: ToolListing = {
		types: {
			nodes: Object.entries(loaded).map(([name, type]) => ({
				...NodeHelpers.getVersionedNodeType(type).description,
				name,
			})),
		},
		known: {
			nodes: Object.fromEntries(Object.keys(loaded).map((name) => [name, {}])),
			credentials: {},
		},
		convertNodeToAiTool: toolMaker.convertNodeToAiTool,
		findLastCalloutIndex: toolMaker.findLastCalloutIndex,
	};
	toolMaker.createAiTools.call(editor);
	listing = editor.types.nodes;
	listedTool = listing.find(({ name }) => name === TOOL)!;

	// As n8n resolves node types when it runs a workflow, plus a stand-in for the AI Agent node.
	const n8nNodeTypes = new NodeTypes({
		loadedNodes: {},
		knownNodes: {},
		recognizesNode: (type) => type in loaded,
		getNode: (type) => {
			if (!(type in loaded)) throw new Error(`Unknown node type ${type}`);
			return { type: loaded[type], sourcePath: '' };
		},
		convertNodeToAiTool: toolMaker.convertNodeToAiTool,
		findLastCalloutIndex: toolMaker.findLastCalloutIndex,
	});
	const agent = new ToolCaller();
	nodeTypes = {
		getByName: (type) => (type === AGENT ? agent : n8nNodeTypes.getByName(type)),
		getByNameAndVersion: (type, version) =>
			type === AGENT ? agent : n8nNodeTypes.getByNameAndVersion(type, version),
		getKnownTypes: () => ({}),
	};
}, 10 * 60_000);

const optionsOf = (description: INodeTypeDescription, name: string, resource?: string) =>
	(description.properties.find(
		(property) =>
			property.name === name &&
			(!resource || property.displayOptions?.show?.resource?.includes(resource)),
	)?.options ?? []) as INodePropertyOptions[];

describe('the tool variant as the editor lists it', () => {
	it('is the Filestack node with an AI tool output instead of main input and output; the trigger has none', () => {
		expect(listedTool).toMatchObject({
			name: TOOL,
			displayName: 'Filestack Tool',
			inputs: [],
			outputs: [NodeConnectionTypes.AiTool],
			codex: { categories: ['AI'], subcategories: { AI: ['Tools'] } },
		});
		expect(listedTool.usableAsTool).toBeUndefined();
		expect(listedTool.credentials).toEqual(node.credentials);
		const listed = listing.map(({ name }) => name).sort();
		expect(listed).toEqual([NODE, TOOL, 'n8n-nodes-filestack.filestackTrigger']);
	});

	it('gains the tool description parameters, set automatically by default or written by hand', () => {
		const descriptionType = listedTool.properties.find(({ name }) => name === 'descriptionType');
		const toolDescription = listedTool.properties.find(({ name }) => name === 'toolDescription');
		expect(descriptionType).toMatchObject({ type: 'options', default: 'auto' });
		expect((descriptionType?.options as INodePropertyOptions[]).map(({ value }) => value)).toEqual([
			'auto',
			'manual',
		]);
		expect(toolDescription).toMatchObject({
			type: 'string',
			required: true,
			default: node.description,
			displayOptions: { show: { descriptionType: ['manual'] } },
		});
	});

	it('keeps every resource, operation and parameter of the node unchanged', () => {
		const added = new Set(['descriptionType', 'toolDescription']);
		expect(listedTool.properties.filter(({ name }) => !added.has(name))).toEqual(node.properties);
		expect(optionsOf(listedTool, 'resource').map(({ value }) => value)).toEqual(
			Object.keys(OPERATIONS),
		);
		for (const [resource, operations] of Object.entries(OPERATIONS)) {
			expect(optionsOf(listedTool, 'operation', resource).map(({ value }) => value)).toEqual(
				operations,
			);
		}
	});

	it('describes each operation to an agent by its action: distinct, sentence case, no final period', () => {
		const descriptions = Object.entries(OPERATIONS).flatMap(([resource, operations]) =>
			operations.map((operation) =>
				NodeHelpers.getToolDescriptionForNode(
					toolNode({ descriptionType: 'auto', resource, operation }),
					nodeTypes.getByNameAndVersion(TOOL, 1),
				),
			),
		);
		expect(new Set(descriptions).size).toBe(16);
		for (const description of descriptions) {
			expect(description).toMatch(/^[A-Z][^.]* in Filestack$/);
			const words = description
				.replace(/ in Filestack$/, '')
				.split(' ')
				.slice(1);
			// Sentence case: later words are lower case, or acronyms such as URL, ZIP.
			expect(
				words.filter((word) => word !== word.toLowerCase() && word !== word.toUpperCase()),
			).toEqual([]);
		}
		const [upload] = optionsOf(node, 'operation', 'file');
		expect(descriptions[0]).toBe(`${upload.action} in Filestack`);
	});
});

/** n8n 1.123.81's compiled CLI, installed on first use by the e2e installer (minutes once, instant afterwards). */
async function installedN8nDist(): Promise<string> {
	const installer = join(__dirname, '../e2e/install-n8n.sh');
	const { stdout } = await promisify(execFile)('bash', [installer], { maxBuffer: 1 << 20 });
	return resolve(await realpath(stdout.trim()), '../../dist'); // the bin is node_modules/n8n/bin/n8n
}

/** A workflow node of the tool variant. */
function toolNode(parameters: INodeParameters, name = 'Filestack'): INode {
	return {
		id: randomUUID(),
		name,
		type: TOOL,
		typeVersion: 1,
		position: [0, 200],
		parameters,
		credentials: { filestackApi: { id: 'filestackApi', name: 'filestackApi' } },
	};
}

/** `$fromAI` of a parameter, as the editor writes it when the model is to fill the parameter in. */
const fromAI = (key: string, description: string, type = 'string') =>
	`={{ $fromAI('${key}', '${description}', '${type}') }}`;

describe('workflows with the tool variant', () => {
	it('accept parameters filled in by the model for every operation: no parameter issues, one tool argument each', () => {
		const toolType = nodeTypes.getByNameAndVersion(TOOL, 1);
		for (const [resource, operations] of Object.entries(OPERATIONS)) {
			for (const operation of operations) {
				const chosen = { resource, operation, descriptionType: 'auto' };
				const withDefaults = NodeHelpers.getNodeParameters(
					toolType.description.properties,
					chosen,
					true,
					false,
					null,
					null,
				)!;
				// Every parameter the operation requires, left to the model.
				const required = toolType.description.properties.filter(
					(property) =>
						property.required &&
						NodeHelpers.displayParameter(withDefaults, property, null, toolType.description),
				);
				const parameters = {
					...chosen,
					...Object.fromEntries(
						required.map(({ name, displayName }) => [name, fromAI(name, displayName)]),
					),
				};
				const workflowNode = toolNode(parameters);
				const issues = NodeHelpers.getNodeParametersIssues(
					toolType.description.properties,
					workflowNode,
					toolType.description,
				);
				expect({ resource, operation, issues }).toEqual({ resource, operation, issues: null });

				const { response } = createNodeAsTool({
					node: workflowNode,
					nodeType: toolType,
					handleToolInvocation: async () => '',
				});
				const tool = response as unknown as AgentTool;
				expect(tool.name).toBe('Filestack');
				expect(tool.description).toMatch(/ in Filestack$/);
				expect(Object.keys(tool.schema.shape).sort()).toEqual(
					required.map(({ name }) => name).sort(),
				);
			}
		}
	});

	it('get metadata: the agent gives a handle and gets the file described back', async () => {
		const stored = await fixture.seeder.store(APP, 'hello, agent\n', 'greeting.txt', 'text/plain');
		const run = await runAgent(
			{
				resource: 'file',
				operation: 'getMetadata',
				handle: fromAI('handle', 'The handle of the file'),
			},
			{ handle: stored.handle },
		);
		const [{ json }] = run.output('Agent');
		expect(json).toMatchObject({
			name: 'Filestack',
			description: 'Get the metadata of a file in Filestack',
			arguments: ['handle'],
		});
		expect(json.response).toEqual([
			expect.objectContaining({
				handle: stored.handle,
				filename: 'greeting.txt',
				mimetype: 'text/plain',
				size: 13,
			}),
		]);
	});

	it('transform: the agent gives a task chain and gets the URL of the result', async () => {
		const stored = await fixture.seeder.store(APP, 'not really an image', 'photo.png', 'image/png');
		const run = await runAgent(
			{
				resource: 'transformation',
				operation: 'transform',
				handle: stored.handle,
				chainInput: 'text',
				taskChain: fromAI('taskChain', 'Filestack tasks separated by /'),
				output: 'url',
			},
			{ taskChain: 'resize=width:300/flip' },
		);
		const [{ json }] = run.output('Agent');
		expect(json.response).toEqual([
			{
				url: `${fixture.emulator.url}/resize=width:300/flip/${stored.handle}`,
				tasks: ['resize', 'flip'],
			},
		]);
	});

	it('download: binary data cannot reach the agent, the file is described instead', async () => {
		const stored = await fixture.seeder.store(APP, '0123456789', 'digits.txt', 'text/plain');
		const run = await runAgent(
			{
				resource: 'file',
				operation: 'download',
				handle: fromAI('handle', 'The handle of the file'),
			},
			{ handle: stored.handle },
		);
		const [{ json }] = run.output('Agent');
		expect(json.response).toEqual([
			{ handle: stored.handle, filename: 'digits.txt', mimetype: 'text/plain', size: 10 },
		]);
	});

	it('a failing call reaches the agent as an error naming the item, not as a result', async () => {
		const run = await runAgent(
			{
				resource: 'file',
				operation: 'getMetadata',
				handle: fromAI('handle', 'The handle of the file'),
			},
			{ handle: 'NoSuchFileHandle000000' },
		);
		const [{ json }] = run.output('Agent');
		expect(json.response).toBeUndefined();
		expect(json.error).toMatch(
			/Metadata of NoSuchFileHandle000000 failed with HTTP 404.*\[item 0\]/s,
		);
	});
});

/** Runs a workflow of the agent stand-in with the Filestack tool connected to it, through n8n-core. */
async function runAgent(
	toolParameters: INodeParameters,
	toolArguments: IDataObject,
): Promise<WorkflowRun> {
	const agentNode: INode = {
		id: randomUUID(),
		name: 'Agent',
		type: AGENT,
		typeVersion: 1,
		position: [0, 0],
		parameters: { toolArguments: JSON.stringify(toolArguments) },
	};
	const nodes = [agentNode, toolNode({ descriptionType: 'auto', ...toolParameters })];
	const connections: IConnections = {
		Filestack: {
			[NodeConnectionTypes.AiTool]: [
				[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }],
			],
		},
	};
	const workflow = new Workflow({
		id: randomUUID(),
		name: 'tool',
		nodes,
		connections,
		active: false,
		nodeTypes,
	});
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: 'tool',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
	};
	const executionId = randomUUID();
	const credentials = new FixedCredentialsHelper(
		fixture.harness.package.credentialTypes,
		credentialsFor(fixture.emulator, APP),
	);
	const execution = new WorkflowExecute(
		additionalData(
			credentials,
			executionId,
			new ExecutionLifecycleHooks('manual', executionId, workflowData),
		),
		'manual',
		createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: agentNode, data: { main: [[{ json: {} }]] }, source: null }],
			},
		}),
	);
	const run = new WorkflowRun(await execution.processRunExecutionData(workflow));
	expect(run.error?.message).toBeUndefined();
	return run;
}

/**
 * Stands in for the AI Agent node: takes the tools n8n-core makes of the nodes on its tool input and calls each with
 * fixed arguments, as a model would. A tool's error is caught, as the agent reports it back to the model.
 */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- a test fixture, itself never a tool
class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its tools with fixed arguments',
		defaults: { name: 'Agent' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Tool Arguments', name: 'toolArguments', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as AgentTool[];
		const toolArguments = JSON.parse(
			this.getNodeParameter('toolArguments', 0) as string,
		) as IDataObject;
		const output: INodeExecutionData[] = [];
		for (const tool of tools) {
			const called = {
				name: tool.name,
				description: tool.description,
				arguments: Object.keys(tool.schema.shape),
			};
			try {
				output.push({
					json: {
						...called,
						response: JSON.parse(await tool.invoke(toolArguments)) as IDataObject[],
					},
				});
			} catch (error) {
				output.push({ json: { ...called, error: (error as Error).message } });
			}
		}
		return [output];
	}
}
