import { createHash } from 'crypto';

import { type Emulator, startEmulator } from '../../emulator';

// What the emulator's own test files share: one emulator a file, its app, and the requests they make by hand
// (requests.ts, policies.ts), the way the official SDKs make them, so that the emulator is tested without the SDK
// under test.

export const MiB = 1024 * 1024;
export const KEY = 'TESTKEY';
export const SECRET = 'test-app-secret';

export const md5Base64 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');
export const md5Hex = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** The emulator of the test file that runs: started by useEmulator(). */
export let emulator: Emulator;

/** Starts an emulator with one app (KEY) before a file's tests, resets it after each test, closes it at the end. */
export function useEmulator(): void {
	beforeAll(async () => {
		emulator = await startEmulator({ apps: [{ apiKey: KEY }] });
	});
	afterEach(async () => emulator.reset());
	afterAll(async () => emulator.close());
}

/** describe() under 'Filestack emulator', with the emulator of useEmulator() for its tests. */
export function describeEmulator(name: string, tests: () => void): void {
	describe('Filestack emulator', () => {
		useEmulator();
		describe(name, tests);
	});
}
