/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * What `npm start` (scripts/start.ts) and `npm run start:queue` (scripts/start-queue.ts) share: console
 * output, the Edges backend (the simulator, or the real API with EDGES_API_KEY), the backend's credential
 * and the import of examples/*.json.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DEFAULT_API_KEY, EdgesSimulator } from '../test/simulator';
import {
	N8nHttpError,
	REPO_ROOT,
	type N8nApi,
	type N8nNode,
	type WorkflowInput,
} from '../e2e/harness';

const REAL_API_URL = 'https://api.edges.run/v1';

export const say = (line = ''): void => {
	process.stdout.write(`${line}\n`);
};
export const step = (text: string) => say(`\n> ${text}`);
export const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

export interface Backend {
	label: string;
	/** What Ctrl-C stops. */
	stoppedByCtrlC: string;
	baseUrl: string;
	apiKey: string;
	credentialName: string;
	stop(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
	const realKey = process.env.EDGES_API_KEY;
	if (realKey) {
		const baseUrl = process.env.EDGES_BASE_URL || REAL_API_URL;
		return {
			label: `the real Edges API at ${baseUrl} (EDGES_API_KEY from the environment)`,
			baseUrl,
			apiKey: realKey,
			credentialName: 'Edges account',
			stoppedByCtrlC: 'n8n',
			stop: async () => {},
		};
	}
	const simulator = await EdgesSimulator.start();
	return {
		label: `the Edges simulator at ${simulator.baseUrl} (API key ${DEFAULT_API_KEY}); set EDGES_API_KEY to use the real API`,
		baseUrl: simulator.baseUrl,
		apiKey: DEFAULT_API_KEY,
		credentialName: 'Edges (local simulator)',
		stoppedByCtrlC: 'n8n and the simulator',
		stop: async () => await simulator.stop(),
	};
}

/** The backend's credential: created the first time, its key and URL refreshed on every start. */
export async function ensureCredential(
	api: N8nApi,
	backend: Backend,
): Promise<{ id: string; name: string }> {
	const data = { apiKey: backend.apiKey, baseUrl: backend.baseUrl };
	const existing = (await api.listCredentials()).find(
		(c) => c.type === 'edgesApi' && c.name === backend.credentialName,
	);
	if (existing) {
		await api.updateCredential(existing.id, { name: existing.name, type: 'edgesApi', data });
		say(`  credential "${existing.name}" updated (${backend.baseUrl})`);
		return { id: existing.id, name: existing.name };
	}
	const created = await api.createEdgesCredential({ ...data, name: backend.credentialName });
	say(`  credential "${created.name}" created (${backend.baseUrl})`);
	return { id: created.id, name: created.name };
}

/** Imports examples/*.json (n8n workflow exports), pointing their Edges nodes at `credential`. */
export async function importExamples(api: N8nApi, credential: { id: string; name: string }) {
	const dir = path.join(REPO_ROOT, 'examples');
	if (!fs.existsSync(dir)) return;
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	if (files.length === 0) return;
	const present = new Set((await api.listWorkflows()).map((w) => w.name));
	let imported = 0;
	for (const file of files) {
		let workflow: WorkflowInput;
		try {
			workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowInput;
		} catch (error) {
			say(`  examples/${file}: not valid JSON, skipped (${String(error)})`);
			continue;
		}
		workflow.name ||= path.basename(file, '.json');
		if (present.has(workflow.name)) continue;
		const nodes: N8nNode[] = (workflow.nodes ?? []).map((node) =>
			node.credentials?.edgesApi
				? { ...node, credentials: { ...node.credentials, edgesApi: credential } }
				: node,
		);
		try {
			await api.createWorkflow({ ...workflow, nodes });
			imported++;
		} catch (error) {
			const reason =
				error instanceof N8nHttpError ? `${error.status} ${error.body}` : String(error);
			say(`  examples/${file}: n8n refused it, skipped (${reason.slice(0, 300)})`);
		}
	}
	say(
		`  examples: ${imported} imported, ${files.length - imported} already there or skipped (examples/*.json)`,
	);
}
