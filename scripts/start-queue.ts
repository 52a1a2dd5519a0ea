/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * `npm run start:queue`: the local demo of `npm start` in n8n's queue mode, as the README's _Queue mode_
 * section sets it up: PostgreSQL, Redis, n8n main + 2 workers + 2 webhook processes, and nginx in front
 * with the README's configuration (e2e/harness/queue.ts, the same stack as `npm run test:queue`).
 *
 * Unlike `npm start` it keeps nothing: every start is a fresh stack in temp folders, removed on Ctrl-C
 * (a queue-mode database lives in a PostgreSQL cluster this script creates and deletes). The editor is
 * main's port; Edges' callbacks and resume URLs go through the proxy (n8n's WEBHOOK_URL).
 */
import path from 'node:path';

import {
	DEFAULT_OWNER,
	N8N_VERSION,
	ensureN8nEnv,
	exitAfterSignalWith,
	makeTempDir,
	onShutdown,
	packPackage,
	startQueueStack,
	stopAll,
} from '../e2e/harness';
import { ensureCredential, importExamples, say, seconds, startBackend, step } from './demo';

async function main(): Promise<void> {
	const started = Date.now();
	say(`n8n-nodes-edges: local n8n ${N8N_VERSION} in queue mode, behind nginx, with this package`);

	step('building and packing the package (npm run build, npm pack)...');
	let t = Date.now();
	const tarball = await packPackage({ outDir: makeTempDir('n8n-nodes-edges-pack-') });
	say(`  ${path.basename(tarball)} (${seconds(t)})`);

	step(`making the pinned n8n ${N8N_VERSION} available...`);
	t = Date.now();
	const env = await ensureN8nEnv();
	say(`  ${env.dir} (${seconds(t)})`);

	step('starting the Edges backend...');
	const backend = await startBackend();
	say(`  using ${backend.label}`);

	// Ctrl-C (also during the start) stops every process of the stack and removes its folders.
	let stopping = false;
	exitAfterSignalWith(0);
	onShutdown(async () => {
		const simulator = backend.stoppedByCtrlC.includes('simulator') ? ' and the simulator' : '';
		say(`\nCtrl-C: stopping the queue-mode stack${simulator}...`);
		await backend.stop();
		await stopAll();
		say('stopped; the stack kept nothing (`npm run start:queue` starts a fresh one).');
	});
	onShutdown(() => {
		stopping = true;
	});

	step(
		'starting PostgreSQL, Redis, n8n main, 2 workers, 2 webhook processes and nginx (1-2 min)...',
	);
	t = Date.now();
	const stack = await startQueueStack({
		tarball,
		dir: makeTempDir('n8n-nodes-edges-queue-'),
		postgresDir: makeTempDir('n8n-nodes-edges-pg-'),
		routing: 'sticky',
	});
	say(`  ready (${seconds(t)}); nginx config: ${stack.nginx.configPath}`);

	step('credential and example workflows...');
	const credential = await ensureCredential(stack.api, backend);
	await importExamples(stack.api, credential);

	say('');
	say('='.repeat(72));
	say(`  n8n editor:   ${stack.main.baseUrl}/ (main process)`);
	say(`  login:        ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`);
	say(`  webhooks:     ${stack.proxyUrl}/webhook/... (nginx, the README configuration)`);
	say(
		`  processes:    main :${stack.main.port}, workers ${stack.workers.length}, webhook ${stack.webhooks
			.map((w) => `:${w.port}`)
			.join(' ')}`,
	);
	say(`  logs:         ${path.dirname(stack.main.userFolder)}/*/n8n.log`);
	say(`  Edges:        ${backend.label}`);
	say(`  ready after ${seconds(started)}. Ctrl-C stops everything.`);
	say('='.repeat(72));

	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			if (!stopping && !isAlive(stack.main.pid)) {
				clearInterval(timer);
				resolve();
			}
		}, 1000);
	});
	say(
		`n8n main stopped unexpectedly. Last lines of ${stack.main.logPath}:\n${stack.main.readLog(40)}`,
	);
	await backend.stop();
	await stopAll();
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

main().catch(async (error: unknown) => {
	process.stderr.write(
		`\nnpm run start:queue failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	await stopAll();
	process.exit(1);
});
