export type { BinarySource, SourceItem } from './sourceNode';
export { bytes, file, SOURCE_NODE_TYPE } from './sourceNode';
export type { NodeSpec, WorkflowSpec } from './workflow';
export {
	chain,
	FILESTACK_NODE_TYPE,
	FILESTACK_TRIGGER_NODE_TYPE,
	filestackNode,
	source,
} from './workflow';
export type { Harness, HarnessOptions, RunOptions, WebhookCall } from './harness';
export { createHarness } from './harness';
export { n8nLogger } from './container';
export type { BinaryMode } from './environment';
export type { CredentialsByType } from './credentials';
export type { WebhookRequest } from './webhookRequest';
export type { CapturedResponse } from './webhookResponse';
export { WorkflowRun } from './workflowRun';
export { binaryBuffer, binarySha256, binaryStream, sha256, sha256OfFile } from './binary';
export { credentialTestOf } from './credentialTest';
