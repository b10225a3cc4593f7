import { multipartUpload, postJson } from './requests';
import { KEY, emulator, describeEmulator } from './support';

// How many multipart uploads the emulator saw open at once (test/emulator/gauge.ts).

describeEmulator('concurrency gauge', () => {
	it('counts the most multipart uploads open at once: one after another is 1, three begun together are 3', async () => {
		await multipartUpload(emulator, Buffer.from('first'));
		await multipartUpload(emulator, Buffer.from('second'));
		expect(emulator.peakOpenUploads).toBe(1);

		const start = async () =>
			await postJson(`${emulator.url}/multipart/start`, {
				apikey: KEY,
				filename: 'open.bin',
				size: 1,
			});
		const started = await Promise.all([start(), start(), start()]);
		expect(started.map(({ status }) => status)).toEqual([200, 200, 200]);
		expect(emulator.peakOpenUploads).toBe(3);
		await multipartUpload(emulator, Buffer.from('while three are open'));
		expect(emulator.peakOpenUploads).toBe(4);

		await emulator.reset();
		expect(emulator.peakOpenUploads).toBe(0);
		await multipartUpload(emulator, Buffer.from('after reset'));
		expect(emulator.peakOpenUploads).toBe(1);
	});
});
