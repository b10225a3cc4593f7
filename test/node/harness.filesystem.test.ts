import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { useNodeFixture } from './support';
import { binarySha256, file, filestackNode, sha256, sha256OfFile, source } from '../harness';

// The harness in n8n's filesystem binary mode (its own test file: the mode is fixed once n8n-core has started).
const API_KEY = 'HARNESS_FS_KEY';
const MiB = 1024 * 1024;

const fixture = useNodeFixture({ apps: [{ apiKey: API_KEY }], binaryMode: 'filesystem' });
let scratch: string;

beforeAll(async () => {
	scratch = await mkdtemp(join(tmpdir(), 'harness-fs-'));
});

afterAll(async () => await rm(scratch, { recursive: true, force: true }));

/** A file of pseudo-random bytes, written in 1 MiB chunks. */
async function randomFile(name: string, size: number): Promise<string> {
	const path = join(scratch, name);
	const chunks = function* () {
		for (let left = size; left > 0; left -= MiB) yield randomBytes(Math.min(MiB, left));
	};
	await pipeline(chunks, createWriteStream(path));
	return path;
}

it("stores the source file in n8n's binary data folder and uploads it from there, in several parts", async () => {
	const path = await randomFile('video.bin', 12 * MiB + 3);
	const run = await fixture.harness.run({
		nodes: [
			source([{ binary: { data: file(path, { mimeType: 'video/mp4' }) } }]),
			filestackNode({ resource: 'file', operation: 'upload', intelligent: 'off' }),
		],
	});

	expect(run.status).toBe('success');
	const sent = run.output('Source')[0].binary?.data;
	expect(sent).toMatchObject({
		data: 'filesystem-v2',
		id: expect.stringMatching(/^filesystem-v2:/),
		fileName: 'video.bin',
	});
	const stored = fixture.emulator.files.get(String(run.output('Filestack')[0].json.handle));
	expect(stored).toMatchObject({ size: 12 * MiB + 3, mimetype: 'video/mp4' });
	expect(await sha256(await stored!.content.read())).toBe(await sha256OfFile(path));
	const partPuts = fixture.emulator.requests.filter(({ method }) => method === 'PUT');
	expect(partPuts.length).toBeGreaterThan(1);
});

it('puts a downloaded file into binary storage, with an id, and reads it back as a stream', async () => {
	const content = randomBytes(300 * 1024);
	const path = join(scratch, 'photo.jpg');
	await pipeline([content], createWriteStream(path));
	const upload = await fixture.harness.run({
		nodes: [
			source([{ binary: { data: file(path, { mimeType: 'image/jpeg' }) } }]),
			filestackNode({ resource: 'file', operation: 'upload' }),
		],
	});
	const handle = String(upload.output('Filestack')[0].json.handle);

	const download = await fixture.harness.run({
		nodes: [filestackNode({ resource: 'file', operation: 'download', handle })],
	});
	const [item] = download.output('Filestack');
	expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
	expect(await binarySha256(item)).toBe(createHash('sha256').update(content).digest('hex'));
});
