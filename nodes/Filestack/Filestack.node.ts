import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { nodeProperties } from './actions/resources';
import { route } from './actions/router';
import { testFilestackCredential } from './helpers/credentialTest';

export class Filestack implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Filestack',
		name: 'filestack',
		icon: { light: 'file:../../icons/filestack.svg', dark: 'file:../../icons/filestack.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Upload, download, transform and convert files with Filestack: streamed uploads, image and document processing, audio/video conversion and signed URLs',
		defaults: { name: 'Filestack' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'filestackApi', required: true, testedBy: 'filestackApiTest' }],
		properties: nodeProperties,
	};

	// n8n runs the credential test of whichever node listing the credential it finds first: both carry it.
	methods = { credentialTest: { filestackApiTest: testFilestackCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
