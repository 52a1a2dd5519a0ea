/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Harness for end-to-end tests against a real n8n (the version pinned in e2e/n8n-env, run on the
 * Node 24 binary from that env), with this package installed as a community package. Loopback only.
 *
 * Typical test:
 *   let t: TestN8n;
 *   beforeAll(async () => { t = await startTestN8n(); });           // pack, install, start, owner, API key
 *   afterAll(async () => { await stopAll(); });                      // even when a test failed
 *   const cred = await t.api.createEdgesCredential({ apiKey, baseUrl: sim.baseUrl });
 *   const wf = await t.api.createWorkflow({ name, nodes, connections });
 *   await t.api.activateWorkflow(wf.id);
 *   await postWebhook(t.n8n.webhookUrl('my-path'), { hello: 1 });   // retries the first 404s
 *   const [execution] = await t.api.waitForExecutions(wf.id, 1);
 *   expect(nodeOutput(execution, 'Webhook')[0].body).toEqual({ hello: 1 });
 *
 * Environment
 *   ensureN8nEnv()        Runs scripts/ensure-n8n.sh once per process (first time ~4 min, then cached in
 *                         ~/.cache/n8n-nodes-edges/n8n-<lock hash>); returns { dir, nodeBin, n8nBin }.
 *                         N8N_ENV_DIR=<dir> uses an existing install instead.
 * Package
 *   packPackage({ skipBuild?, outDir? })       buildPackage() + `npm pack`; resolves with the tarball path.
 *   buildPackage()                             `npm run build`, checked: every file package.json `n8n` names exists.
 *   installPackage(tarball, userFolder)        Installs it into <userFolder>/.n8n/nodes/node_modules/
 *                                              n8n-nodes-edges the way n8n's community-package installer does.
 *   packAndInstall(userFolders, options?)      Both, for several user folders.
 * n8n process
 *   startN8n({ userFolder, port?, brokerPort?, env?, readyTimeoutMs?, logPath? }) -> N8nInstance
 *                         Free loopback ports, the recipe's environment (sqlite, fixed encryption key,
 *                         unverified community packages on), log in <userFolder>/n8n.log; waits for
 *                         GET /healthz/readiness = 200 (120 s, the error carries the log tail).
 *                         N8nInstance: baseUrl, port, brokerPort, pid, logPath, webhookUrl(path),
 *                         readLog(lines?), stop() (SIGTERM, SIGKILL after 10 s).
 *   startTestN8n({ tarball?, env?, owner? }) -> TestN8n { n8n, api, session, userFolder, tarball }
 *                         Temp user folder + package installed + n8n started + owner + API key.
 *   n8n.packageLoadErrors()  n8n's own words when it could not load this package (empty = loaded).
 *   stopAll()             Stops every process the harness started and removes its temp folders
 *                         (kept when E2E_KEEP=1). Also done on exit/SIGINT/SIGTERM of this process.
 *   killAllProcesses(), trackProcess(child, name), trackedProcesses(), stopProcess(pid)
 *                         The process registry behind it; track any other child you spawn.
 * n8n API
 *   setupOwner(baseUrl, owner?) -> N8nSession  Owner account (skipped when it exists) + login cookie.
 *   N8nSession: rest(method, path, body?), createApiKey(label?), deleteApiKeys(label),
 *     loadedNodeTypes(), loadedCredentialTypes()  (what the editor gets: proves the package loaded).
 *   ownerApi(baseUrl, owner?) -> N8nApi        setupOwner + createApiKey.
 *   N8nApi (public API, X-N8N-API-KEY): createCredential, createEdgesCredential({ apiKey, baseUrl }),
 *     listCredentials, updateCredential, testCredential (the credential's `test` request), deleteCredential, createWorkflow, getWorkflow, listWorkflows, activateWorkflow,
 *     deactivateWorkflow, deleteWorkflow, listExecutions(workflowId, { includeData, status }),
 *     getExecution, waitForExecutions(workflowId, count, { timeoutMs, statuses }), call(method, path, body).
 *   nodeOutput(execution, nodeName, output?, run?)  The JSON items a node emitted.
 *   executionError(execution)  n8n's error messages of an execution (undefined when none).
 *   postWebhook(url, body, { headers?, timeoutMs? })  POST, retrying while the answer is 404.
 *   DEFAULT_OWNER         dev@example.com / EdgesDev-2026.
 * Node types: NODE_TYPES.edges / edgesTrigger / edgesRunOutputs, and n8n's built-ins used by tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_OWNER, N8nApi, setupOwner, type N8nSession, type OwnerAccount } from './api';
import { startN8n, type N8nInstance } from './n8n';
import { packPackage, installPackage } from './pack';
import { killAllProcesses } from './processes';

export * from './api';
export * from './env';
export * from './n8n';
export * from './pack';
export * from './ports';
export * from './processes';

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
} as const;

const tempDirs: string[] = [];

/** A new temp folder, removed by `stopAll()` unless E2E_KEEP=1. */
export function makeTempDir(prefix = 'n8n-nodes-edges-e2e-'): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.push(dir);
	return dir;
}

let sharedTarball: Promise<string> | undefined;

/** One build + pack per test process, shared by every `startTestN8n` that gets no tarball. */
export async function packOnce(): Promise<string> {
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
	options: { tarball?: string; env?: Record<string, string>; owner?: OwnerAccount } = {},
): Promise<TestN8n> {
	const tarball = options.tarball ?? (await packOnce());
	const userFolder = makeTempDir('n8n-nodes-edges-user-');
	await installPackage(tarball, userFolder);
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
