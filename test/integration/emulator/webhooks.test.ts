import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { webhookSignature } from '../../support/signatures';
import { multipartUpload } from './requests';
import { KEY, emulator, useEmulator } from './support';

// Webhook deliveries to the app (test/emulator/webhooks.ts).

describe('Filestack emulator', () => {
	useEmulator();

	it('posts a signed fp.upload webhook to the app', async () => {
		const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
		const receiver = await new Promise<Server>((resolve) => {
			const server = createServer((req, res) => {
				let body = '';
				req.on('data', (chunk: Buffer) => (body += chunk.toString()));
				req.on('end', () => {
					received.push({ headers: req.headers, body });
					res.end();
				});
			});
			server.listen(0, '127.0.0.1', () => resolve(server));
		});
		try {
			const { port } = receiver.address() as AddressInfo;
			emulator.apps.set({
				apiKey: KEY,
				webhook: { url: `http://127.0.0.1:${port}/hook`, secret: 'hook-secret' },
			});
			const { json } = await multipartUpload(emulator, Buffer.from('event'), { filename: 'e.txt' });
			await emulator.reset(); // waits for deliveries under way
			expect(received).toHaveLength(1);
			const { headers, body } = received[0];
			expect(headers['fs-signature']).toBe(
				webhookSignature('hook-secret', headers['fs-timestamp'] as string, body),
			);
			expect(JSON.parse(body)).toMatchObject({
				action: 'fp.upload',
				text: { url: json.url, filename: 'e.txt', status: 'Stored', size: 5 },
			});
		} finally {
			receiver.close();
		}
	});
});
