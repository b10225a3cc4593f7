import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { readExamples, triggerWebhookPath } from '../../scripts/sandbox/examples';
import { SANDBOX_CREDENTIAL } from '../../scripts/sandbox/settings';

// `npm start`'s sandbox as a newcomer gets it: the compiled script run from another folder, with a temporary state
// folder and free ports, checked through n8n's HTTP API and stopped with SIGTERM, then started again on that state.
const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, '.build/scripts/sandbox.js');
const OWNER = {
	email: 'newcomer@sandbox.test',
	firstName: 'New',
	lastName: 'Comer',
	password: 'Newcomer-1',
};
const run = promisify(execFile);
const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));

/** One run of the sandbox script, its output collected. */
class Sandbox {
	output = '';
	readonly exited: Promise<number | null>;
	private readonly child: ChildProcessWithoutNullStreams;

	constructor(stateDir: string) {
		this.child = spawn(process.execPath, [SCRIPT], {
			cwd: tmpdir(),
			env: {
				...process.env,
				FILESTACK_SANDBOX_DIR: stateDir,
				FILESTACK_SANDBOX_N8N_PORT: '0',
				FILESTACK_SANDBOX_EMULATOR_PORT: '0',
			},
		});
		this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
		this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
		this.exited = new Promise((done) => this.child.on('exit', done));
	}

	/** The first match of `pattern` in the output; fails if the sandbox exits first. */
	async waitFor(pattern: RegExp, timeoutMs = 600_000): Promise<RegExpExecArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const match = pattern.exec(this.output);
			if (match) return match;
			if (this.child.exitCode !== null || Date.now() > deadline) {
				throw new Error(`The sandbox did not print ${pattern}:\n${this.output}`);
			}
			await sleep(200);
		}
	}

	/** The n8n and emulator URLs, once it says it is ready. */
	async ready(): Promise<{ n8nUrl: string; emulatorUrl: string }> {
		const [, n8nUrl] = await this.waitFor(
			/is ready \(\d+ s\)\. Open (http:\/\/127\.0\.0\.1:\d+)\n/,
		);
		const [, emulatorUrl] = await this.waitFor(/Filestack emulator: (http:\/\/127\.0\.0\.1:\d+),/);
		return { n8nUrl, emulatorUrl };
	}

	terminate(): void {
		this.child.kill('SIGTERM');
	}

	/** For the clean-up after a failure: SIGTERM, so that it stops its n8n, and SIGKILL if it hangs. */
	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		this.terminate();
		const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
		await this.exited;
		clearTimeout(killer);
	}
}

/** A call to n8n's internal REST API, as the editor makes it; answers come wrapped in `{ data }`. */
async function rest<T>(
	baseUrl: string,
	method: string,
	path: string,
	body?: unknown,
	cookie?: string,
) {
	const response = await fetch(`${baseUrl}/rest${path}`, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok)
		throw new Error(`${method} /rest${path} answered ${response.status}: ${await response.text()}`);
	const cookies = response.headers.getSetCookie().filter((value) => value.startsWith('n8n-auth='));
	return { data: ((await response.json()) as { data: T }).data, cookie: cookies[0]?.split(';')[0] };
}

/** A logged-in REST client of one n8n. */
function session(baseUrl: string, cookie: string) {
	return async <T>(method: string, path: string, body?: unknown) =>
		(await rest<T>(baseUrl, method, path, body, cookie)).data;
}

/** Pids of the processes whose working directory is inside `folder` (n8n runs in its user folder). */
async function processesIn(folder: string): Promise<number[]> {
	const pids: number[] = [];
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
		if (cwd === folder || cwd.startsWith(`${folder}/`)) pids.push(Number(entry));
	}
	return pids;
}

async function accepts(url: string): Promise<boolean> {
	const { hostname, port } = new URL(url);
	return await new Promise((done) => {
		const socket = connect(Number(port), hostname)
			.once('connect', () => {
				socket.destroy();
				done(true);
			})
			.once('error', () => done(false));
	});
}

interface WorkflowSummary {
	id: string;
	active: boolean;
}

interface CredentialSummary {
	id: string;
	name: string;
	type: string;
}

let stateDir: string;
let sandbox: Sandbox;
let n8nUrl: string;
let emulatorUrl: string;
let call: ReturnType<typeof session>;

