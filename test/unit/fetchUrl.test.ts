import { Client } from '../../nodes/Filestack/sdk/client';
import { resolveEndpoints } from '../../nodes/Filestack/sdk/endpoints';
import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';
import { fetchUrlProblem } from '../../nodes/Filestack/sdk/fetchUrl';
import type { Transport } from '../../nodes/Filestack/sdk/transport';
import * as refusal from '../support/fetchUrlRefusals';

describe('fetchUrlProblem: the one check of a URL Filestack is to fetch', () => {
	it.each([
		['https://example.com/a.pdf', undefined],
		['HTTP://EXAMPLE.COM/a.pdf', undefined],
		['http://127.0.0.1:8080/a.pdf', undefined],
		['http://10.0.0.5/a.pdf', undefined],
		['http://169.255.0.1/a.pdf', undefined],
		['http://[fec0::1]/a.pdf', undefined],
		['file:///etc/passwd', refusal.HTTP_ONLY],
		['javascript:alert(1)', refusal.HTTP_ONLY],
		['ftp://example.com/a.pdf', refusal.HTTP_ONLY],
		['src://alias/a.jpg', refusal.HTTP_ONLY],
		['http://', refusal.HTTP_ONLY],
		['http://169.254.169.254/latest/meta-data/', refusal.LINK_LOCAL],
		['http://169.254.0.1/', refusal.LINK_LOCAL],
		['http://2852039166/', refusal.LINK_LOCAL],
		['http://0xa9.0xfe.0xa9.0xfe/', refusal.LINK_LOCAL],
		['http://0251.0376.0251.0376/', refusal.LINK_LOCAL],
		['http://[fe80::1]/', refusal.LINK_LOCAL],
		['http://[FEBF::1]/', refusal.LINK_LOCAL],
		['http://[::ffff:169.254.169.254]/', refusal.LINK_LOCAL],
		['http://exa mple.com/', 'it is not a valid URL'],
		['http://[fd00:ec2::254]/latest/meta-data/', refusal.AWS_IPV6],
		['http://[FD00:0EC2:0:0:0:0:0:254]/', refusal.AWS_IPV6],
		['http://[fd00:ec2::253]/', undefined],
		['http://example.com\\..\\169.254.169.254/latest/meta-data/', refusal.READ_DIFFERENTLY],
		['http://example.com\\@169.254.169.254/', refusal.READ_DIFFERENTLY],
		['http://example.com/a\\b.pdf', refusal.READ_DIFFERENTLY],
		['http://exa\tmple.com/', refusal.READ_DIFFERENTLY],
		['http://example.com/a\n.pdf', refusal.READ_DIFFERENTLY],
		['http://user:pass@example.com/a.pdf', refusal.USER_INFO],
		['http://example.com@169.254.169.254/', refusal.USER_INFO],
		['http://@example.com/', refusal.USER_INFO],
		['https://example.com/a@b.pdf?who=a@b#c@d', undefined],
	])('%s without storage aliases', (url, problem) => {
		expect(fetchUrlProblem(url, false)).toBe(problem);
	});

	it.each([
		['src://alias/a.jpg', undefined],
		['https://example.com/a.jpg', undefined],
		['file:///etc/passwd', refusal.WITH_ALIAS],
		['http://169.254.169.254/', refusal.LINK_LOCAL],
		['src://alias\\..\\x.jpg', refusal.READ_DIFFERENTLY],
		['src://alias/a@b.jpg', undefined],
	])('%s where storage aliases are taken', (url, problem) => {
		expect(fetchUrlProblem(url, true)).toBe(problem);
	});
});

describe('the SDK refuses such a URL before sending anything', () => {
	const requests: unknown[] = [];
	const transport: Transport = {
		request: async (request) => {
			requests.push(request);
			throw new Error('no request expected');
		},
		sleep: async () => {},
	};
	const client = new Client({
		apiKey: 'KEY',
		appSecret: 'secret',
		endpoints: resolveEndpoints({ endpoints: 'cloud' }),
		transport,
	});
	const metadata = 'http://169.254.169.254/latest/meta-data/';

	it.each([
		['Upload From URL', async () => await client.uploadFromUrl(metadata), 'The URL'],
		[
			'Overwrite',
			async () => await client.filelink('AbCdEfGhIjKlMnOpQrSt').overwrite({ url: metadata }),
			'The URL of the new content',
		],
		['Screenshot', async () => await client.screenshot(metadata).store(), 'The page URL'],
	])('%s', async (_, call, what) => {
		await expect(call()).rejects.toThrow(
			new FilestackValidationError(`${what} "${metadata}" is refused: ${refusal.LINK_LOCAL}`),
		);
		expect(requests).toEqual([]);
	});

	it('a transformation of a URL', () => {
		expect(() => client.transformation({ url: metadata }).url()).toThrow(
			`Invalid source URL "${metadata}": ${refusal.LINK_LOCAL}`,
		);
	});
});
