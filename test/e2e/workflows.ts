import { randomUUID } from 'node:crypto';

import { emulatorEndpoints } from '../emulator';

/** A node of an n8n workflow file, as the editor would save it. */
export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

/** A credential for `n8n import:credentials`; n8n encrypts `data` on import. */
export interface CredentialFile {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A workflow file for `n8n import:workflow`, its nodes connected one after another. */
export function linearWorkflow(id: string, nodes: WorkflowNode[]) {
	const connections: Record<string, unknown> = {};
	nodes.slice(1).forEach(({ name }, index) => {
		connections[nodes[index].name] = { main: [[{ node: name, type: 'main', index: 0 }]] };
	});
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: nodes.map((node, index) => ({ id: randomUUID(), position: [index * 220, 0], ...node })),
		connections,
	};
}

export function manualTrigger(): WorkflowNode {
	return {
		name: 'Manual Trigger',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		parameters: {},
	};
}

/** n8n's "Read/Write Files from Disk" node reading one file into binary field `data`, streamed. */
export function readFileFromDisk(path: string, name = 'Read File'): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: path, options: {} },
	};
}

/** A Filestack credential pointing every API at the emulator's single origin. */
export function filestackCredential(
	id: string,
	emulatorUrl: string,
	data: Record<string, unknown>,
): CredentialFile {
	return {
		id,
		name: `Filestack ${id}`,
		type: 'filestackApi',
		data: {
			...emulatorEndpoints(emulatorUrl),
			...data,
		},
	};
}

export function filestackNode(
	parameters: Record<string, unknown>,
	credential: CredentialFile,
	name = 'Filestack',
): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-filestack.filestack',
		typeVersion: 1,
		parameters,
		credentials: { filestackApi: { id: credential.id, name: credential.name } },
	};
}
