import { FilestackValidationError } from '../../nodes/Filestack/sdk/errors';

/** The message of the validation error `check` throws for `input`, to compare it exactly; fails when none is thrown. */
export function validationMessage<T>(check: (input: T) => unknown, input: T): string {
	try {
		check(input);
	} catch (error) {
		expect(error).toBeInstanceOf(FilestackValidationError);
		return (error as Error).message;
	}
	throw new Error(`${JSON.stringify(input)} was accepted`);
}
