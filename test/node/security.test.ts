import type { NodeSpec } from '../harness';
import { filestackNode, source } from '../harness';
import type { EmulatedApp } from './support';
import { fingerprint, pairedItems, storedBytes, useNodeFixture } from './support';
import { policySignature } from '../support/signatures';

// The "security" resource: policies and signed URLs made with the credential's app secret, which the emulated
// Filestack (an application with security turned on) must accept for exactly what they allow.
const APP: EmulatedApp = { apiKey: 'SECURITY_KEY', appSecret: 'security-resource-app-secret' };

const fixture = useNodeFixture({ apps: [APP] });
let handle: string;
let other: string;

beforeAll(async () => {
	handle = (await fixture.seeder.store(APP, 'a protected file\n', 'protected.txt', 'text/plain'))
		.handle;
	other = (await fixture.seeder.store(APP, 'another file\n', 'other.txt', 'text/plain')).handle;
});

async function outputOf(nodes: NodeSpec[]) {
	const run = await fixture.harness.run({ nodes });
	expect(run.error?.message).toBeUndefined();
	return run.output('Filestack');
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const hmac = (text: string) => policySignature(APP.appSecret!, text);
const decodePolicy = (base64: string): unknown =>
	JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));

/** The status of a GET with the policy and signature in the query, as a browser given them would send it. */
async function statusWith(path: string, policy: string, signature: string): Promise<number> {
	const query = new URLSearchParams({ policy, signature });
	return (await fetch(`${fixture.emulator.url}${path}?${query}`)).status;
}

describe('create policy', () => {
	it('signs a policy for the calls and handle given, which Filestack accepts for those only', async () => {
		const before = nowSeconds();
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'security',
				operation: 'createPolicy',
				expiresIn: 600,
				calls: ['stat'],
				restrictions: { handle },
			}),
		]);

		const policy = json.policy as { expiry: number };
		expect(policy).toEqual({ expiry: expect.any(Number), call: ['stat'], handle });
		expect(policy.expiry).toBeGreaterThanOrEqual(before + 600);
		expect(policy.expiry).toBeLessThanOrEqual(nowSeconds() + 600);
		const policyBase64 = String(json.policyBase64);
		expect(decodePolicy(policyBase64)).toEqual(policy);
		expect(json).toEqual({
			policy,
			policyBase64,
			signature: hmac(policyBase64),
			expiresAt: new Date(policy.expiry * 1000).toISOString(),
			urlSegment: `security=p:${policyBase64},s:${hmac(policyBase64)}`,
		});

		const signature = String(json.signature);
		expect(await statusWith(`/${handle}/metadata`, policyBase64, signature)).toBe(200);
		expect(await statusWith(`/api/file/${handle}`, policyBase64, signature)).toBe(403); // reading is not allowed
		expect(await statusWith(`/${other}/metadata`, policyBase64, signature)).toBe(403); // nor another file
	});

	it('puts every restriction given into the policy, and allows every call when none is chosen', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'security',
				operation: 'createPolicy',
				expiresIn: 60,
				calls: [],
				restrictions: {
					container: '^uploads-.*$',
					path: '^incoming/',
					url: 'https://example\\.com/.*',
					minSize: 10,
					maxSize: 1000,
				},
			}),
		]);

		expect(json.policy).toEqual({
			expiry: expect.any(Number),
			container: '^uploads-.*$',
			path: '^incoming/',
			url: 'https://example\\.com/.*',
			minSize: 10,
			maxSize: 1000,
		});
		expect(decodePolicy(String(json.policyBase64))).toEqual(json.policy);
		expect(json.signature).toBe(hmac(String(json.policyBase64)));
		expect(
			await statusWith(`/api/file/${other}`, String(json.policyBase64), String(json.signature)),
		).toBe(200);
	});

	it('makes one policy per item, for the handle of each', async () => {
		const items = await outputOf([
			source([{ json: { file: handle } }, { json: { file: other } }]),
			filestackNode({
				resource: 'security',
				operation: 'createPolicy',
				calls: ['read'],
				restrictions: { handle: '={{ $json.file }}' },
			}),
		]);

		expect(items.map(({ json }) => (json.policy as { handle: string }).handle)).toEqual([
			handle,
			other,
		]);
		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const { json } of items) {
			const file = (json.policy as { handle: string }).handle;
			expect(
				await statusWith(`/api/file/${file}`, String(json.policyBase64), String(json.signature)),
			).toBe(200);
		}
	});
});

