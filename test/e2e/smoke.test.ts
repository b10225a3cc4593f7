import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { createN8nHome, type N8nHome } from './n8n';
import {
	filestackCredential,
	filestackNode,
	linearWorkflow,
	manualTrigger,
	readFileFromDisk,
} from './workflows';

// A real n8n 1.123.81 with the packed package installed as a community package, run from its CLI.
const API_KEY = 'E2E_SMOKE_KEY';

let emulator: Emulator;
let home: N8nHome | undefined;
let scratch: string;

beforeAll(async () => {
	emulator = await startEmulator({ apps: [{ apiKey: API_KEY }] });
	scratch = await mkdtemp(join(tmpdir(), 'filestack-e2e-'));
});

afterEach(async () => {
	await home?.remove();
});

afterAll(async () => {
	await emulator?.close();
	await rm(scratch, { recursive: true, force: true });
});

// In n8n's default mode the file reaches the node as base64 in memory; in filesystem mode as a stored file with an
// id, which the node streams from disk.
it.each(['default', 'filesystem'] as const)(
	'uploads a file read from disk through the installed Filestack node (%s binary mode)',
	async (binaryMode) => {
		home = await createN8nHome({ binaryMode });
		const content = randomBytes(256 * 1024 + 11);
		const path = join(scratch, `smoke-${binaryMode}.bin`);
		await writeFile(path, content);
		const credential = filestackCredential('e2eSmokeCred', emulator.url, { apiKey: API_KEY });
		await home.importCredentials([credential]);
		await home.importWorkflow(
			linearWorkflow('e2eSmokeUpload', [
				manualTrigger(),
				readFileFromDisk(path),
				filestackNode({ resource: 'file', operation: 'upload' }, credential),
			]),
		);

		const { code, run, stderr } = await home.execute('e2eSmokeUpload');

		expect({ code, error: run.data.resultData.error?.message }).toEqual({
			code: 0,
			error: undefined,
		});
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
		await home.remove();
	},
);
