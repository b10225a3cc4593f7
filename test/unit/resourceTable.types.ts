// Type-level checks, run by `npm run typecheck` (tsconfig.test.json), not by Jest: each `@ts-expect-error` fails the
// typecheck if the line below it ever compiles.
import type { Resource } from '../../nodes/Filestack/actions/operation';
import { audioVideo } from '../../nodes/Filestack/actions/audioVideo';
import { file } from '../../nodes/Filestack/actions/file';

type ResourceOf<R extends Resource> = Resource<keyof R['operations'] & string>;

export const anotherOperationOfItsOwn = {
	...audioVideo,
	defaultOperation: 'getStatus',
} satisfies ResourceOf<typeof audioVideo>;

export const misspeltDefault = {
	...audioVideo,
	// @ts-expect-error: a default operation that is not one of the resource's operations does not compile
	defaultOperation: 'Convert',
} satisfies ResourceOf<typeof audioVideo>;

export const defaultFromAnotherResource = {
	...audioVideo,
	// @ts-expect-error: an operation of another resource is not one of this resource's operations
	defaultOperation: 'upload',
} satisfies ResourceOf<typeof audioVideo>;

export const fileDefaultIsOneOfItsOperations: keyof typeof file.operations = file.defaultOperation;
