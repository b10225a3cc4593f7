import type { IExecuteFunctions } from 'n8n-workflow';

import { n8nTransport } from '../../nodes/Filestack/helpers/n8nTransport';

/** Only what the transport's sleep uses: the execution's cancel signal. */
function contextWith(signal?: AbortSignal) {
	return { helpers: {}, getExecutionCancelSignal: () => signal } as unknown as IExecuteFunctions;
}

describe('n8n transport: waits', () => {
	it('waits the time asked', async () => {
		const started = Date.now();
		await n8nTransport(contextWith(new AbortController().signal)).sleep(120);
		expect(Date.now() - started).toBeGreaterThanOrEqual(100);
	});

	it('stops waiting as soon as the workflow is stopped', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const wait = n8nTransport(contextWith(controller.signal)).sleep(1_500);
		setTimeout(() => controller.abort(), 50);
		await expect(wait).rejects.toThrow('The workflow was stopped');
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it('does not start waiting once the workflow is stopped', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(n8nTransport(contextWith(controller.signal)).sleep(1_500)).rejects.toThrow(
			'stopped',
		);
	});

	it('waits without a signal (contexts that cannot be cancelled)', async () => {
		await expect(n8nTransport(contextWith(undefined)).sleep(10)).resolves.toBeUndefined();
	});
});
