import { Client } from '../../nodes/Filestack/sdk/client';
import { resolveEndpoints } from '../../nodes/Filestack/sdk/endpoints';
import type { RetryPolicy } from '../../nodes/Filestack/sdk/retry';
import type { Transport } from '../../nodes/Filestack/sdk/transport';
import { emulatorEndpoints } from '../emulator';

/** Quick tries: the faults in tests are scheduled, and production backoff would only slow a suite down. */
export const QUICK_RETRY: RetryPolicy = {
	attempts: 4,
	baseDelayMs: 10,
	maxDelayMs: 50,
	timeoutMs: 30_000,
};

/** An application of the emulator, as a client names it. */
export interface EmulatedApp {
	apiKey: string;
	appSecret?: string;
}

/** An SDK client whose every endpoint is the emulator (or a proxy in front of it) at `url`. */
export function emulatorClient(
	url: string,
	app: EmulatedApp,
	transport: Transport,
	retry?: RetryPolicy,
): Client {
	const endpoints = resolveEndpoints(emulatorEndpoints(url));
	return new Client({ apiKey: app.apiKey, appSecret: app.appSecret, endpoints, transport, retry });
}
