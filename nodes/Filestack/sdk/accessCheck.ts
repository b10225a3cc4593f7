import { FilestackApiError, FilestackNetworkError } from './errors';
import { Http } from './http';
import { DEFAULT_RETRY } from './retry';
import type { Transport } from './transport';
import { type Signer, type StartFields, UploadSession, type UploadTarget } from './upload/session';

/** What Filestack says about an API key and app secret. */
export type Access =
	| { verdict: 'accepted'; security: 'on' | 'off' }
	/** The Upload API answered 400, its answer to a start without a known API key. */
	| { verdict: 'unknownApiKey'; error: FilestackApiError }
	/** The app refuses unsigned requests, and there is no secret to sign with. */
	| { verdict: 'secretNeeded' }
	/** The app refuses the requests signed with the secret. */
	| { verdict: 'signatureRefused' }
	| { verdict: 'unreachable'; url: string; error: FilestackNetworkError }
	| { verdict: 'unexpectedAnswer'; url: string; error: FilestackApiError };

/** A one-byte upload that is started and never continued: nothing is uploaded or stored. */
const PROBE: StartFields = {
	filename: 'n8n-credential-test.txt',
	mimetype: 'text/plain',
	size: 1,
	store: { location: 's3' },
};

/** Someone waits for the answer: one try each, not longer than half a minute. */
const ONE_TRY = { ...DEFAULT_RETRY, attempts: 1, timeoutMs: 30_000 };

type Answer = 'accepted' | 'policyRefused' | Access;

/**
 * Starts the probe upload unsigned, which tells a known API key (accepted, or refused for want of a policy: 403)
 * from an unknown one (400) and whether the app has security on; then, when there is a secret, signed with it,
 * which tells whether Filestack accepts its signatures.
 */
export async function checkAccess(
	transport: Transport,
	target: UploadTarget,
	sign?: Signer,
): Promise<Access> {
	const http = new Http(transport, ONE_TRY);
	const unsigned = await start(http, target);
	if (typeof unsigned === 'object') return unsigned;
	if (!sign) {
		return unsigned === 'accepted'
			? { verdict: 'accepted', security: 'off' }
			: { verdict: 'secretNeeded' };
	}
	const signed = await start(http, target, sign);
	if (typeof signed === 'object') return signed;
	if (signed === 'policyRefused') return { verdict: 'signatureRefused' };
	return { verdict: 'accepted', security: unsigned === 'accepted' ? 'off' : 'on' };
}

async function start(http: Http, target: UploadTarget, sign?: Signer): Promise<Answer> {
	const url = `${target.uploadBase}/multipart/start`;
	const failure = await UploadSession.begin(http, target, PROBE, { fii: false, sign }).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (failure === undefined) return 'accepted';
	if (failure instanceof FilestackNetworkError)
		return { verdict: 'unreachable', url, error: failure };
	if (!(failure instanceof FilestackApiError)) throw failure;
	// Only an error in the Upload API's own shape (with its correlation id) is Filestack's word on the credential.
	const fromUploadApi = failure.correlationId !== undefined;
	if (fromUploadApi && failure.status === 403) return 'policyRefused';
	if (fromUploadApi && failure.status === 400) return { verdict: 'unknownApiKey', error: failure };
	return { verdict: 'unexpectedAnswer', url, error: failure };
}
