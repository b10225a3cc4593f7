import type { N8nServer } from './n8n';

const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd',
};

/** A logged-in session on n8n's internal REST API (`/rest`), as the editor uses it. */
export class RestSession {
	private constructor(
		private readonly server: N8nServer,
		private readonly cookie: string,
	) {}

	/** Sets up the instance owner (a fresh n8n has none), then logs in as that owner. */
	static async asNewOwner(server: N8nServer): Promise<RestSession> {
		await call(server, 'POST', '/owner/setup', OWNER);
		const login = await call(server, 'POST', '/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
		const cookie = login.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n answered the login without an n8n-auth cookie');
		return new RestSession(server, cookie.split(';')[0]);
	}

	/** A REST call; n8n wraps answers in `{ data }`, which this unwraps. */
	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await call(this.server, method, path, body, this.cookie);
		return ((await response.json()) as { data: T }).data;
	}
}

async function call(
	server: N8nServer,
	method: string,
	path: string,
	body?: unknown,
	cookie?: string,
): Promise<Response> {
	const response = await fetch(`${server.url}/rest${path}`, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok)
		throw new Error(`${method} /rest${path} answered ${response.status}: ${await response.text()}`);
	return response;
}
