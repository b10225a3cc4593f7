import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { useWorkflowFixture } from './fixture';
import { outcome } from './n8n';
import { filestackNode, readFileFromDisk } from './workflows';

// A real n8n 1.123.81 with the packed package installed as a community package, run from its CLI.
const API_KEY = 'E2E_SMOKE_KEY';

const fixture = useWorkflowFixture(API_KEY);

// In n8n's default mode the file reaches the node as base64 in memory; in filesystem mode as a stored file with an
// id, which the node streams from disk.
it.each(['default', 'filesystem'] as const)(
	'uploads a file read from disk through the installed Filestack node (%s binary mode)',
	async (binaryMode) => {
		const { emulator, scratch } = fixture;
		const content = randomBytes(256 * 1024 + 11);
		const path = join(scratch, `smoke-${binaryMode}.bin`);
		await writeFile(path, content);
		const home = await fixture.n8nWithWorkflow(
			'e2eSmokeUpload',
			(credential) => [
				readFileFromDisk(path),
				filestackNode({ resource: 'file', operation: 'upload' }, credential),
			],
			{ binaryMode },
		);

		const result = await home.execute('e2eSmokeUpload');
		const { run, stderr } = result;

		expect(outcome(result)).toEqual({ code: 0, error: undefined });
		expect(stderr).not.toMatch(/error/i);
		const [read] = run.data.resultData.runData['Read File'][0].data!.main[0];
		expect(read.binary?.data.id).toEqual(
			binaryMode === 'filesystem' ? expect.stringMatching(/^filesystem-v2:/) : undefined,
		);
		const [item] = run.data.resultData.runData.Filestack[0].data!.main[0];
		expect(item.json).toMatchObject({ filename: `smoke-${binaryMode}.bin`, size: content.length });
		const stored = emulator.files.get(String(item.json.handle));
		expect(stored).toBeDefined();
		expect((await stored!.content.read()).equals(content)).toBe(true);
		// Only the headers Filestack handed out reach storage: no Content-Type of n8n's own.
		const puts = emulator.requests.filter(({ route }) => route === 'put');
		expect(puts.map(({ headers }) => headers['content-type'])).toEqual(puts.map(() => undefined));
		expect(puts.length).toBeGreaterThan(0);
	},
);
