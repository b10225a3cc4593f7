import type { IDataObject } from 'n8n-workflow';

/** How many delivery ids are remembered at most (a few hundred kB of static data); older ones go first. */
const CAPACITY = 10_000;
/** At least this long: past Filestack's last retry, 12 hours after the first try. */
const MIN_RETENTION_SECONDS = 2 * 24 * 3600;

type SeenAt = Record<string, number>;

/**
 * The same ids in memory, per trigger, for as long as this n8n process runs. n8n 2.x (2.41 at least) does not save
 * a webhook's change to static data that was saved before: starting the execution builds a second Workflow on the
 * same object, which clears its changed flag. Memory keeps the promise there until a restart.
 */
const seenInThisProcess = new Map<string, SeenAt>();

export interface DeliveryLogOptions {
	/** How old a delivery may be and still be accepted; its id is kept at least as long. */
	acceptedAgeSeconds?: number;
	/** The trigger's key in this process's memory; none for test deliveries, which may be replayed at will. */
	processScope?: string;
}

/**
 * The ids of deliveries that already started the workflow, in the workflow's static data and this process's memory,
 * so that a retried or replayed delivery of the same event starts it only once.
 */
export class DeliveryLog {
	private readonly retentionSeconds: number;
	private readonly processScope?: string;

	constructor(
		private readonly staticData: IDataObject,
		{ acceptedAgeSeconds = 0, processScope }: DeliveryLogOptions = {},
	) {
		this.retentionSeconds = Math.max(MIN_RETENTION_SECONDS, acceptedAgeSeconds);
		this.processScope = processScope;
	}

	/**
	 * Records the id and tells whether it is new; deliveries without an id cannot be told apart and always count.
	 * Ids are told apart by their JSON text: `1` and `"1"` are two deliveries, and so are two different objects.
	 */
	firstTime(id: unknown, nowSeconds: number): boolean {
		if (id === undefined || id === null || id === '') return true;
		const key = JSON.stringify(id);
		const stored = (this.staticData.seenDeliveries as SeenAt | undefined) ?? {};
		const remembered = (this.processScope && seenInThisProcess.get(this.processScope)) || {};
		if (Object.hasOwn(stored, key) || Object.hasOwn(remembered, key)) return false;

		const kept = Object.entries({ ...remembered, ...stored, [key]: nowSeconds })
			.filter(([, at]) => nowSeconds - at < this.retentionSeconds)
			.sort(([, a], [, b]) => b - a)
			.slice(0, CAPACITY);
		this.staticData.seenDeliveries = Object.fromEntries(kept);
		if (this.processScope) seenInThisProcess.set(this.processScope, Object.fromEntries(kept));
		return true;
	}
}