beforeAll(async () => {
	if (!existsSync(join(ROOT, 'dist/nodes/Filestack/Filestack.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
	}
	await run('npx', ['tsc', '-p', 'tsconfig.tools.json'], { cwd: ROOT }); // npm run build:tools
	stateDir = await mkdtemp(join(tmpdir(), 'filestack-sandbox-state-'));
	sandbox = new Sandbox(stateDir);
	({ n8nUrl, emulatorUrl } = await sandbox.ready());
});

afterAll(async () => {
	await sandbox?.stop();
	if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

it('prints the URL of a running n8n with its editor, and says the first visit creates the owner', async () => {
	expect(sandbox.output).toContain('The first visit asks you to create the owner account');
	const health = await fetch(`${n8nUrl}/healthz`);
	expect({ status: health.status, body: await health.json() }).toEqual({
		status: 200,
		body: { status: 'ok' },
	});
	const editor = await fetch(`${n8nUrl}/`);
	expect(editor.status).toBe(200);
	expect(editor.headers.get('content-type')).toMatch(/^text\/html/);
	expect(await editor.text()).toContain('<title>n8n.io - Workflow Automation</title>');
	const { data: settings } = await rest<{ userManagement: { showSetupOnFirstLoad: boolean } }>(
		n8nUrl,
		'GET',
		'/settings',
	);
	expect(settings.userManagement.showSetupOnFirstLoad).toBe(true);
});

it('gives the owner set up on the first visit the sandbox credential and every example workflow', async () => {
	const setup = await rest(n8nUrl, 'POST', '/owner/setup', OWNER);
	call = session(n8nUrl, setup.cookie!);

	const credentials = await call<CredentialSummary[]>('GET', '/credentials');
	expect(credentials.map(({ id, name, type }) => ({ id, name, type }))).toEqual([
		{ ...SANDBOX_CREDENTIAL, type: 'filestackApi' },
	]);
	const stored = await call<CredentialSummary & { data: Record<string, string> }>(
		'GET',
		`/credentials/${SANDBOX_CREDENTIAL.id}?includeData=true`,
	);
	expect(stored.data).toMatchObject({
		endpoints: 'customUrls',
		uploadUrl: emulatorUrl,
		cdnUrl: emulatorUrl,
		apiUrl: `${emulatorUrl}/api`,
	});
	// The credential's Test button: a one-byte upload to the emulator, refused for a wrong API key or app secret.
	const { name, type, data } = stored;
	const tested = await call<{ status: string }>('POST', '/credentials/test', {
		credentials: { id: SANDBOX_CREDENTIAL.id, name, type, data },
	});
	expect(tested.status).toBe('OK');

	const examples = await readExamples(join(ROOT, 'examples'));
	expect(examples.length).toBeGreaterThan(0);
	// Those that start with the Filestack Trigger are active, so that the emulator's deliveries run them.
	const expected = examples.map((workflow) => ({
		id: workflow.id,
		active: triggerWebhookPath(workflow) !== undefined,
	}));
	const workflows = await call<WorkflowSummary[]>('GET', '/workflows');
	const byId = (a: WorkflowSummary, b: WorkflowSummary) => a.id.localeCompare(b.id);
	expect(workflows.map(({ id, active }) => ({ id, active })).sort(byId)).toEqual(
		expected.sort(byId),
	);
});

/** Waits for an execution to end and returns its status. */
async function finished(executionId: string): Promise<string> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const { status } = await call<{ status: string }>('GET', `/executions/${executionId}`);
		if (!['new', 'running', 'waiting'].includes(status) || Date.now() > deadline) return status;
		await sleep(250);
	}
}

it('runs every example: the manual ones from the Execute button, the trigger for the files they store', async () => {
	const examples = await readExamples(join(ROOT, 'examples'));
	const [trigger, ...moreTriggers] = examples.filter((workflow) => triggerWebhookPath(workflow));
	expect({ trigger: trigger?.id, moreTriggers }).toEqual({
		trigger: expect.any(String),
		moreTriggers: [],
	});

	const manual: Record<string, string> = {};
	for (const { id, nodes } of examples.filter((workflow) => workflow !== trigger)) {
		// What the editor sends: the saved workflow, run from its manual trigger.
		const workflowData = await call<object>('GET', `/workflows/${id}`);
		const start = nodes.find(({ type }) => type === 'n8n-nodes-base.manualTrigger');
		const { executionId } = await call<{ executionId: string }>('POST', `/workflows/${id}/run`, {
			workflowData,
			triggerToStartFrom: { name: start?.name },
		});
		manual[id] = await finished(executionId);
	}
	expect(manual).toEqual(Object.fromEntries(Object.keys(manual).map((id) => [id, 'success'])));
	expect(Object.keys(manual)).toHaveLength(examples.length - 1);

	// Each file stored makes the emulator post a signed fp.upload to the trigger's production URL.
	const filter = encodeURIComponent(JSON.stringify({ workflowId: trigger.id }));
	const deadline = Date.now() + 30_000;
	let statuses: string[] = [];
	do {
		await sleep(500);
		const { results } = await call<{ results: Array<{ status: string }> }>(
			'GET',
			`/executions?filter=${filter}`,
		);
		statuses = results.map(({ status }) => status);
	} while (
		(statuses.length === 0 || statuses.some((status) => status === 'running')) &&
		Date.now() < deadline
	);
	expect(statuses.length).toBeGreaterThan(0);
	expect(statuses.filter((status) => status !== 'success')).toEqual([]);
});

it('stops n8n and the emulator on SIGTERM, leaving no process behind', async () => {
	const stopped = Date.now();
	sandbox.terminate();
	expect(await sandbox.exited).toBe(0);
	expect(Date.now() - stopped).toBeLessThan(15_000);
	expect(sandbox.output).toMatch(/stopped\.\n$/);
	expect(await processesIn(stateDir)).toEqual([]);
	expect(await accepts(n8nUrl)).toBe(false);
	expect(await accepts(emulatorUrl)).toBe(false);
});

it('starts again on the same state: the owner stays, the imports are not duplicated', async () => {
	sandbox = new Sandbox(stateDir);
	({ n8nUrl, emulatorUrl } = await sandbox.ready());
	expect(sandbox.output).toContain('Sign in with the owner account you created earlier');

	const login = await rest(n8nUrl, 'POST', '/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	call = session(n8nUrl, login.cookie!);
	const credentials = await call<CredentialSummary[]>('GET', '/credentials');
	expect(credentials.map(({ id }) => id)).toEqual([SANDBOX_CREDENTIAL.id]);
	const stored = await call<{ data: Record<string, string> }>(
		'GET',
		`/credentials/${SANDBOX_CREDENTIAL.id}?includeData=true`,
	);
	expect(stored.data.uploadUrl).toBe(emulatorUrl); // the new emulator port
	const examples = await readExamples(join(ROOT, 'examples'));
	const workflows = await call<WorkflowSummary[]>('GET', '/workflows');
	expect(workflows.map(({ id }) => id).sort()).toEqual(examples.map(({ id }) => id).sort());

	sandbox.terminate();
	expect(await sandbox.exited).toBe(0);
	expect(await processesIn(stateDir)).toEqual([]);
});
