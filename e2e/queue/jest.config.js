/**
 * Queue-mode end-to-end tests: PostgreSQL, Redis, n8n main + 2 workers + 2 webhook processes with this
 * package installed as a community package, and nginx in front with the README's configuration. One stack
 * per test file (about 1 to 1.5 min to start, 2.6 GB). Run with `npm run test:queue`.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>'],
	testMatch: ['**/*.queue.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.json' }],
	},
	// the same once-per-run work as the e2e suite: build + pack, find the pinned n8n
	globalSetup: '<rootDir>/../harness/global-setup.ts',
	globalTeardown: '<rootDir>/../harness/global-teardown.ts',
	// starting the stack takes 1 to 1.5 min on two idle cores, several on busy ones
	testTimeout: 600000,
	maxWorkers: 1,
};
