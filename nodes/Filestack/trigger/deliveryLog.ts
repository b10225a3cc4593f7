import type { IDataObject } from 'n8n-workflow';

/** How many delivery ids are remembered at most (a few hundred kB of static data); older ones go first. */
export const DELIVERY_ID_CAPACITY = 10_000;
/** At least this long: past Filestack's last retry, 12 hours after the first try. */
const MIN_RETENTION_SECONDS = 2 * 24 * 3600;

/** When each remembered delivery was sent (its FS-Timestamp), by id. */
type SeenAt = Record<string, number>;

interface Memory {
	seen: SeenAt;
	/** The newest send time among ids forgotten to make room: a delivery sent no later may be one of them. */
	forgottenUpTo: number;
}

/**
 * The same memory, per trigger, for as long as this n8n process runs. n8n 2.x (2.41 at least) does not save a
 * webhook's change to static data that was saved before: starting the execution builds a second Workflow on the
 * same object, which clears its changed flag. Memory keeps the promise there until a restart.
 */
const rememberedInThisProcess = new Map<string, Memory>();

export interface DeliveryLogOptions {
	/** How old a delivery may be and still be accepted; its id is kept at least as long. */
	acceptedAgeSeconds?: number;
	/** The trigger's key in this process's memory; none for test deliveries, which may be replayed at will. */
	processScope?: string;
}

/** A new delivery; one seen before; or one sent no later than an id forgotten to make room, so possibly a replay. */
export type Admission = 'new' | 'duplicate' | 'forgotten';

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
	 * Records the delivery, sent at `sentAtSeconds`, and tells whether it is new. Deliveries without an id cannot be
	 * told apart and always count. Ids are told apart by their JSON text: `1` and `"1"` are two deliveries, and so
	 * are two different objects. Ids are kept by send time, as the age check reads it; when more are within the
	 * accepted age than the log holds, the oldest are forgotten, and from then on nothing sent no later than them is
	 * taken: a forgotten id is never accepted twice.
	 */
	admit(id: unknown, sentAtSeconds: number, nowSeconds: number): Admission {
		if (id === undefined || id === null || id === '') return 'new';
		const key = JSON.stringify(id);
		const stored = (this.staticData.seenDeliveries as SeenAt | undefined) ?? {};
		const remembered = this.processScope
			? rememberedInThisProcess.get(this.processScope)
			: undefined;
		const seen = remembered?.seen ?? {};
		if (Object.hasOwn(stored, key) || Object.hasOwn(seen, key)) return 'duplicate';
		const storedForgottenUpTo = this.staticData.deliveriesForgottenUpTo;
		const forgottenUpTo = Math.max(
			typeof storedForgottenUpTo === 'number' ? storedForgottenUpTo : 0,
			remembered?.forgottenUpTo ?? 0,
		);
		if (sentAtSeconds <= forgottenUpTo) return 'forgotten';

		const newestFirst = Object.entries({ ...seen, ...stored, [key]: sentAtSeconds })
			.filter(([, at]) => nowSeconds - at < this.retentionSeconds)
			.sort(([, a], [, b]) => b - a);
		const kept = newestFirst.slice(0, DELIVERY_ID_CAPACITY);
		const newForgottenUpTo = Math.max(forgottenUpTo, newestFirst[DELIVERY_ID_CAPACITY]?.[1] ?? 0);
		this.staticData.seenDeliveries = Object.fromEntries(kept);
		this.staticData.deliveriesForgottenUpTo = newForgottenUpTo;
		if (this.processScope) {
			rememberedInThisProcess.set(this.processScope, {
				seen: Object.fromEntries(kept),
				forgottenUpTo: newForgottenUpTo,
			});
		}
		return 'new';
	}
}
