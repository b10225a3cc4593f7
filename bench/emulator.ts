import { fork } from 'node:child_process';
import { join } from 'node:path';

export type EmulatorCommand = { id: number } & (
	| { type: 'requestsByRoute' }
	| { type: 'latency'; ms: number }
	| { type: 'reset' }
);
type Command = EmulatorCommand extends infer C
	? C extends unknown
		? Omit<C, 'id'>
		: never
	: never;

/** The emulator in a child process (bench/emulatorProcess.ts), driven from here. */
export interface BenchEmulator {
	url: string;
	/** How many requests it received on each route (test/emulator/routes.ts) since it started or was reset. */
	requestsByRoute(): Promise<Record<string, number>>;
	/**
	 * From now on, answers each request this long after it arrived, its own work done meanwhile (the emulator's
	 * `answerAfterMs` fault): every request takes this long, as the ideal the benchmark compares with assumes (longer
	 * only when the emulator's work does).
	 */
	latency(ms: number): Promise<void>;
	/** Forgets its files and requests; the latency stays. */
	reset(): Promise<void>;
	close(): void;
}

export async function startEmulator(
	apiKey: string,
	scratch: string,
	faults?: object,
): Promise<BenchEmulator> {
	const script = join(__dirname, 'emulatorProcess.js');
	const child = fork(script, [apiKey, ...(faults ? [JSON.stringify(faults)] : [])], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		// Its spool in the benchmark's scratch directory (on /dev/shm when there is one).
		env: { ...process.env, TMPDIR: scratch },
	});
	const url = await new Promise<string>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`The emulator exited with code ${code}`)));
		child.once('message', (message: { url: string }) => resolve(message.url));
	});
	let lastId = 0;
	const pending = new Map<number, (result: unknown) => void>();
	child.on('message', (message: { id?: number; result?: unknown }) => {
		if (message.id === undefined) return;
		pending.get(message.id)?.(message.result);
		pending.delete(message.id);
	});
	const send = async <T>(command: Command): Promise<T> =>
		await new Promise<T>((resolve) => {
			const id = ++lastId;
			pending.set(id, resolve as (result: unknown) => void);
			child.send({ ...command, id });
		});
	return {
		url,
		requestsByRoute: async () => await send({ type: 'requestsByRoute' }),
		latency: async (ms) => await send({ type: 'latency', ms }),
		reset: async () => await send({ type: 'reset' }),
		close: () => child.disconnect(),
	};
}
