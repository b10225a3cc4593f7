import type { INodeParameters } from 'n8n-workflow';

import { filestackNode } from '../harness';
import * as refusal from '../support/fetchUrlRefusals';
import type { EmulatedApp } from './support';
import { useNodeFixture } from './support';

// Every URL Filestack is to fetch passes one check before anything is sent: http(s) only (and src:// storage
// aliases where Filestack's processing URLs take them), never a cloud metadata address (link-local, or AWS's
// fd00:ec2::254), never one that parsers read differently (backslashes, user info): the URL is sent as given.
// The message names the parameter by its label.
const APP: EmulatedApp = { apiKey: 'URL_INPUTS_KEY', appSecret: 'url-inputs-app-secret' };

const fixture = useNodeFixture({
	apps: [APP],
	site: { '/a.txt': { type: 'text/plain', body: Buffer.from('from the site\n') } },
});
let handle: string;

beforeAll(async () => {
	handle = (await fixture.seeder.store(APP, 'stored\n', 'stored.txt', 'text/plain')).handle;
});

const operations: Record<string, (url: string) => INodeParameters> = {
	'Upload From URL': (url) => ({ resource: 'file', operation: 'uploadFromUrl', url }),
	'Overwrite (URL)': (url) => ({
		resource: 'file',
		operation: 'overwrite',
		handle,
		contentSource: 'url',
		url,
	}),
	Transform: (url) => ({
		resource: 'transformation',
		operation: 'transform',
		sourceType: 'url',
		url,
		chainInput: 'text',
		taskChain: 'flip',
	}),
	Convert: (url) => ({ resource: 'audioVideo', operation: 'convert', sourceType: 'url', url }),
	Screenshot: (url) => ({ resource: 'transformation', operation: 'screenshot', url }),
	Zip: (url) => ({ resource: 'transformation', operation: 'zip', files: [handle, url] }),
};

/** How each operation is named in its error messages: the resource and operation as picked in the node. */
const menuPath: Record<string, string> = {
	'Upload From URL': 'File → Upload From URL',
	'Overwrite (URL)': 'File → Overwrite',
	Transform: 'Transformation → Transform',
	Convert: 'Audio/Video → Convert',
	Screenshot: 'Transformation → Screenshot',
	Zip: 'Transformation → Zip',
};

const refused: Array<[string, string, string, string]> = [
	['Upload From URL', 'file:///etc/passwd', 'URL', refusal.HTTP_ONLY],
	['Upload From URL', 'javascript:alert(1)', 'URL', refusal.HTTP_ONLY],
	['Upload From URL', 'http://169.254.169.254/latest/meta-data/', 'URL', refusal.LINK_LOCAL],
	['Upload From URL', 'http://2852039166/latest/meta-data/', 'URL', refusal.LINK_LOCAL],
	['Upload From URL', 'http://[fe80::1]/file', 'URL', refusal.LINK_LOCAL],
	['Upload From URL', 'src://my-storage/a.txt', 'URL', refusal.HTTP_ONLY],
	['Upload From URL', 'http://example.com\\@169.254.169.254/', 'URL', refusal.READ_DIFFERENTLY],
	['Upload From URL', 'http://example.com@169.254.169.254/', 'URL', refusal.USER_INFO],
	['Upload From URL', 'http://[fd00:ec2::254]/latest/meta-data/', 'URL', refusal.AWS_IPV6],
	['Overwrite (URL)', 'file:///etc/passwd', 'URL', refusal.HTTP_ONLY],
	['Overwrite (URL)', 'javascript:alert(1)', 'URL', refusal.HTTP_ONLY],
	['Overwrite (URL)', 'http://169.254.169.254/latest/meta-data/', 'URL', refusal.LINK_LOCAL],
	['Overwrite (URL)', 'http://[::ffff:169.254.169.254]/', 'URL', refusal.LINK_LOCAL],
	['Overwrite (URL)', 'http://example.com\\@169.254.169.254/', 'URL', refusal.READ_DIFFERENTLY],
	['Overwrite (URL)', 'http://user:pass@example.com/a.txt', 'URL', refusal.USER_INFO],
	['Overwrite (URL)', 'http://[fd00:ec2::254]/latest/meta-data/', 'URL', refusal.AWS_IPV6],
	['Transform', 'file:///etc/passwd', 'URL', refusal.WITH_ALIAS],
	['Transform', 'http://169.254.169.254/latest/meta-data/', 'URL', refusal.LINK_LOCAL],
	[
		'Transform',
		'http://example.com\\..\\169.254.169.254/latest/meta-data/',
		'URL',
		refusal.READ_DIFFERENTLY,
	],
	['Convert', 'http://[fe80::a9fe:a9fe]/clip.mov', 'URL', refusal.LINK_LOCAL],
	['Convert', 'http://[fd00:ec2::254]/clip.mov', 'URL', refusal.AWS_IPV6],
	['Screenshot', 'http://example.com@169.254.169.254/', 'Page URL', refusal.USER_INFO],
	['Screenshot', 'http://169.254.169.254/', 'Page URL', refusal.LINK_LOCAL],
	['Screenshot', 'src://my-storage/page.html', 'Page URL', refusal.HTTP_ONLY],
	['Zip', 'http://169.254.169.254/latest/meta-data/', 'Files', refusal.LINK_LOCAL],
	['Zip', 'file:///etc/passwd', 'Files', refusal.WITH_ALIAS],
	['Zip', 'src://my-storage\\..\\a.txt', 'Files', refusal.READ_DIFFERENTLY],
];

describe('a URL input that Filestack should not fetch', () => {
	it.each(refused)('%s refuses %s, naming the parameter %s', async (operation, url, label, why) => {
		const first = fixture.emulator.requests.length;
		const run = await fixture.harness.run({ nodes: [filestackNode(operations[operation](url))] });

		expect(run.status).toBe('error');
		const error = run.nodeError('Filestack');
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`${label} ${JSON.stringify(url)} is refused: ${why} (${menuPath[operation]}) [item 0]`,
		);
		expect(fixture.emulator.requests.length).toBe(first);
	});
});

describe('a URL input Filestack may fetch', () => {
	it('a loopback or private address goes on to Filestack, which fetches it from its own network', async () => {
		const run = await fixture.harness.run({
			nodes: [filestackNode(operations['Upload From URL'](`${fixture.site.url}/a.txt`))],
		});

		const [item] = run.output('Filestack');
		expect(item.json).toMatchObject({ filename: 'a.txt', size: 14 });
	});

	it('a storage alias goes on where Filestack takes one (Transform)', async () => {
		const run = await fixture.harness.run({
			nodes: [filestackNode(operations.Transform('src://my-storage/a.jpg'))],
		});

		const [item] = run.output('Filestack');
		const [base, rest] = String(item.json.url).split('/flip/');
		expect(base).toBe(`${fixture.emulator.url}/${APP.apiKey}`);
		expect(rest).toMatch(/^security=p:[^/]+,s:[0-9a-f]+\/src:\/\/my-storage\/a\.jpg$/);
	});
});
