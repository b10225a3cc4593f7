import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestOptions,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers } from 'n8n-workflow';

/** Decrypted credential data by credential type name, e.g. `{ filestackApi: { apiKey: '…' } }`. */
export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

/**
 * Stands in for n8n's credentials helper: fixed, already decrypted data instead of a database, with the same
 * defaults filled in and the same function-style `authenticate` applied as n8n does.
 */
export class FixedCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly credentials: CredentialsByType,
	) {
		super();
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`The harness has no credentials of type ${type}`);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...(withDefaults as ICredentialDataDecryptedObject) };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialType(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate !== 'function') {
			throw new Error(
				`The harness applies only function-style authenticate, not ${authenticate.type} (${typeName})`,
			);
		}
		return await authenticate(credentials, requestOptions);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialType(type).properties;
	}

	getParentTypes(): string[] {
		return [];
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('The harness hands out decrypted credentials only');
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	private credentialType(type: string): ICredentialType {
		const credentialType = this.credentialTypes[type];
		if (!credentialType) throw new Error(`Unknown credential type ${type}`);
		return credentialType;
	}
}
