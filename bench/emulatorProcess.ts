/**
 * The benchmark's emulator, in a process of its own so that the benchmark's RSS is the client's alone. Forked by
 * bench/emulator.ts with an IPC channel, over which it answers what it received and takes its fault settings.
 * argv: API key, then the fault settings as JSON (optional).
 */
import { startEmulator } from '../test/emulator';
import type { EmulatorCommand } from './emulator';

async function main(): Promise<void> {
	const [apiKey, faults] = process.argv.slice(2);
	const emulator = await startEmulator({
		apps: [{ apiKey }],
		faults: faults ? (JSON.parse(faults) as object) : undefined,
	});
	process.on('message', (command: EmulatorCommand) => {
		void answer(command).then((result) => process.send!({ id: command.id, result }));
	});
	// The parent ending (or calling close) disconnects the channel: the emulator deletes its files and exits.
	process.once('disconnect', () => void emulator.close().then(() => process.exit(0)));
	process.send!({ url: emulator.url });

	async function answer(command: EmulatorCommand): Promise<unknown> {
		switch (command.type) {
			case 'requestsByRoute': {
				const counts: Record<string, number> = {};
				for (const { route } of emulator.requests) counts[route] = (counts[route] ?? 0) + 1;
				return counts;
			}
			case 'latency':
				emulator.faults.answerAfterMs = command.ms;
				return null;
			case 'reset': {
				const latencyMs = emulator.faults.answerAfterMs;
				await emulator.reset();
				emulator.faults.answerAfterMs = latencyMs;
				return null;
			}
		}
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`Benchmark emulator: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
