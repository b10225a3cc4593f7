import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import type { N8nServer } from './n8n';

const run = promisify(execFile);

const INSTALLER = join(__dirname, 'install-chromium.sh');
/** The README's screenshots are rewritten only when asked (`UPDATE_SCREENSHOTS=1`), so a test run leaves git clean. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
	? resolve(__dirname, '../../docs/screenshots')
	: join(tmpdir(), 'n8n-nodes-filestack-screenshots');

/** Headless as root, and none of Chromium's own background connections (this machine reaches no Google host). */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const OWNER = {
	email: 'editor@e2e.test',
	firstName: 'Editor',
	lastName: 'Owner',
	password: 'Editor-Passw0rd',
};

// n8n marks its elements with data-test-id, not Playwright's default data-testid.
selectors.setTestIdAttribute('data-test-id');

let installed: Promise<string> | undefined;

/** Debian's Chromium, installed with apt on first use by install-chromium.sh. */
export async function chromiumPath(): Promise<string> {
	installed ??= run('bash', [INSTALLER]).then(({ stdout }) => stdout.trim());
	return await installed;
}

export function isLoopback(url: string): boolean {
	try {
		const { protocol, hostname } = new URL(url);
		return !protocol.startsWith('http') || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
	} catch {
		return false;
	}
}

/** A console error or an uncaught exception of the page. */
export interface BrowserError {
	kind: 'console' | 'pageerror';
	text: string;
	/** The script or resource the console attributes the error to. */
	url: string;
}

/** Browser noise a test may ignore, with the reason it is unrelated to what the test checks. */
export interface IgnoredError {
	reason: string;
	matches(error: BrowserError): boolean;
}

