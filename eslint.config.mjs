import { config } from '@n8n/node-cli/eslint';

// Shipped code (nodes/, credentials/, package.json) is linted with n8n's strict cloud rule set, unchanged.
// Tests, the emulator, the benchmark and dev scripts run in plain Node and are never shipped: they may use
// Node's own modules, timers and child processes (n8n, the emulator), which the cloud rules forbid in nodes.
export default [
	...config,
	{ ignores: ['gulpfile.js', 'jest.config.js', 'coverage/**', '.build/**', '.sandbox/**'] },
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'@n8n/community-nodes/no-http-request-with-manual-auth': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
		},
	},
];
