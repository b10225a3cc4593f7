/**
 * n8n's settings for the sandbox: offline (no telemetry, templates, version or package lookups), on loopback only,
 * with the editor UI, in the user's time zone. The encryption key is the one n8n generated into the user folder on
 * the first start, so the credential stays readable across restarts.
 */
export function sandboxN8nEnv(userFolder: string, port: number): NodeJS.ProcessEnv {
	// Another n8n's settings in the shell (N8N_*, DB_*) or npm's from `npm start` must not change this one.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(npm_|N8N_|DB_)|^NODE_ENV$/.test(name)),
	);
	return {
		...inherited,
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: Intl.DateTimeFormat().resolvedOptions().timeZone,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Large files stream through n8n's binary store on disk instead of being held in memory.
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		// As in the end-to-end tests: isolated-vm 5.0.4, the last that builds on Node 20, crashed n8n in V8's garbage
		// collector in some runs on busy machines; the legacy engine never did.
		N8N_EXPRESSION_ENGINE: 'legacy',
	};
}
