/**
 * `npm start` and `npm test` from a clean clone: runs a dev tool (`tsx`, `jest`) after installing the dev
 * dependencies when they are missing or older than package-lock.json, so that a new user's first command
 * works instead of failing with "tsx: not found".
 *
 *   node scripts/with-dev-deps.mjs <tool> [args...]
 *
 * Ctrl-C reaches the tool itself (it shares the terminal's process group); this wrapper only waits for it
 * and exits with its code.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [tool, ...args] = process.argv.slice(2);
if (!tool) {
	process.stderr.write('usage: node scripts/with-dev-deps.mjs <tool> [args...]\n');
	process.exit(2);
}

const installed = path.join(root, 'node_modules', '.package-lock.json');
const lockfile = path.join(root, 'package-lock.json');
const bin = path.join(root, 'node_modules', '.bin', tool);

function whyInstall() {
	if (!fs.existsSync(installed) || !fs.existsSync(bin))
		return 'the dev dependencies are not installed';
	if (fs.statSync(lockfile).mtimeMs > fs.statSync(installed).mtimeMs) {
		return 'package-lock.json is newer than node_modules';
	}
	return undefined;
}

const reason = whyInstall();
if (reason) {
	process.stderr.write(`\n${reason}: running npm ci first (about 1 min)...\n`);
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: root,
		stdio: 'inherit',
	});
	if (result.status !== 0) {
		process.stderr.write(
			`npm ci failed (${result.signal ?? `exit ${result.status}`}); see above\n`,
		);
		process.exit(1);
	}
}

const child = spawn(bin, args, { cwd: process.cwd(), stdio: 'inherit' });
// Ctrl-C: the terminal signals the whole process group, the tool included, so passing SIGINT on would
// deliver it twice (and a tool that stops gracefully on the first reads a second one as "kill now").
process.on('SIGINT', () => {});
// SIGTERM and SIGHUP usually come to this process alone (a process manager, a closed session): pass them on.
for (const signal of ['SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		if (child.exitCode === null) child.kill(signal);
	});
}
child.on('error', (error) => {
	process.stderr.write(`could not run ${tool}: ${error.message}\n`);
	process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
