import { createHmac } from 'crypto';

import { FilestackApi } from '../../credentials/FilestackApi.credentials';

describe('the credential test', () => {
	it('starts its upload with a policy for pick and store, signed with the app secret', async () => {
		const options = await new FilestackApi().authenticate(
			{ apiKey: 'KEY', appSecret: 'SECRET' },
			{ url: '/multipart/start', body: { apikey: 'KEY' } },
		);

		const { policy, signature } = options.body as { policy: string; signature: string };
		expect(signature).toBe(createHmac('sha256', 'SECRET').update(policy).digest('hex'));
		const decoded = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Record<
			string,
			unknown
		>;
		expect(decoded).toEqual({ call: ['pick', 'store'], expiry: expect.any(Number) });
	});
});
