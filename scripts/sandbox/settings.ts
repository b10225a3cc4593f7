import { join } from 'node:path';

/**
 * The sandbox's Filestack application. Fixed, so the imported credential always matches the emulator; these are
 * throwaway values for a local stand-in, not secrets of any real account.
 */
export const SANDBOX_APP = {
	apiKey: 'sandbox-api-key',
	appSecret: 'sandbox-app-secret',
	webhookSecret: 'sandbox-webhook-secret',
} as const;

/** The credential the example workflows refer to, by id. */
export const SANDBOX_CREDENTIAL = { id: 'filestack-sandbox', name: 'Filestack sandbox' } as const;

export interface SandboxSettings {
	/** Survives restarts: n8n's user folder (database, encryption key, owner account) lives in `<stateDir>/n8n`. */
	stateDir: string;
	/** Preferred loopback ports; when taken, a free one is used instead. 0 picks a free one. */
	n8nPort: number;
	emulatorPort: number;
}

/**
 * Defaults, each overridable from the environment (tests run the sandbox with a temporary state folder and port 0):
 * FILESTACK_SANDBOX_DIR, FILESTACK_SANDBOX_N8N_PORT, FILESTACK_SANDBOX_EMULATOR_PORT.
 */
export function sandboxSettings(repoRoot: string, env: NodeJS.ProcessEnv): SandboxSettings {
	return {
		stateDir: env.FILESTACK_SANDBOX_DIR || join(repoRoot, '.sandbox'),
		n8nPort: port(env, 'FILESTACK_SANDBOX_N8N_PORT', 5678),
		emulatorPort: port(env, 'FILESTACK_SANDBOX_EMULATOR_PORT', 4510),
	};
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = env[name];
	if (!value) return fallback;
	const number = Number(value);
	if (!Number.isInteger(number) || number < 0 || number > 65_535)
		throw new Error(`${name} is not a port: ${value}`);
	return number;
}
