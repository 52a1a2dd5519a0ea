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
	// the first run installs n8n (~4 min); starting n8n takes 10-20 s
	testTimeout: 300000,
	maxWorkers: 1,
};
