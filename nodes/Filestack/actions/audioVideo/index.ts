import type { Resource } from '../operation';
import { convert } from './convert.operation';
import { getStatus } from './getStatus.operation';

const operations = { convert, getStatus };

export const audioVideo = {
	option: {
		name: 'Audio/Video',
		value: 'audioVideo',
		description: 'Convert audio and video files',
	},
	operations,
	defaultOperation: 'convert',
} satisfies Resource<keyof typeof operations>;
