import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'n8n-nodes-filestack';

/**
 * The repository's root: the nearest folder above `start` whose package.json is this package's. The sandbox runs
 * compiled from `.build/scripts`, from any working directory.
 */
export function findRepoRoot(start: string): string {
	for (let folder = start; ; folder = dirname(folder)) {
		const manifest = join(folder, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		) {
			return folder;
		}
		if (dirname(folder) === folder) throw new Error(`No ${PACKAGE_NAME} repository above ${start}`);
	}
}
