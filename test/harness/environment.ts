import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where n8n keeps binary data during a run: in memory as base64 (n8n 1.x default) or in files, with an `id`. */
export type BinaryMode = 'memory' | 'filesystem';

let prepared: { mode: BinaryMode; userFolder: string } | undefined;

/**
 * n8n-core reads its settings from the environment once, when its services are first created, and keeps them for
 * the rest of the test file (jest gives every file its own module registry and environment copy). So the binary
 * mode is chosen per test file: a second mode in the same file would silently keep the first.
 */
export function prepareEnvironment(mode: BinaryMode): string {
	if (prepared) {
		if (prepared.mode !== mode) {
			throw new Error(
				`This test file already runs n8n in ${prepared.mode} binary mode; put ${mode}-mode tests in a separate file`,
			);
		}
		return prepared.userFolder;
	}
	// Without a user folder of its own, n8n-core writes its instance settings to ~/.n8n.
	const userFolder = mkdtempSync(join(tmpdir(), 'filestack-harness-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
	if (mode === 'filesystem') {
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		process.env.N8N_AVAILABLE_BINARY_DATA_MODES = 'filesystem';
	} else {
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';
	}
	prepared = { mode, userFolder };
	return userFolder;
}
