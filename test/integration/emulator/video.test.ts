import { getJson, download, uploadedHandle } from './requests';
import { emulator, describeEmulator } from './support';

// video_convert jobs and their status URL (test/emulator/video.ts).

describeEmulator('video_convert', () => {
	let handle: string;
	beforeEach(async () => {
		handle = await uploadedHandle(Buffer.from('a movie'), 'clip.mov');
	});

	it('goes started → pending → completed on the same URL and stores the result', async () => {
		const url = `${emulator.url}/video_convert=preset:webm,width:320/${handle}`;
		const started = await getJson(url);
		expect(started).toMatchObject({
			status: 'started',
			data: {},
			metadata: { result: {}, source: {} },
		});
		expect(started.uuid).toMatch(/^[0-9a-f]{32}$/);
		expect(started.timestamp).toMatch(/^\d+$/);
		expect((await getJson(url)).status).toBe('pending');
		const done = await getJson(url);
		expect(done).toMatchObject({
			status: 'completed',
			message: 'Done',
			uuid: started.uuid,
			timestamp: started.timestamp,
		});
		expect(done.metadata.result).toMatchObject({
			width: 320,
			mime_type: 'video/webm',
			extname: '.webm',
		});
		const result = await download(done.data.url);
		expect(result.body.toString()).toBe('a movie');
		expect(result.headers.get('content-type')).toBe('video/webm');
		expect((await download(done.data.thumb)).headers.get('content-type')).toBe('image/png');
		expect(await getJson(url)).toEqual(done);
	});

	it('ends failed, or stays pending, as the faults say', async () => {
		emulator.faults.videoOutcome = 'failed';
		emulator.faults.videoPollsUntilDone = 1;
		const url = `${emulator.url}/video_convert=preset:h264/${handle}`;
		await fetch(url);
		const failed = await getJson(url);
		expect(failed.status).toBe('failed');
		expect(failed.message).toBeTruthy();

		emulator.faults.videoOutcome = 'stall';
		const stalled = `${emulator.url}/video_convert=preset:mp3/${handle}`;
		for (let i = 0; i < 5; i++) await fetch(stalled);
		expect((await getJson(stalled)).status).toBe('pending');
	});
});
