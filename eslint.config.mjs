import { config } from '@n8n/node-cli/eslint';

const sdk = 'nodes/Filestack/sdk';

// The n8n HTTP helpers an operation could call to reach the network past the SDK (httpRequest…, request…).
const httpHelpers = '/^(httpRequest|request)/';
const throughTheSdk = 'An operation reaches Filestack only through the SDK client it is given.';

// Shipped code (nodes/, credentials/, package.json) is linted with n8n's strict cloud rule set, unchanged.
// Tests, the emulator, the benchmark and dev scripts run in plain Node and are never shipped: they may use
// Node's own modules, timers and child processes (n8n, the emulator), which the cloud rules forbid in nodes.
export default [
	...config,
	{ ignores: ['gulpfile.js', 'jest.config.js', 'coverage/**', '.build/**', '.sandbox/**'] },
	// The SDK stands alone: no n8n, nothing outside sdk/ (node_modules included: no runtime dependency), and no
	// network of its own; every request goes through the Transport it is given.
	{
		files: [`${sdk}/**/*.ts`],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-*', '@n8n/*'],
							message: 'The SDK never imports n8n; the node adapts n8n to it.',
						},
						{
							regex: '^(node:)?(http|https|http2|net|tls|dgram|dns)(/.*)?$',
							message: 'The SDK reaches the network only through its Transport.',
						},
					],
				},
			],
			'no-restricted-globals': [
				'error',
				...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({
					name,
					message: 'The SDK reaches the network only through its Transport.',
				})),
			],
			'import-x/no-restricted-paths': [
				'error',
				{
					zones: [
						{
							target: `./${sdk}`,
							from: '.',
							except: [`./${sdk}`],
							message: 'The SDK imports only its own files (and Node built-ins).',
						},
					],
				},
			],
		},
	},
	// Operations get a ready SDK client from the router; n8n's HTTP helpers and the transports stay out of them.
	// The transports are matched by name (any module whose name ends in `Transport`, such as helpers/n8nTransport.ts),
	// so the rule survives moving them; the SDK's own `sdk/transport.ts` interface stays allowed.
	{
		files: ['nodes/Filestack/actions/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '(^|/)transport/|[A-Za-z0-9]Transport(\\.[cm]?[jt]s)?$',
							message: throughTheSdk,
						},
					],
				},
			],
			'no-restricted-syntax': [
				'error',
				{ selector: `MemberExpression[property.name=${httpHelpers}]`, message: throughTheSdk },
				{ selector: `MemberExpression[property.value=${httpHelpers}]`, message: throughTheSdk },
				{ selector: `ObjectPattern > Property[key.name=${httpHelpers}]`, message: throughTheSdk },
			],
		},
	},
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
