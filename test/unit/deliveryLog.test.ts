import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_ID_CAPACITY, DeliveryLog } from '../../nodes/Filestack/trigger/deliveryLog';

const T0 = 1_800_000_000;
const DAY = 86_400;

/**
 * Delivery 1 sent at T0, then DELIVERY_ID_CAPACITY more within seconds: the first as the log admits it, the rest
 * written into static data as the log keeps them (admitting 10,000 one by one takes a minute), the last admitted.
 */
function afterABurst(staticData: IDataObject, log: () => DeliveryLog): void {
	expect(log().admit(1, T0, T0)).toBe('new');
	const seen = staticData.seenDeliveries as Record<string, number>;
	for (let id = 2; id <= DELIVERY_ID_CAPACITY; id++) seen[JSON.stringify(id)] = T0 + 1 + (id % 9);
	expect(log().admit(DELIVERY_ID_CAPACITY + 1, T0 + 10, T0 + 10)).toBe('new');
}

describe('DeliveryLog: a delivery id starts the workflow once', () => {
	it('tells a new delivery from a repeated one, in static data', () => {
		const staticData: IDataObject = {};
		expect(new DeliveryLog(staticData).admit('a', T0, T0)).toBe('new');
		expect(new DeliveryLog(staticData).admit('a', T0 + 60, T0 + 60)).toBe('duplicate');
		expect(new DeliveryLog(staticData).admit('b', T0, T0 + 60)).toBe('new');
	});

	it('never accepts a forgotten id again: anything sent no later than the ids forgotten to make room is refused', () => {
		const staticData: IDataObject = {};
		const log = () => new DeliveryLog(staticData, { acceptedAgeSeconds: DAY + 300 });
		afterABurst(staticData, log);

		expect(Object.keys(staticData.seenDeliveries as object)).toHaveLength(DELIVERY_ID_CAPACITY);
		expect(staticData.seenDeliveries).not.toHaveProperty('1');
		expect(log().admit(1, T0, T0 + 20)).toBe('forgotten');
		expect(log().admit('never seen, sent as early', T0, T0 + 20)).toBe('forgotten');
		expect(log().admit('sent after', T0 + 1, T0 + 20)).toBe('new');
		expect(log().admit(DELIVERY_ID_CAPACITY, T0 + 5, T0 + 20)).toBe('duplicate');
	});

	it("remembers where it forgot in this process's memory too, when static data is lost", () => {
		const staticData: IDataObject = {};
		const log = () => new DeliveryLog(staticData, { processScope: 'wf-burst/Filestack Trigger' });
		afterABurst(staticData, log);

		const lost = new DeliveryLog({}, { processScope: 'wf-burst/Filestack Trigger' });
		expect(lost.admit(1, T0, T0 + 20)).toBe('forgotten');
		expect(
			new DeliveryLog({}, { processScope: 'wf-other/Filestack Trigger' }).admit(1, T0, T0 + 20),
		).toBe('new');
	});

	it('forgets ids older than the accepted age without refusing anything for it', () => {
		const staticData: IDataObject = {};
		const log = () => new DeliveryLog(staticData, { acceptedAgeSeconds: 3 * DAY });
		expect(log().admit('old', T0, T0)).toBe('new');
		expect(log().admit('new', T0 + 3 * DAY, T0 + 3 * DAY)).toBe('new');
		expect(staticData.seenDeliveries).toEqual({ '"new"': T0 + 3 * DAY });
		expect(log().admit('sent with old', T0, T0 + 3 * DAY)).toBe('new');
	});
});
