import { FilestackApi } from '../../credentials/FilestackApi.credentials';
import { policySignature } from '../support/signatures';

describe("requests n8n sends with the credential (the HTTP Request node's Custom API Call)", () => {
	it.each([
		['another host', { url: 'https://attacker.example/multipart/start' }],
		['another base URL', { baseURL: 'https://attacker.example', url: '/multipart/start' }],
		['the CDN', { url: 'https://cdn.filestackcontent.com/multipart/start' }],
	])('carry no signature to %s', async (_, target) => {
		const options = await new FilestackApi().authenticate(
			{ apiKey: 'KEY', appSecret: 'SECRET' },
			{ ...target, body: { apikey: 'KEY' } },
		);

		expect(options.body).toEqual({ apikey: 'KEY' });
	});

	it('to the Upload API start with a policy for pick and store, signed with the app secret', async () => {
		const options = await new FilestackApi().authenticate(
			{ apiKey: 'KEY', appSecret: 'SECRET' },
			{ url: '/multipart/start', body: { apikey: 'KEY' } },
		);

		const { policy, signature } = options.body as { policy: string; signature: string };
		expect(signature).toBe(policySignature('SECRET', policy));
		const decoded = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<
			string,
			unknown
		>;
		expect(decoded).toEqual({ call: ['pick', 'store'], expiry: expect.any(Number) });
	});
});
