import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readNumber } from './common';

export const MAX_ITEMS_AT_ONCE = 32;

/**
 * How many items the node works on at once. A Filestack call is mostly waiting for the network, so many small files
 * go much faster side by side; parts of uploads share one memory budget and a 429 slows every item down together.
 */
export const itemsAtOnceProperty: INodeProperties = {
	displayName: 'Items at Once',
	name: 'itemsAtOnce',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_ITEMS_AT_ONCE },
	// One value for the whole run, so not an expression of an item.
	noDataExpression: true,
	default: 1,
	description:
		'How many input items are worked on at the same time. Output items keep the input order. Raise it for many small files; Filestack may answer a burst with 429, which slows all items down together.',
};

/** Items at Once as set on the node (read once, for the first item: it is one value for the whole run). */
export function readItemsAtOnce(context: IExecuteFunctions): number {
	return readNumber(
		context,
		0,
		{ name: 'itemsAtOnce', label: 'Items at Once', min: 1, max: MAX_ITEMS_AT_ONCE, whole: true },
		1,
	);
}
