/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Harness for end-to-end tests against a real n8n (the version pinned in e2e/n8n-env, run on the
 * Node 24 binary of that env) with this package installed as a community package. Loopback only.
 *
 * A typical test file (see smoke.e2e.test.ts):
 *   let t: TestN8n;
 *   let sim: EdgesSimulator;
 *   beforeAll(async () => {
 *     sim = await EdgesSimulator.start();
 *     t = await startTestN8n();                     // install package, start n8n, owner, API key
 *   });
 *   afterAll(async () => {
 *     await sim?.stop();
 *     await stopAll();                              // runs even when a test failed
 *   });
 *   const cred = await t.api.createEdgesCredential({ apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl });
 *   const wf = await t.api.createWorkflow({ name, nodes, connections });
 *   await t.api.activateWorkflow(wf.id);
 *   await postWebhook(t.n8n.webhookUrl('my-path'), { hello: 1 });   // retries the first 404s
 *   const [execution] = await t.api.waitForExecutions(wf.id, 1);
 *   expect(executionError(execution)).toBeUndefined();
 *   expect(nodeOutput(execution, 'Webhook')[0].body).toEqual({ hello: 1 });
 *
 * Once per `npm run test:e2e` (harness/global-setup.ts): build + pack (E2E_TARBALL), pinned n8n
 * (N8N_ENV_DIR). E2E_KEEP=1 keeps the temp user folders (n8n.log, database) for a post-mortem.
 *
 * Environment (env.ts)
 *   ensureN8nEnv()  scripts/ensure-n8n.sh once per process: 8-14 min the first time, then cached in
 *                   ~/.cache/n8n-nodes-edges/n8n-<lock hash> ($N8N_ENV_CACHE). N8N_ENV_DIR=<dir>
 *                   uses that install instead. Resolves with { dir, nodeBin, n8nBin }.
 *   REPO_ROOT, N8N_VERSION
 * Package (pack.ts)
 *   buildPackage()                  `npm run build`, then checks every file package.json `n8n` names.
 *   packPackage({ skipBuild?, outDir? })  buildPackage() + `npm pack`; resolves with the tarball.
 *   installPackage(tarball, userFolder)   Into <userFolder>/.n8n/nodes/node_modules/n8n-nodes-edges,
 *                                   as n8n's community-package installer does.
 *   packOnce()                      The run's tarball (E2E_TARBALL, else built once).
 * n8n process (n8n.ts, processes.ts)
 *   startN8n({ userFolder, port?, brokerPort?, env?, readyTimeoutMs?, logPath?, command?, args?,
 *             readinessUrl? }) -> N8nInstance
 *                   `command`: 'start' (main, default), 'worker' or 'webhook' (queue mode).
 *                   Free loopback ports, the recipe's environment (sqlite, fixed encryption key,
 *                   unverified community packages on, Node 24 first on PATH for the task runner),
 *                   log appended to <userFolder>/n8n.log; waits for GET /healthz/readiness = 200
 *                   (120 s; the error carries the log tail).
 *   N8nInstance     baseUrl, port, brokerPort, pid, logPath, webhookUrl(path), readLog(lines?),
 *                   packageLoadErrors() (n8n's words when it could not load this package; [] = loaded),
 *                   stop() (SIGTERM to its process group, SIGKILL after 10 s).
 *   startTestN8n({ tarball?, env?, owner? }) -> TestN8n { n8n, api, session, userFolder, tarball }
 *                   Temp user folder + installPackage + startN8n + owner + API key.
 *   stopAll()       Stops every process the harness started, removes its temp folders.
 *   trackProcess(child, name), watchParent(pid, name), stopProcess(pid), killAllProcesses(),
 *   trackedProcesses(), onShutdown(hook)
 *                   The registry behind it: tracked PIDs are killed on afterAll, on exit/SIGINT/SIGTERM,
 *                   and by a watchdog process if this process dies (even kill -9). Track any other
 *                   long-running child you spawn.
 * Queue mode (queue.ts), for e2e/queue (`npm run test:queue`)
 *   startQueueStack({ tarball, dir, postgresDir, routing }) -> QueueStack
 *                   A fresh PostgreSQL cluster and Redis on free loopback ports, n8n main (production
 *                   webhooks off) + 2 workers + 2 webhook processes, each with the package installed in its
 *                   own user folder, and nginx in front with the README's queue-mode configuration
 *                   (`routing: 'sticky'` as documented, or 'round-robin' without the `hash` line).
 *   QueueStack      main, workers, webhooks (N8nInstance each), api, proxyUrl, webhookUrl(path),
 *                   restartWebhook(i), webhookIndexOf(X-Served-By), webhookLogs(), readyMs, memoryMiB().
 *   startPostgres(dir), startRedis(dir), startNginx(...), nginxConfig(...), readmeNginxSnippet()
 * n8n API (api.ts)
 *   setupOwner(baseUrl, owner?) -> N8nSession   Owner (when missing) + login cookie.
 *   N8nSession      rest(method, path, body?), createApiKey(label?), deleteApiKeys(label),
 *                   loadedNodeTypes(), loadedCredentialTypes() (what the editor gets).
 *   ownerApi(baseUrl, owner?) -> N8nApi         setupOwner + createApiKey.
 *   N8nApi          Public API (X-N8N-API-KEY). Credentials: createCredential, createEdgesCredential
 *                   ({ apiKey, baseUrl, name? }), listCredentials, updateCredential, testCredential
 *                   (runs the credential type's `test` request), deleteCredential. Workflows:
 *                   createWorkflow, getWorkflow, listWorkflows, activateWorkflow, deactivateWorkflow,
 *                   deleteWorkflow. Executions: listExecutions(workflowId, { includeData, status }),
 *                   getExecution(id), waitForExecutions(workflowId, count, { timeoutMs, statuses }).
 *                   call(method, path, body?) for anything else.
 *   nodeOutput(execution, nodeName, output?, run?)   The JSON items a node emitted.
 *   executionError(execution)       n8n's error messages of an execution (undefined when none).
 *   postWebhook(url, body, { headers?, timeoutMs?, method? })   POST, retried while it answers 404.
 *   N8nHttpError    Thrown on non-2xx: method, url, status, body.
 *   DEFAULT_OWNER   dev@example.com / EdgesDev-2026.
 *   NODE_TYPES      n8n-nodes-edges.edges / .edgesTrigger / .edgesRunOutputs, and built-ins.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_OWNER, N8nApi, setupOwner, type N8nSession, type OwnerAccount } from './api';
import { startN8n, type N8nInstance } from './n8n';
import { packPackage, installPackage, installPackageFromTarballAsReadmeSays } from './pack';
import { killAllProcesses } from './processes';

export * from './api';
export * from './env';
export * from './n8n';
export * from './pack';
export * from './ports';
export * from './processes';
export * from './queue';

/** Node type names as n8n knows them once the package is installed. */
export const NODE_TYPES = {
	edges: 'n8n-nodes-edges.edges',
	edgesTrigger: 'n8n-nodes-edges.edgesTrigger',
	edgesRunOutputs: 'n8n-nodes-edges.edgesRunOutputs',
	webhook: 'n8n-nodes-base.webhook',
	noOp: 'n8n-nodes-base.noOp',
	manualTrigger: 'n8n-nodes-base.manualTrigger',
	code: 'n8n-nodes-base.code',
	set: 'n8n-nodes-base.set',
	splitOut: 'n8n-nodes-base.splitOut',
} as const;

const tempDirs: string[] = [];

/** A new temp folder, removed by `stopAll()` unless E2E_KEEP=1. */
export function makeTempDir(prefix = 'n8n-nodes-edges-e2e-'): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.push(dir);
	return dir;
}

