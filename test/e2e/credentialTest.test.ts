import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { createN8nHome, type N8nHome, type N8nServer } from './n8n';
import { RestSession } from './rest';
import { filestackCredential } from './workflows';

// The credential's "Test" button of a real n8n: POST /rest/credentials/test, as the editor sends it.
const OPEN_KEY = 'E2E_OPEN_KEY';
const SECURED_KEY = 'E2E_SECURED_KEY';
const APP_SECRET = 'e2e-app-secret';

let emulator: Emulator;
let home: N8nHome;
let server: N8nServer;
let session: RestSession;

const credentials = () => ({
	rightKey: filestackCredential('e2eRightKey', emulator.url, { apiKey: OPEN_KEY }),
	wrongKey: filestackCredential('e2eWrongKey', emulator.url, { apiKey: 'NOT_A_KEY' }),
	rightSecret: filestackCredential('e2eRightSecret', emulator.url, {
		apiKey: SECURED_KEY,
		appSecret: APP_SECRET,
	}),
	wrongSecret: filestackCredential('e2eWrongSecret', emulator.url, {
		apiKey: SECURED_KEY,
		appSecret: 'not-the-secret',
	}),
	noSecret: filestackCredential('e2eNoSecret', emulator.url, { apiKey: SECURED_KEY }),
});

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [{ apiKey: OPEN_KEY }, { apiKey: SECURED_KEY, appSecret: APP_SECRET }],
	});
	home = await createN8nHome();
	await home.importCredentials(Object.values(credentials()));
	server = await home.start();
	session = await RestSession.asNewOwner(server);
});

afterAll(async () => {
	await home?.remove();
	await emulator?.close();
});

interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

/** Loads the stored credential (secrets come back redacted) and tests it, exactly as the editor does. */
async function testCredential(id: string): Promise<TestResult> {
	const stored = await session.request<{ id: string; name: string; type: string; data: object }>(
		'GET',
		`/credentials/${id}?includeData=true`,
	);
	const { name, type, data } = stored;
	return await session.request<TestResult>('POST', '/credentials/test', {
		credentials: { id, name, type, data },
	});
}

it('stores imported credentials encrypted, not in plain text', async () => {
	const stored = await session.request<Array<{ id: string; type: string }>>('GET', '/credentials');
	expect(stored.map(({ id }) => id).sort()).toEqual(
		Object.values(credentials())
			.map(({ id }) => id)
			.sort(),
	);
	const database = await readFile(join(home.n8nFolder, 'database.sqlite'));
	expect(database.includes(APP_SECRET)).toBe(false);
});

it('passes with the right API key', async () => {
	expect(await testCredential(credentials().rightKey.id)).toMatchObject({ status: 'OK' });
	expect(emulator.requests.some(({ path }) => path.startsWith('/multipart/start'))).toBe(true);
});

it('fails with a wrong API key', async () => {
	expect(await testCredential(credentials().wrongKey.id)).toMatchObject({ status: 'Error' });
});

it('passes with the right app secret of a secured app', async () => {
	expect(await testCredential(credentials().rightSecret.id)).toMatchObject({ status: 'OK' });
});

it('fails with a wrong app secret, or none, for a secured app', async () => {
	const wrong = await testCredential(credentials().wrongSecret.id);
	expect(wrong).toMatchObject({ status: 'Error' });
	expect(wrong.message).not.toContain('not-the-secret');
	expect(await testCredential(credentials().noSecret.id)).toMatchObject({ status: 'Error' });
});
