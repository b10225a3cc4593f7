import { createHmac } from 'crypto';
import { request } from 'http';
import type { AppConfig } from './apps';
import { unixSeconds } from './http';
import { isLoopbackHttp } from './loopback';

/** One event sent (or not: only loopback URLs are contacted) to an app's webhook URL. */
export interface WebhookDelivery {
	action: string;
	url: string;
	/** The raw JSON body that was signed. */
	body: string;
	timestamp: number;
	/** The receiver's HTTP status, when it answered. */
	status?: number;
	error?: string;
}

/** Posts signed events the way Filestack does: `FS-Signature` = HMAC-SHA256(secret, `<FS-Timestamp>.<body>`), hex. */
export class Webhooks {
	readonly deliveries: WebhookDelivery[] = [];
	private readonly pending = new Set<Promise<void>>();
	private nextId = 1;

	send(app: AppConfig, action: string, text: Record<string, unknown>): void {
		if (!app.webhook) return;
		const timestamp = unixSeconds();
		const body = JSON.stringify({ id: this.nextId++, action, timestamp, text });
		const delivery: WebhookDelivery = { action, url: app.webhook.url, body, timestamp };
		this.deliveries.push(delivery);
		const signature = createHmac('sha256', app.webhook.secret)
			.update(`${timestamp}.${body}`)
			.digest('hex');
		const sent = post(app.webhook.url, body, {
			'FS-Timestamp': String(timestamp),
			'FS-Signature': signature,
		}).then(
			(status) => void (delivery.status = status),
			(error: Error) => void (delivery.error = error.message),
		);
		this.pending.add(sent);
		void sent.finally(() => this.pending.delete(sent));
	}

	/** Resolves when every delivery under way has ended. */
	async settle(): Promise<void> {
		await Promise.all([...this.pending]);
	}

	async reset(): Promise<void> {
		await this.settle();
		this.deliveries.length = 0;
		this.nextId = 1;
	}
}

async function post(
	target: string,
	body: string,
	headers: Record<string, string>,
): Promise<number> {
	const url = new URL(target);
	if (!isLoopbackHttp(url))
		throw new Error('not delivered: the emulator only contacts loopback http URLs');
	return await new Promise<number>((resolve, reject) => {
		const req = request(
			url,
			{
				method: 'POST',
				timeout: 10_000,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(body),
					...headers,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('timeout', () => req.destroy(new Error('webhook receiver timed out')));
		req.on('error', reject);
		req.end(body);
	});
}
