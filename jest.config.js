/** Unit and integration tests: every test that crosses the network talks to the Edges simulator over loopback. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Transpile only (isolatedModules in tsconfig.json): type errors are the job of `npm run typecheck`,
	// which CI runs before the tests.
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 30000,
	// n8n-core writes to ~/.n8n unless told otherwise; the setup points it at a temp folder.
	setupFiles: ['<rootDir>/test/setup-env.ts'],
};
