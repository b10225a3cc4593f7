import type { IDataObject } from 'n8n-workflow';

/** How many delivery ids are remembered at most (a few hundred kB of static data); older ones go first. */
const CAPACITY = 10_000;
/** At least this long: past Filestack's last retry, 12 hours after the first try. */
const MIN_RETENTION_SECONDS = 2 * 24 * 3600;

/**
 * The ids of deliveries that already started the workflow, in the workflow's static data, so that a retried or
 * replayed delivery of the same event starts it only once.
 */
export class DeliveryLog {
	private readonly retentionSeconds: number;

	/** `acceptedAgeSeconds`: how old a delivery may be and still be accepted; its id is kept at least as long. */
	constructor(
		private readonly staticData: IDataObject,
		acceptedAgeSeconds = 0,
	) {
		this.retentionSeconds = Math.max(MIN_RETENTION_SECONDS, acceptedAgeSeconds);
	}

	/** Records the id and tells whether it is new; deliveries without an id cannot be told apart and always count. */
	firstTime(id: unknown, nowSeconds: number): boolean {
		if (id === undefined || id === null || id === '') return true;
		const key = String(id);
		const seen = { ...((this.staticData.seenDeliveries as Record<string, number> | undefined) ?? {}) };
		if (key in seen) return false;
		seen[key] = nowSeconds;
		const kept = Object.entries(seen)
			.filter(([, at]) => nowSeconds - at < this.retentionSeconds)
			.sort(([, a], [, b]) => b - a)
			.slice(0, CAPACITY);
		this.staticData.seenDeliveries = Object.fromEntries(kept);
		return true;
	}
}
