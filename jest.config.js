// One project per test layer, so `jest --selectProjects <layer>` runs a layer on its own.
// Tests are transpiled file by file (tsconfig.jest.json): `npm run typecheck` checks their types once, which is far
// faster than ts-jest checking every file in every worker.
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] };
const layer = (name, timeout) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: tsJest,
	// Only test/ is crawled: dist/package.json would otherwise collide with the package's own name.
	roots: ['<rootDir>/test'],
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	setupFilesAfterEnv: [`<rootDir>/test/setup/timeout-${timeout}.js`],
});

module.exports = {
	projects: [
		layer('unit', 'short'),
		layer('node', 'long'),
		layer('integration', 'long'),
		layer('e2e', 'e2e'),
	],
};