describe('sign URL', () => {
	it('makes a signed processing URL that Filestack serves, for that file only', async () => {
		const before = nowSeconds();
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'security',
				operation: 'signUrl',
				handle,
				taskChain: 'resize=width:100/flip',
				expiresIn: 300,
			}),
		]);

		const url = String(json.url);
		const [, policyBase64, signature] =
			new RegExp(
				`^${fixture.emulator.url}/resize=width:100/flip/security=p:([^,]+),s:([0-9a-f]{64})/${handle}$`,
			).exec(url) ?? [];
		expect(signature).toBe(hmac(policyBase64));
		const policy = decodePolicy(policyBase64) as { expiry: number };
		expect(policy).toEqual({ expiry: expect.any(Number), call: ['read', 'convert'], handle });
		expect(policy.expiry).toBeGreaterThanOrEqual(before + 300);
		expect(json).toEqual({ handle, url, expiresAt: new Date(policy.expiry * 1000).toISOString() });

		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(response.headers.get('x-emulator-tasks')).toBe('resize=width:100/flip');
		expect(fingerprint(Buffer.from(await response.arrayBuffer()))).toEqual(
			fingerprint(await storedBytes(fixture.emulator, handle)),
		);
		expect((await fetch(url.replace(handle, other))).status).toBe(403);
	});

	it('signs for every file the chain reads: a watermark of another file is served, and the policy names no one handle', async () => {
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'security',
				operation: 'signUrl',
				handle,
				taskChain: `watermark=file:${other}`,
			}),
		]);

		const url = String(json.url);
		const [, policyBase64] = /\/security=p:([^,]+),s:[0-9a-f]{64}\//.exec(url) ?? [];
		expect(decodePolicy(policyBase64)).toEqual({
			expiry: expect.any(Number),
			call: ['read', 'convert'],
		});
		const response = await fetch(url);
		expect(response.status).toBe(200);
		expect(response.headers.get('x-emulator-tasks')).toBe(`watermark=file:${other}`);
	});

	it('signs for an external URL the chain reads besides the file, and for nothing else', async () => {
		const mark = 'https://example.com/mark.png';
		const [{ json }] = await outputOf([
			filestackNode({
				resource: 'security',
				operation: 'signUrl',
				handle,
				taskChain: `watermark=file:"${mark}"`,
			}),
		]);

		const [, policyBase64] = /\/security=p:([^,]+),s:[0-9a-f]{64}\//.exec(String(json.url)) ?? [];
		expect(decodePolicy(policyBase64)).toEqual({
			expiry: expect.any(Number),
			call: ['read', 'convert'],
			handle,
			url: '^(?:https://example\\.com/mark\\.png)$',
		});
	});

	it('signs the plain URL of the file of each item when there is no task chain', async () => {
		const items = await outputOf([
			source([{ json: { file: handle } }, { json: { file: other } }]),
			filestackNode({
				resource: 'security',
				operation: 'signUrl',
				handle: '={{ $json.file }}',
				calls: ['read'],
			}),
		]);

		expect(pairedItems(items)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const [index, { json }] of items.entries()) {
			const file = [handle, other][index];
			expect(json.url).toMatch(
				new RegExp(`^${fixture.emulator.url}/security=p:[^,]+,s:[0-9a-f]{64}/${file}$`),
			);
			const response = await fetch(String(json.url));
			expect(Buffer.from(await response.arrayBuffer())).toEqual(
				await storedBytes(fixture.emulator, file),
			);
		}
	});
});
