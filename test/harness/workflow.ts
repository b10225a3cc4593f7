import { randomUUID } from 'node:crypto';

import type {
	IConnections,
	INode,
	INodeCredentials,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import type { CredentialsByType } from './credentials';
import type { SourceItem } from './sourceNode';
import { SOURCE_NODE_TYPE } from './sourceNode';

export const FILESTACK_NODE_TYPE = 'n8n-nodes-filestack.filestack';
export const FILESTACK_TRIGGER_NODE_TYPE = 'n8n-nodes-filestack.filestackTrigger';

/** A workflow node as a test writes it; the harness fills in the rest of an n8n node. */
export interface NodeSpec {
	name: string;
	type: string;
	parameters?: INodeParameters;
	/** Default: the node type's latest version. */
	typeVersion?: number;
	/** Default: every credential type the node type declares that the harness has data for. */
	credentials?: INodeCredentials;
	/** n8n's per-node error setting, e.g. 'continueRegularOutput' ("continue on fail"). */
	onError?: INode['onError'];
	webhookId?: string;
}

/** Nodes, connected in the order given unless `connections` says otherwise. */
export interface WorkflowSpec {
	nodes: NodeSpec[];
	connections?: IConnections;
}

/** The harness's source node, emitting the given items (with binary data) into the next node. */
export function source(items: SourceItem[], name = 'Source'): NodeSpec {
	return { name, type: SOURCE_NODE_TYPE, parameters: { items: JSON.stringify(items) } };
}

export function filestackNode(parameters: INodeParameters, name = 'Filestack'): NodeSpec {
	return { name, type: FILESTACK_NODE_TYPE, parameters };
}

export function chain(names: string[]): IConnections {
	const connections: IConnections = {};
	names.slice(1).forEach((name, index) => {
		connections[names[index]] = { main: [[{ node: name, type: 'main', index: 0 }]] };
	});
	return connections;
}

function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** The n8n node for a spec: the credentials it references are the harness's, by type name. */
export function toNode(
	spec: NodeSpec,
	index: number,
	nodeTypes: INodeTypes,
	credentials: CredentialsByType,
): INode {
	const typeVersion = spec.typeVersion ?? latestVersion(nodeTypes.getByName(spec.type));
	const declared =
		nodeTypes.getByNameAndVersion(spec.type, typeVersion).description.credentials ?? [];
	const available = declared.map(({ name }) => name).filter((name) => name in credentials);
	return {
		id: randomUUID(),
		name: spec.name,
		type: spec.type,
		typeVersion,
		position: [index * 220, 0],
		parameters: spec.parameters ?? {},
		credentials:
			spec.credentials ?? Object.fromEntries(available.map((name) => [name, { id: name, name }])),
		...(spec.onError ? { onError: spec.onError } : {}),
		...(spec.webhookId ? { webhookId: spec.webhookId } : {}),
	};
}
