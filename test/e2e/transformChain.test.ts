import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { syntheticPng } from '../emulator/png';
import { useWorkflowFixture } from './fixture';
import { outcome, type ExecuteResult, type ExecutionItem } from './n8n';
import { filestackNode, readFileFromDisk } from './workflows';

// Upload → transform (resize, stored as a new file) → download of that new file, in one real n8n 1.123.81 run with
// binary data on the filesystem; each step takes the previous one's handle through an expression.
const API_KEY = 'E2E_CHAIN_KEY';
const WORKFLOW_ID = 'e2eTransformChain';

const fixture = useWorkflowFixture(API_KEY);

function outputOf(result: ExecuteResult, node: string): ExecutionItem {
	const items = result.run.data.resultData.runData[node]?.[0].data?.main[0] ?? [];
	expect(items).toHaveLength(1);
	return items[0];
}

it('uploads a PNG, stores a resized copy and downloads that copy into n8n (filesystem binary mode)', async () => {
	const { emulator, scratch } = fixture;
	const png = syntheticPng(320, 200, 'transform-chain');
	const path = join(scratch, 'photo.png');
	await writeFile(path, png);
	const home = await fixture.n8nWithWorkflow(
		WORKFLOW_ID,
		(credential) => [
			readFileFromDisk(path),
			filestackNode({ resource: 'file', operation: 'upload' }, credential, 'Upload'),
			filestackNode(
				{
					resource: 'transformation',
					operation: 'transform',
					handle: '={{ $json.handle }}',
					tasks: { task: [{ name: 'resize', resizeParameters: { width: 120, height: 80 } }] },
					output: 'store',
				},
				credential,
				'Resize',
			),
			filestackNode(
				{ resource: 'file', operation: 'download', handle: '={{ $json.handle }}' },
				credential,
				'Download',
			),
		],
		{ binaryMode: 'filesystem' },
	);

	const result = await home.execute(WORKFLOW_ID);

	expect(outcome(result)).toEqual({ code: 0, error: undefined });
	const uploaded = outputOf(result, 'Upload').json;
	expect(uploaded).toMatchObject({
		filename: 'photo.png',
		mimetype: 'image/png',
		size: png.length,
	});
	const original = emulator.files.get(String(uploaded.handle));
	expect((await original!.content.read()).equals(png)).toBe(true);

	const resized = outputOf(result, 'Resize').json;
	expect(resized).toMatchObject({
		handle: expect.stringMatching(/^[A-Za-z0-9]{20}$/),
		url: expect.any(String),
	});
	expect(resized.handle).not.toBe(uploaded.handle);
	const copy = emulator.files.get(String(resized.handle));
	expect(copy).toBeDefined();
	const storeRequests = emulator.requests
		.map(({ path: requestPath }) => requestPath)
		.filter(
			(requestPath) =>
				requestPath.endsWith(`/${String(uploaded.handle)}`) && /\/store\b/.test(requestPath),
		);
	expect(storeRequests).toEqual([expect.stringMatching(/\/resize=[^/]+\/store(=[^/]*)?\//)]);
	expect(storeRequests[0]).toMatch(/\/resize=(?=[^/]*width:120)(?=[^/]*height:80)[^/]+\//);

	const downloaded = outputOf(result, 'Download');
	expect(downloaded.json).toMatchObject({ handle: resized.handle, size: copy!.size });
	const binary = downloaded.binary?.data;
	expect(binary).toMatchObject({
		data: 'filesystem-v2',
		id: expect.stringMatching(/^filesystem-v2:/),
	});
	// In filesystem mode the id names the file in n8n's binary store.
	const inN8n = await readFile(
		join(home.n8nFolder, 'binaryData', binary!.id!.slice('filesystem-v2:'.length)),
	);
	expect(inN8n.equals(await copy!.content.read())).toBe(true);
});
