import { randomBytes } from 'crypto';
import type { AppConfig } from './apps';
import { notFound } from './errors';
import { sendJson, unixSeconds } from './http';
import { mimetypeOfExtension, withExtension } from './mime';
import { syntheticPng } from './png';
import { discard, resolveSource } from './results';
import type { Exchange } from './routes';
import { spool } from './spool';
import type { EmulatorState } from './state';
import { type CdnPath, param, type Task } from './taskGrammar';
import { storeOptions } from './validate';

type Status = 'started' | 'pending' | 'completed' | 'failed';

/** A conversion job, found again by its URL: started → pending … → completed / failed (fault switches decide). */
export interface VideoJob {
	uuid: string;
	timestamp: string;
	status: Status;
	polls: number;
	/** The answer once the job has ended. */
	final?: Record<string, unknown>;
	/** The result is being stored; polls meanwhile wait for it. */
	finishing?: Promise<void>;
}

const EXTENSION_OF_PRESET: Record<string, string> = {
	h264: 'mp4',
	webm: 'webm',
	ogg: 'ogv',
	mp3: 'mp3',
	m4a: 'm4a',
	aac: 'aac',
	oga: 'oga',
	hls: 'm3u8',
};

/** GET on a `video_convert` URL: starts the job the first time, reports (and advances) it on every later GET. */
export async function videoConvert(
	state: EmulatorState,
	{ res }: Exchange,
	path: CdnPath,
	app: AppConfig,
): Promise<void> {
	let job = state.videoJobs.get(path.jobKey);
	if (!job) {
		for (const source of path.sources)
			if (source.kind === 'handle' && !state.files.get(source.handle)) throw notFound();
		job = {
			uuid: randomBytes(16).toString('hex'),
			timestamp: String(unixSeconds()),
			status: 'started',
			polls: 0,
		};
		state.videoJobs.set(path.jobKey, job);
		sendJson(res, 200, progress(job));
		return;
	}
	if (job.finishing) await job.finishing;
	if (!job.final) advance(state, job, path, app.apiKey);
	if (job.finishing) await job.finishing;
	sendJson(res, 200, job.final ?? progress(job));
}

function advance(state: EmulatorState, job: VideoJob, path: CdnPath, owner: string): void {
	job.polls++;
	const { videoOutcome, videoPollsUntilDone } = state.faults;
	if (videoOutcome === 'stall' || job.polls < videoPollsUntilDone) {
		job.status = 'pending';
	} else if (videoOutcome === 'failed') {
		job.status = 'failed';
		job.final = {
			...progress(job),
			message: 'Conversion failed: the source could not be decoded (emulated failure)',
		};
	} else {
		job.finishing = complete(state, job, path, owner).finally(() => (job.finishing = undefined));
	}
}

function progress(job: VideoJob) {
	return {
		data: {},
		metadata: { result: {}, source: {} },
		status: job.status,
		timestamp: job.timestamp,
		uuid: job.uuid,
	};
}

/** Stores the "converted" file (the source bytes under the target type) and a thumbnail, then the final answer. */
async function complete(
	state: EmulatorState,
	job: VideoJob,
	path: CdnPath,
	owner: string,
): Promise<void> {
	const task = path.tasks.find((t) => t.name === 'video_convert') as Task;
	const source = await resolveSource(state, path.sources[0]);
	try {
		const preset = param(task, 'preset', 'p') ?? 'h264';
		const extension =
			param(task, 'extname')?.replace(/^\./, '') ??
			EXTENSION_OF_PRESET[preset.split('.')[0]] ??
			'mp4';
		const mimetype = mimetypeOfExtension(extension);
		const width = Number(param(task, 'width') ?? 1280);
		const height = Number(param(task, 'height') ?? 720);
		const store = storeOptions({
			location: param(task, 'location'),
			path: param(task, 'path'),
			container: param(task, 'container'),
			access: param(task, 'access'),
		});
		const converted = await state.files.add(
			[await spool(source.content.bytes(), state.tempPath('video'))],
			{
				apiKey: owner,
				filename: param(task, 'filename') ?? withExtension(source.filename, extension),
				mimetype,
				store,
			},
		);
		const thumb = await state.files.add(
			[await spool([syntheticPng(160, 90, job.uuid)], state.tempPath('thumb'))],
			{
				apiKey: owner,
				filename: withExtension(converted.filename, 'png'),
				mimetype: 'image/png',
			},
		);
		const thumbnail = (side: number) =>
			`${state.origin}/resize=fit:crop,height:${side},width:${side}/${thumb.handle}`;
		job.status = 'completed';
		job.final = {
			data: {
				url:
					state.faults.videoOutcome === 'completedUnnamed'
						? state.origin
						: state.fileUrl(converted.handle),
				thumb: state.fileUrl(thumb.handle),
				thumb100x100: thumbnail(100),
				thumb200x200: thumbnail(200),
				thumb300x300: thumbnail(300),
			},
			message: 'Done',
			metadata: {
				result: mediaInfo(extension, mimetype, converted.size, width, height),
				source: mediaInfo(
					source.filename.split('.').pop() ?? '',
					source.mimetype,
					source.size,
					1920,
					1080,
				),
			},
			status: 'completed',
			timestamp: job.timestamp,
			uuid: job.uuid,
		};
	} finally {
		await discard(source);
	}
}

function mediaInfo(
	extension: string,
	mimetype: string,
	size: number,
	width: number,
	height: number,
) {
	const audioOnly = mimetype.startsWith('audio/');
	return {
		audio_bitrate: 128,
		audio_channels: 2,
		audio_codec: 'aac',
		audio_sample_rate: 44100,
		duration: 10_000,
		extname: `.${extension}`,
		file_size: size,
		mime_type: mimetype,
		...(audioOnly ? {} : { fps: 30, height, video_bitrate: 1000, video_codec: 'h264', width }),
	};
}
