import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { createN8nHome, type N8nHome, type N8nServer } from './n8n';
import { RestSession } from './rest';
import { freePort } from './services';
import { filestackCredential } from './workflows';

// The credential's "Test" button of a real n8n: POST /rest/credentials/test, as the editor sends it. The message says
// what is wrong, and shows neither the API key nor the app secret.
const OPEN_KEY = 'E2E_OPEN_KEY';
const SECURED_KEY = 'E2E_SECURED_KEY';
const UNKNOWN_KEY = 'NOT_A_KEY';
const APP_SECRET = 'e2e-app-secret';
const WRONG_SECRET = 'not-the-secret';

let emulator: Emulator;
let home: N8nHome;
let server: N8nServer;
let session: RestSession;
/** The Upload API URL of a credential whose endpoint nothing listens on. */
let unreachableUrl: string;

const credential = (id: string, data: Record<string, string>) =>
	filestackCredential(id, emulator.url, data);
const credentials = () => ({
	rightKey: credential('e2eRightKey', { apiKey: OPEN_KEY }),
	wrongKey: credential('e2eWrongKey', { apiKey: UNKNOWN_KEY }),
	rightSecret: credential('e2eRightSecret', { apiKey: SECURED_KEY, appSecret: APP_SECRET }),
	wrongSecret: credential('e2eWrongSecret', { apiKey: SECURED_KEY, appSecret: WRONG_SECRET }),
	noSecret: credential('e2eNoSecret', { apiKey: SECURED_KEY }),
	secretOfOpenApp: credential('e2eSecretOfOpenApp', { apiKey: OPEN_KEY, appSecret: WRONG_SECRET }),
	unreachable: credential('e2eUnreachable', { apiKey: OPEN_KEY, uploadUrl: unreachableUrl }),
});

beforeAll(async () => {
	emulator = await startEmulator({
		apps: [{ apiKey: OPEN_KEY }, { apiKey: SECURED_KEY, appSecret: APP_SECRET }],
	});
	unreachableUrl = `http://127.0.0.1:${await freePort()}`;
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

/** Neither the API key nor any secret of the credentials is shown. */
function expectNothingSecretIn(message: string): void {
	for (const value of [OPEN_KEY, SECURED_KEY, UNKNOWN_KEY, APP_SECRET, WRONG_SECRET])
		expect(message).not.toContain(value);
}

it('passes with the right API key', async () => {
	expect(await testCredential(credentials().rightKey.id)).toEqual({
		status: 'OK',
		message: 'Filestack accepts the API key (security is off for this application)',
	});
	expect(emulator.requests.some(({ path }) => path.startsWith('/multipart/start'))).toBe(true);
});

it('says a wrong API key is not known to Filestack', async () => {
	const { status, message } = await testCredential(credentials().wrongKey.id);
	expect(status).toBe('Error');
	expect(message).toMatch(
		/^The API key is not known to Filestack \(Multipart start failed with HTTP 400: .*\)\. Copy it from the top of the dashboard in the Filestack Developer Portal\.$/,
	);
	expectNothingSecretIn(message);
});

it('passes with the right app secret of a secured app', async () => {
	expect(await testCredential(credentials().rightSecret.id)).toEqual({
		status: 'OK',
		message: 'Filestack accepts the API key and the requests signed with the App Secret',
	});
});

it('says a wrong app secret does not match, and asks for one where none is set', async () => {
	const wrong = await testCredential(credentials().wrongSecret.id);
	expect(wrong).toEqual({
		status: 'Error',
		message:
			'The App Secret does not match: Filestack refuses the requests signed with it. Copy it again from the Developer Portal (Security → App Secret).',
	});
	expect(await testCredential(credentials().noSecret.id)).toEqual({
		status: 'Error',
		message:
			'The API key is known, but the application has security turned on: enter its App Secret (Developer Portal → Security → App Secret)',
	});
});

it('passes when security is off but an app secret is set', async () => {
	const { status, message } = await testCredential(credentials().secretOfOpenApp.id);
	expect({ status, message }).toEqual({
		status: 'OK',
		message:
			'Filestack accepts the API key. Security is off for this application, so the App Secret is not needed (requests are signed with it all the same)',
	});
});

it('says Filestack cannot be reached, with the URL', async () => {
	const { status, message } = await testCredential(credentials().unreachable.id);
	expect(status).toBe('Error');
	expect(message).toContain(`Filestack cannot be reached at ${unreachableUrl}/multipart/start (`);
	expect(message).toContain('ECONNREFUSED');
	expectNothingSecretIn(message);
});