let sharedTarball: Promise<string> | undefined;

/**
 * The package tarball for this run: E2E_TARBALL (made once per `npm run test:e2e` by the suite's
 * globalSetup, harness/global-setup.ts), else one build + pack per module registry.
 */
export async function packOnce(): Promise<string> {
	const given = process.env.E2E_TARBALL;
	if (given && fs.existsSync(given)) return given;
	sharedTarball ??= packPackage({ outDir: makeTempDir('n8n-nodes-edges-pack-') });
	return await sharedTarball;
}

export interface TestN8n {
	n8n: N8nInstance;
	/** Public API client (API key of the owner). */
	api: N8nApi;
	/** The owner's editor session (internal REST API, loaded node/credential types). */
	session: N8nSession;
	userFolder: string;
	tarball: string;
}

/**
 * A fresh n8n with this package installed, its owner created and an API key: temp user folder,
 * `installPackage` (tarball from `packOnce()` unless given), `startN8n`, `ownerApi`.
 */
export async function startTestN8n(
	options: {
		tarball?: string;
		env?: Record<string, string>;
		owner?: OwnerAccount;
		/** How the package gets in: as n8n's own installer does (default), or the README's tarball route. */
		install?: 'n8n-installer' | 'readme-tarball';
	} = {},
): Promise<TestN8n> {
	const tarball = options.tarball ?? (await packOnce());
	const userFolder = makeTempDir('n8n-nodes-edges-user-');
	if (options.install === 'readme-tarball') {
		await installPackageFromTarballAsReadmeSays(tarball, userFolder);
	} else {
		await installPackage(tarball, userFolder);
	}
	const n8n = await startN8n({ userFolder, env: options.env });
	const session = await setupOwner(n8n.baseUrl, options.owner ?? DEFAULT_OWNER);
	const api = new N8nApi(n8n.baseUrl, await session.createApiKey());
	return { n8n, api, session, userFolder, tarball };
}

/** Stops everything the harness started, then removes its temp folders (unless E2E_KEEP=1). */
export async function stopAll(): Promise<void> {
	await killAllProcesses();
	if (process.env.E2E_KEEP === '1') {
		if (tempDirs.length) process.stderr.write(`E2E_KEEP=1: kept ${tempDirs.join(', ')}\n`);
		return;
	}
	for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