/** Sets up the instance owner over REST and logs in; returns the value of the `n8n-auth` session cookie. */
async function ownerSession(server: N8nServer): Promise<string> {
	const post = async (path: string, body: object) => {
		const response = await fetch(`${server.url}/rest${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (!response.ok)
			throw new Error(`POST /rest${path} answered ${response.status}: ${await response.text()}`);
		return response;
	};
	await post('/owner/setup', OWNER);
	const login = await post('/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	const cookie = login.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n answered the login without an n8n-auth cookie');
	return cookie.split(';')[0].slice('n8n-auth='.length);
}

/**
 * n8n's editor in headless Chromium, logged in as a new instance owner. Requests to anything but loopback are
 * aborted (and listed in `blockedRequests`); console errors and page errors are collected in `errors`.
 */
export class Editor {
	readonly errors: BrowserError[] = [];
	readonly blockedRequests: string[] = [];
	private checkedErrors = 0;

	private constructor(
		private readonly server: N8nServer,
		private readonly cookie: string,
		private readonly context: BrowserContext,
		private readonly profile: string,
		readonly page: Page,
	) {
		page.on('console', (message) => {
			if (message.type() === 'error')
				this.errors.push({
					kind: 'console',
					text: message.text(),
					url: message.location().url,
				});
		});
		page.on('pageerror', (error) =>
			this.errors.push({
				kind: 'pageerror',
				text: `${error.name}: ${error.message}`,
				url: page.url(),
			}),
		);
	}

	static async openAsNewOwner(server: N8nServer): Promise<Editor> {
		const [cookie, executablePath, profile] = await Promise.all([
			ownerSession(server),
			chromiumPath(),
			mkdtemp(join(tmpdir(), 'filestack-chromium-')),
		]);
		const context = await chromium.launchPersistentContext(profile, {
			executablePath,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: { width: 1440, height: 1080 },
		});
		let ready = false;
		try {
			context.setDefaultTimeout(15_000);
			await context.addCookies([{ name: 'n8n-auth', value: cookie, url: server.url }]);
			const editor = new Editor(
				server,
				cookie,
				context,
				profile,
				context.pages()[0] ?? (await context.newPage()),
			);
			await context.route(
				(url) => !isLoopback(url.href),
				async (route) => {
					editor.blockedRequests.push(route.request().url());
					await route.abort('blockedbyclient');
				},
			);
			ready = true;
			return editor;
		} finally {
			if (!ready) {
				await context.close();
				await rm(profile, { recursive: true, force: true });
			}
		}
	}

	/** Opens a path of the editor (e.g. `/home/credentials`). */
	async goto(path: string): Promise<void> {
		await this.page.goto(`${this.server.url}${path}`);
	}

	/** The errors since the last call that no rule ignores; every error stays in `errors`. */
	newUnexpectedErrors(ignored: IgnoredError[]): BrowserError[] {
		const fresh = this.errors.slice(this.checkedErrors);
		this.checkedErrors = this.errors.length;
		return fresh.filter((error) => !ignored.some((rule) => rule.matches(error)));
	}

	/** GET on n8n's REST API with the editor's session; n8n wraps answers in `{ data }`. */
	async rest<T>(path: string): Promise<T> {
		const response = await fetch(`${this.server.url}/rest${path}`, {
			headers: { cookie: `n8n-auth=${this.cookie}` },
		});
		if (!response.ok) throw new Error(`GET /rest${path} answered ${response.status}`);
		return ((await response.json()) as { data: T }).data;
	}

	/** Saves a screenshot of the whole window as <name>.png (in docs/screenshots with UPDATE_SCREENSHOTS=1). */
	async screenshot(name: string): Promise<string> {
		await mkdir(SCREENSHOTS, { recursive: true });
		const path = join(SCREENSHOTS, `${name}.png`);
		await this.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
		return path;
	}

	async close(): Promise<void> {
		await this.context.close();
		await rm(this.profile, { recursive: true, force: true });
	}

	// n8n's editor, by the data-test-id attributes and visible texts it renders.

	/** The open node details view (NDV). */
	get ndv(): Locator {
		return this.page.getByTestId('ndv');
	}

	/** Searches the open node creator and picks a node, then one of its actions or triggers. */
	async pickFromNodeCreator(search: string, node: string, action: string): Promise<void> {
		const creator = this.page.getByTestId('node-creator');
		await creator.getByTestId('node-creator-search-bar').fill(search);
		await creator
			.getByTestId('node-creator-item-name')
			.filter({ hasText: exactly(node) })
			.click();
		await creator
			.getByTestId('node-creator-item-name')
			.filter({ hasText: exactly(action) })
			.click();
		await this.ndv.waitFor();
	}

	/** Opens the dropdown of a parameter and returns the headlines of its options, in order. */
	async openDropdown(parameter: string, within: Locator = this.ndv): Promise<string[]> {
		await within.getByTestId(`parameter-input-${parameter}`).click();
		const options = this.page.getByRole('option');
		await options.first().waitFor();
		return (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
	}

	/** Picks an option (by its headline) of the open dropdown. */
	async pickOption(option: string): Promise<void> {
		await this.page
			.getByRole('option')
			.filter({ has: this.page.getByText(option, { exact: true }) })
			.click();
		await this.page.getByRole('listbox').waitFor({ state: 'hidden' });
	}

	/**
	 * The labels of the parameters the NDV shows, top to bottom: the first line of each label (the rest is the
	 * Fixed/Expression switch), a required parameter's `*` left out.
	 */
	async parameterLabels(): Promise<string[]> {
		const labels = this.ndv
			.getByTestId('node-parameters')
			.locator('label.n8n-input-label')
			.filter({ visible: true });
		return (await labels.allInnerTexts()).map((text) =>
			text.split('\n')[0].replace(/\s*\*?\s*$/, ''),
		);
	}

	/** Polls `read` until `done` accepts its value or the time is up, and returns the last value (for expect). */
	async settle<T>(
		read: () => Promise<T>,
		done: (value: T) => boolean,
		timeoutMs = 5_000,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		let value = await read();
		while (!done(value) && Date.now() < deadline) {
			await this.page.waitForTimeout(100);
			value = await read();
		}
		return value;
	}
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A pattern matching exactly this text (n8n's lists hold names that are prefixes of others). */
function exactly(text: string): RegExp {
	return new RegExp(`^${escapeRegExp(text)}$`);
}
