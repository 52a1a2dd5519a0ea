/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * `npm start`: a local n8n with this package installed, ready to try in the browser.
 *
 * 1. builds and packs the package;
 * 2. makes the pinned n8n available (scripts/ensure-n8n.sh: 8-14 min the first time, then cached);
 * 3. starts the Edges simulator as the backend, unless EDGES_API_KEY is set: then the real Edges API
 *    (https://api.edges.run/v1, or EDGES_BASE_URL);
 * 4. installs the package into the persistent user folder .cache/n8n-user the way n8n installs
 *    community packages, and starts n8n on N8N_PORT, else 5678 when free, else a free port;
 * 5. creates the owner login (first time), an `edgesApi` credential for the backend (updated on every
 *    start), and imports examples/*.json (when that folder exists; workflows already there by name are
 *    left alone);
 * 6. prints the editor URL and the login. Ctrl-C stops n8n and the simulator, and says so.
 *
 * Delete .cache/n8n-user to start from an empty n8n.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	DEFAULT_OWNER,
	N8nApi,
	N8nHttpError,
	N8N_VERSION,
	REPO_ROOT,
	ensureN8nEnv,
	exitAfterSignalWith,
	installPackage,
	isPortFree,
	freePort,
	needsOwnerSetup,
	onShutdown,
	packPackage,
	setupOwner,
	startN8n,
} from '../e2e/harness';
import { ensureCredential, importExamples, say, seconds, startBackend, step } from './demo';

const USER_FOLDER = path.join(REPO_ROOT, '.cache', 'n8n-user');
const API_KEY_LABEL = 'npm start';

async function choosePort(): Promise<number> {
	const wanted = process.env.N8N_PORT;
	if (wanted) {
		const port = Number(wanted);
		if (!Number.isInteger(port) || port <= 0 || port > 65535) {
			throw new Error(`N8N_PORT=${wanted} is not a port number`);
		}
		if (!(await isPortFree(port))) throw new Error(`N8N_PORT=${port} is in use on 127.0.0.1`);
		return port;
	}
	if (await isPortFree(5678)) return 5678;
	const port = await freePort();
	say(`  port 5678 is in use; using ${port}`);
	return port;
}

/** The user's own N8N_* settings go through to n8n, except those this script decides. */
function passThroughEnv(): Record<string, string> {
	const decided = new Set(['N8N_PORT', 'N8N_USER_FOLDER', 'N8N_ENV_DIR', 'N8N_ENV_CACHE']);
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (name.startsWith('N8N_') && !decided.has(name) && value !== undefined) env[name] = value;
	}
	return env;
}

async function main(): Promise<void> {
	const started = Date.now();
	say(`n8n-nodes-edges: local n8n ${N8N_VERSION} with this package`);

	step('building and packing the package (npm run build, npm pack)...');
	let t = Date.now();
	const packDir = path.join(REPO_ROOT, '.cache', 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	const tarball = await packPackage({ outDir: packDir });
	say(`  ${path.relative(REPO_ROOT, tarball)} (${seconds(t)})`);

	step(`making the pinned n8n ${N8N_VERSION} available...`);
	t = Date.now();
	const env = await ensureN8nEnv();
	say(`  ${env.dir} (${seconds(t)})`);

	step('starting the Edges backend...');
	const backend = await startBackend();
	onShutdown(async () => await backend.stop());
	say(`  using ${backend.label}`);

	step(`installing the package into ${path.relative(REPO_ROOT, USER_FOLDER)}...`);
	t = Date.now();
	await installPackage(tarball, USER_FOLDER);
	say(`  done (${seconds(t)})`);

	const port = await choosePort();
	step(`starting n8n on http://127.0.0.1:${port} (10-20 s)...`);
	t = Date.now();
	const n8n = await startN8n({ userFolder: USER_FOLDER, port, env: passThroughEnv() });
	say(`  ready (${seconds(t)}); log: ${path.relative(REPO_ROOT, n8n.logPath)}`);
	const loadErrors = n8n.packageLoadErrors();
	if (loadErrors.length) {
		say(`  WARNING: n8n could not load n8n-nodes-edges:\n    ${loadErrors.join('\n    ')}`);
	}

	step('owner login, credential and example workflows...');
	const firstTime = await needsOwnerSetup(n8n.baseUrl);
	let loginNote = `${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`;
	const session = await setupOwner(n8n.baseUrl, DEFAULT_OWNER).catch((error: unknown) => {
		if (error instanceof N8nHttpError && error.url.endsWith('/rest/login')) return undefined;
		throw error;
	});
	if (session) {
		say(`  owner ${DEFAULT_OWNER.email} ${firstTime ? 'created' : 'exists'}`);
		await session.deleteApiKeys(API_KEY_LABEL);
		const api = new N8nApi(n8n.baseUrl, await session.createApiKey(API_KEY_LABEL));
		if (loadErrors.length) {
			say('  the package did not load (see above): credential and examples not set up');
		} else {
			const credential = await ensureCredential(api, backend);
			await importExamples(api, credential);
		}
	} else {
		loginNote = `your own (the owner's password is no longer ${DEFAULT_OWNER.password})`;
		say(`  could not log in as ${DEFAULT_OWNER.email}: credential and examples not set up.`);
		say(`  Delete ${path.relative(REPO_ROOT, USER_FOLDER)} to start from scratch.`);
	}

	say('');
	say('='.repeat(72));
	say(`  n8n editor:  ${n8n.baseUrl}/`);
	say(`  login:       ${loginNote}`);
	say(`  Edges:       ${backend.label}`);
	say(`  user folder: ${path.relative(REPO_ROOT, USER_FOLDER)} (delete it to start over)`);
	say(`  ready after ${seconds(started)}. Ctrl-C stops ${backend.stoppedByCtrlC}.`);
	say('='.repeat(72));

	// Ctrl-C is how this demo ends: say so, stop n8n and the simulator, and exit 0 (npm would otherwise
	// report a failed script). Only an n8n that dies while nobody asked it to is reported as a crash.
	let stopping = false;
	exitAfterSignalWith(0);
	onShutdown(async () => {
		say(`\nCtrl-C: stopping ${backend.stoppedByCtrlC} (press it again to kill at once)...`);
		await n8n.stop();
		say(
			`stopped. Your workflows and credentials are kept in ${path.relative(REPO_ROOT, USER_FOLDER)}; \`npm start\` brings them back.`,
		);
	});
	onShutdown(() => {
		stopping = true;
	});
	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			if (!stopping && !isAlive(n8n.pid)) {
				clearInterval(timer);
				resolve();
			}
		}, 1000);
	});
	say(`n8n stopped unexpectedly. Last lines of ${n8n.logPath}:\n${n8n.readLog(40)}`);
	await backend.stop();
	process.exit(1);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
