// One project per test layer, so `jest --selectProjects <layer>` runs a layer on its own.
const tsJest = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }],
};
const layer = (name, timeout) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: tsJest,
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
