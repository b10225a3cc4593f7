/**
 * Runs an emulator until SIGTERM/SIGINT, for the sandbox and tools in other processes:
 *   node .build/test/emulator/cli.js --port 9000 --apikey KEY [--secret S] [--fii]
 *     [--webhook-url URL --webhook-secret S] [--faults '{"putFailureRate":0.1}']
 * Each flag can come from the environment instead: FILESTACK_EMULATOR_PORT, _APIKEY, _SECRET, _FII (true),
 * _WEBHOOK_URL, _WEBHOOK_SECRET, _FAULTS. Prints one JSON line `{"url":…,"apiKey":…}` once listening.
 */
import { parseArgs } from 'util';
import { DEFAULT_APP, startEmulator } from './index';

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			apikey: { type: 'string' },
			secret: { type: 'string' },
			fii: { type: 'boolean' },
			'webhook-url': { type: 'string' },
			'webhook-secret': { type: 'string' },
			faults: { type: 'string' },
		},
	});
	const env = (name: string) => process.env[`FILESTACK_EMULATOR_${name}`] || undefined;
	const apiKey = values.apikey ?? env('APIKEY') ?? DEFAULT_APP.apiKey;
	const webhookUrl = values['webhook-url'] ?? env('WEBHOOK_URL');
	const webhookSecret = values['webhook-secret'] ?? env('WEBHOOK_SECRET');
	if (webhookUrl && !webhookSecret) throw new Error('A webhook URL needs a webhook secret');
	const faults = values.faults ?? env('FAULTS');

	const starting = startEmulator({
		port: Number(values.port ?? env('PORT') ?? 0),
		apps: [
			{
				apiKey,
				appSecret: values.secret ?? env('SECRET'),
				intelligentIngestion: values.fii ?? env('FII') === 'true',
				webhook:
					webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined,
			},
		],
		faults: faults ? (JSON.parse(faults) as object) : undefined,
	});
	// Listening for the signals before start-up ends, so an early stop still deletes the temporary directory.
	const stop = () => {
		void starting.then(async (emulator) => await emulator.close()).then(() => process.exit(0));
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
	const emulator = await starting;
	process.stdout.write(`${JSON.stringify({ url: emulator.url, apiKey })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`Filestack emulator: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
