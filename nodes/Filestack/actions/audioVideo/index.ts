import type { Resource } from '../operation';
import { convert } from './convert.operation';
import { getStatus } from './getStatus.operation';

export const audioVideo: Resource = {
	option: {
		name: 'Audio/Video',
		value: 'audioVideo',
		description: 'Convert audio and video files',
	},
	operations: { convert, getStatus },
	defaultOperation: 'convert',
};
