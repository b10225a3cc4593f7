import { dirname } from 'node:path';

/** The part of n8n-core's service container the harness uses. */
interface ServiceContainer {
	get<T>(type: new (...args: never[]) => T): T;
}

/**
 * n8n-core's service container. n8n-core depends on its own copy of @n8n/di, not the one at the top of
 * node_modules, so the container is resolved from n8n-core's folder (through jest's module registry, so that this
 * is the very instance n8n-core uses).
 */
const n8nCoreFolder = dirname(require.resolve('n8n-core/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Container } = require(require.resolve('@n8n/di', { paths: [n8nCoreFolder] })) as {
	Container: ServiceContainer;
};

/** n8n-core's logger, the one a node's `this.logger` is: tests spy on it to read what a node logs. */
export function n8nLogger(): Record<
	'error' | 'warn' | 'info' | 'debug',
	(message: string) => void
> {
	const backendCommon = require.resolve('@n8n/backend-common', { paths: [n8nCoreFolder] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(backendCommon) as { Logger: new (...args: never[]) => unknown };
	return Container.get(Logger) as ReturnType<typeof n8nLogger>;
}
