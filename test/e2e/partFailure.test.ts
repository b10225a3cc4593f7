import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { useWorkflowFixture } from './fixture';
import { n8nFlavor } from './n8n';
import { filestackNode, readFileFromDisk } from './workflows';

// In a real n8n, a part whose PUT is cut off on every try stops the upload with the SDK's own message, naming the
// part, the item and the tries, where n8n used to show its generic "The connection to the server was closed
// unexpectedly…" instead. It waits through the production backoff of 15 tries (75 to 150 s).
// It runs in the 1.x leg only: the message takes the same path on 2.x (passed there too, in 133 s), and those two
// minutes of waiting are better spent once.
const API_KEY = 'E2E_PART_KEY';
const itOn1x = n8nFlavor() === '1.x' ? it : it.skip;

const fixture = useWorkflowFixture(API_KEY);

itOn1x(
	'a part that uses up its tries: the error names the part, the item and the tries',
	async () => {
		const { emulator, scratch } = fixture;
		const path = join(scratch, 'never-arrives.bin');
		await writeFile(path, randomBytes(64 * 1024));
		const home = await fixture.n8nWithWorkflow('e2ePartFailure', (credential) => [
			readFileFromDisk(path),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' }, credential),
		]);
		emulator.faults.failNext('put', 100, 'cutoff');

		const { run } = await home.execute('e2ePartFailure', 400_000);

		expect(run.data.resultData.error?.message).toMatch(
			/^Upload of part 1 failed after 15 tries: .+ \[item 0\]$/,
		);
		expect(emulator.requests.filter((request) => request.route === 'put')).toHaveLength(15);
		expect(emulator.requests.filter((request) => request.route === 'complete')).toHaveLength(0);
	},
);
