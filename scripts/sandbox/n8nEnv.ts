import { offlineN8nEnv } from '../../test/e2e/n8n';

/**
 * n8n's settings for the sandbox: offline (no telemetry, templates, version or package lookups), on loopback only,
 * with the editor UI, in the user's time zone. The encryption key is the one n8n generated into the user folder on
 * the first start, so the credential stays readable across restarts.
 */
export function sandboxN8nEnv(userFolder: string, port: number): NodeJS.ProcessEnv {
	return {
		...offlineN8nEnv(userFolder, port),
		GENERIC_TIMEZONE: Intl.DateTimeFormat().resolvedOptions().timeZone,
		// Large files stream through n8n's binary store on disk instead of being held in memory.
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		// As in the end-to-end tests: isolated-vm 5.0.4, the last that builds on Node 20, crashed n8n in V8's garbage
		// collector in some runs on busy machines; the legacy engine never did.
		N8N_EXPRESSION_ENGINE: 'legacy',
	};
}
