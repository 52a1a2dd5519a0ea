/**
 * End-to-end tests: a real n8n (pinned in e2e/n8n-env, installed by scripts/ensure-n8n.sh) with this
 * package installed as a community package, driven over loopback. Run with `npm run test:e2e`.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>'],
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/n8n-env/'],
	modulePathIgnorePatterns: ['<rootDir>/n8n-env/'],
	// Transpile only, like the unit tests: type errors are the job of `npm run typecheck`.
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.json' }],
	},
	// once per run: build + pack the package, install/find the pinned n8n (8-14 min the first time)
	globalSetup: '<rootDir>/harness/global-setup.ts',
	globalTeardown: '<rootDir>/harness/global-teardown.ts',
	// the first run installs n8n (8-14 min, in globalSetup); starting n8n takes 10-20 s
	testTimeout: 300000,
	maxWorkers: 1,
};
