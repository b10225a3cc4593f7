import { existsSync } from 'fs';

import { startEmulator } from '../../emulator';
import { multipartUpload } from './requests';

// What the emulator keeps between tests: files forgotten on reset, its directory deleted on close
// (test/emulator/index.ts).

describe('Filestack emulator', () => {
	it('forgets files on reset and deletes its directory on close', async () => {
		const instance = await startEmulator();
		const { json } = await multipartUpload(instance, Buffer.from('temporary'), {
			apikey: 'EMULATOR_API_KEY',
		});
		const [path] = instance.files.get(json.handle)?.content.segments ?? [];
		expect(existsSync(path)).toBe(true);
		await instance.reset();
		expect(instance.files.size).toBe(0);
		expect(existsSync(path)).toBe(false);
		expect(instance.requests).toHaveLength(0);
		await instance.close();
		expect(existsSync(path.replace(/\/files\/.*$/, ''))).toBe(false);
	});
});
