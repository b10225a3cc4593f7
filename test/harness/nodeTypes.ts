import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { HarnessSource, SOURCE_NODE_TYPE } from './sourceNode';

export const REPO_ROOT = resolve(__dirname, '../..');

/** The node and credential types of a built community package, nodes keyed by their full type name. */
export interface LoadedPackage {
	packageName: string;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
}

/**
 * Loads a package the way n8n loads an installed community package: through the `n8n` section of its package.json,
 * from the built JavaScript. Tests therefore exercise `dist/`, which `npm run build` produces.
 */
export async function loadBuiltPackage(directory = REPO_ROOT): Promise<LoadedPackage> {
	const loader = new PackageDirectoryLoader(directory);
	const entries = [
		...(loader.packageJson.n8n?.nodes ?? []),
		...(loader.packageJson.n8n?.credentials ?? []),
	];
	const missing = entries.filter((entry) => !existsSync(join(directory, entry)));
	if (missing.length > 0) {
		throw new Error(
			`The built package is incomplete (missing ${missing.join(', ')}): run \`npm run build\` first`,
		);
	}
	await loader.loadAll();
	const nodeTypes: LoadedPackage['nodeTypes'] = {};
	for (const [name, { type }] of Object.entries(loader.nodeTypes))
		nodeTypes[`${loader.packageName}.${name}`] = type;
	const credentialTypes: LoadedPackage['credentialTypes'] = {};
	for (const [name, { type }] of Object.entries(loader.credentialTypes))
		credentialTypes[name] = type;
	return { packageName: loader.packageName, nodeTypes, credentialTypes };
}

/** n8n's node type registry over a loaded package plus the harness's own source node. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType>;

	constructor(loaded: LoadedPackage) {
		this.types = { ...loaded.nodeTypes, [SOURCE_NODE_TYPE]: new HarnessSource() };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type)
			throw new Error(
				`Unknown node type ${nodeType}; known: ${Object.keys(this.types).join(', ')}`,
			);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}
