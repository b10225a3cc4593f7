import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { endpointSettings, type FilestackCredentials } from '../nodes/Filestack/helpers/client';
import { resolveEndpoints } from '../nodes/Filestack/sdk/endpoints';
import { leastPrivilege, UPLOAD_CALLS } from '../nodes/Filestack/sdk/security';

export class FilestackApi implements ICredentialType {
	name = 'filestackApi';

	displayName = 'Filestack API';

	icon: Icon = { light: 'file:../icons/filestack.svg', dark: 'file:../icons/filestack.dark.svg' };

	documentationUrl = 'https://www.filestack.com/docs/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The API key of your Filestack application (Developer Portal, top of the dashboard)',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Needed when the application has security turned on (Developer Portal → Security → App Secret). When set, every request is signed with a short-lived policy that allows only that call, on what it reads.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The secret of your webhook endpoint (Developer Portal → Webhooks). Used by the Filestack Trigger to verify deliveries. It is not the app secret.',
		},
		{
			displayName: 'Endpoints',
			name: 'endpoints',
			type: 'options',
			default: 'cloud',
			options: [
				{ name: 'Filestack Cloud', value: 'cloud', description: 'The public Filestack hosts' },
				{
					name: 'Custom Domain',
					value: 'customDomain',
					description: 'Your own domain set up for Filestack (cdn., upload., www.)',
				},
				{
					name: 'Custom URLs',
					value: 'customUrls',
					description: 'Explicit base URLs, for example a proxy or a local sandbox',
				},
			],
		},
		{
			displayName: 'Custom Domain',
			name: 'customDomain',
			type: 'string',
			default: '',
			placeholder: 'e.g. example.com',
			description:
				'Filestack is then reached at cdn.example.com, upload.example.com and www.example.com',
			displayOptions: { show: { endpoints: ['customDomain'] } },
		},
		{
			displayName: 'Upload API URL',
			name: 'uploadUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://upload.filestackapi.com',
			displayOptions: { show: { endpoints: ['customUrls'] } },
		},
		{
			displayName: 'CDN URL',
			name: 'cdnUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://cdn.filestackcontent.com',
			description: 'Downloads, transformations and the processing API',
			displayOptions: { show: { endpoints: ['customUrls'] } },
		},
		{
			displayName: 'File API URL',
			name: 'apiUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://www.filestackapi.com/api',
			description: 'Metadata, delete and overwrite',
			displayOptions: { show: { endpoints: ['customUrls'] } },
		},
	];

	/**
	 * Requests n8n itself sends with this credential (the "Custom API Call" of the HTTP Request node) get a policy for
	 * uploading (pick and store) only, and only when they go to the credential's own Upload API: a signature never
	 * leaves for another host. The nodes sign each request themselves, with a policy scoped to that call; the
	 * credential test is the nodes' `filestackApiTest`.
	 */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const secret = credentials.appSecret as string | undefined;
		if (!secret || typeof requestOptions.body !== 'object' || requestOptions.body === null)
			return requestOptions;
		if (!goesToUploadApi(credentials, requestOptions)) return requestOptions;
		const security = leastPrivilege(secret, { call: [...UPLOAD_CALLS] });
		return { ...requestOptions, body: { ...requestOptions.body, ...security.toParams() } };
	};
}

/** Whether a request (relative to the Upload API unless it names a base URL) goes to the credential's Upload API. */
function goesToUploadApi(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): boolean {
	try {
		const { upload } = resolveEndpoints(
			endpointSettings(credentials as unknown as FilestackCredentials),
		);
		const base = requestOptions.baseURL ?? upload;
		return new URL(requestOptions.url, base).origin === new URL(upload).origin;
	} catch {
		return false; // an endpoint or URL that is no URL: nothing is signed
	}
}
