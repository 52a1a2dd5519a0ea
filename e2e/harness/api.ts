/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Talking to a running n8n: owner account and API key through the internal REST API (what the
 * editor's setup screens do), then n8n's public API (`/api/v1`, header X-N8N-API-KEY).
 */

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** The login used by the e2e tests and `npm start` (local, loopback-only instances). */
export const DEFAULT_OWNER: OwnerAccount = {
	email: 'dev@example.com',
	password: 'EdgesDev-2026',
	firstName: 'Edges',
	lastName: 'Developer',
};

/** A non-2xx answer from n8n. */
export class N8nHttpError extends Error {
	constructor(
		readonly method: string,
		readonly url: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`${method} ${url} -> ${status}: ${body.slice(0, 2000)}`);
		this.name = 'N8nHttpError';
	}
}

async function request<T>(
	method: string,
	url: string,
	options: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<{ data: T; headers: Headers }> {
	const response = await fetch(url, {
		method,
		headers: {
			accept: 'application/json',
			...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
			...options.headers,
		},
		body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
		signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
	});
	const text = await response.text();
	if (!response.ok) throw new N8nHttpError(method, url, response.status, text);
	return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

/** A logged-in editor session (cookie) on the internal REST API (`/rest`). */
export class N8nSession {
	constructor(
		readonly baseUrl: string,
		readonly cookie: string,
	) {}

	/** Logs in with email + password. */
	static async login(baseUrl: string, owner: Pick<OwnerAccount, 'email' | 'password'>) {
		const { headers } = await request(`POST`, `${baseUrl}/rest/login`, {
			body: { emailOrLdapLoginId: owner.email, password: owner.password },
		});
		const cookie = headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error(`POST ${baseUrl}/rest/login set no n8n-auth cookie`);
		return new N8nSession(baseUrl, cookie);
	}

	/** Calls the internal REST API; resolves with the `data` field of n8n's answer. */
	async rest<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T> {
		const { data } = await request<{ data: T }>(method, `${this.baseUrl}/rest${restPath}`, {
			headers: { cookie: this.cookie },
			body,
		});
		return data?.data;
	}

	/** Creates a public-API key with every scope the owner may grant; resolves with the raw key. */
	async createApiKey(label = `e2e-${Date.now()}`): Promise<string> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const created = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label,
			scopes,
			expiresAt: null,
		});
		if (!created?.rawApiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');
		return created.rawApiKey;
	}

	/** Names of every node type this instance loaded (`/types/nodes.json`, what the editor gets). */
	async loadedNodeTypes(): Promise<string[]> {
		return await this.typeNames('/types/nodes.json');
	}

	/** Names of every credential type this instance loaded (`/types/credentials.json`). */
	async loadedCredentialTypes(): Promise<string[]> {
		return await this.typeNames('/types/credentials.json');
	}

	private async typeNames(typesPath: string): Promise<string[]> {
		const { data } = await request<Array<{ name: string }>>('GET', `${this.baseUrl}${typesPath}`, {
			headers: { cookie: this.cookie },
		});
		return [...new Set(data.map((t) => t.name))];
	}

	/** Deletes the API keys with this label (keeps repeated `npm start` runs from piling them up). */
	async deleteApiKeys(label: string): Promise<void> {
		type Key = { id: string; label: string };
		// n8n 2.x answers a page { items, counts, ... }; older versions a bare array
		const answer = await this.rest<Key[] | { items: Key[] }>(
			'GET',
			`/api-keys?ownership=mine&take=250&label=${encodeURIComponent(label)}`,
		);
		const keys = Array.isArray(answer) ? answer : answer.items;
		for (const key of keys.filter((k) => k.label === label)) {
			await this.rest('DELETE', `/api-keys/${key.id}`);
		}
	}
}

/** Whether the instance still waits for its owner account (fresh database). */
export async function needsOwnerSetup(baseUrl: string): Promise<boolean> {
	const { data } = await request<{
		data: { userManagement?: { showSetupOnFirstLoad?: boolean } };
	}>('GET', `${baseUrl}/rest/settings`);
	return data.data.userManagement?.showSetupOnFirstLoad === true;
}

/**
 * Creates the owner account on a fresh instance (skipped when it exists), logs in.
 * Resolves with the logged-in session.
 */
export async function setupOwner(
	baseUrl: string,
	owner: OwnerAccount = DEFAULT_OWNER,
): Promise<N8nSession> {
	if (await needsOwnerSetup(baseUrl)) {
		await request('POST', `${baseUrl}/rest/owner/setup`, { body: owner });
	}
	return await N8nSession.login(baseUrl, owner);
}

/** Owner (created if needed) + a fresh API key: the usual start of a test. */
export async function ownerApi(
	baseUrl: string,
	owner: OwnerAccount = DEFAULT_OWNER,
): Promise<N8nApi> {
	const session = await setupOwner(baseUrl, owner);
	return new N8nApi(baseUrl, await session.createApiKey());
}

// ---------- public API ----------

export interface N8nNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowInput {
	name: string;
	nodes: N8nNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
}

export interface Workflow extends WorkflowInput {
	id: string;
	active: boolean;
	[key: string]: unknown;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
	[key: string]: unknown;
}

export type ExecutionStatus =
	| 'canceled'
	| 'crashed'
	| 'error'
	| 'new'
	| 'running'
	| 'success'
	| 'unknown'
	| 'waiting';

export interface NodeRun {
	startTime?: number;
	executionStatus?: string;
	error?: { message?: string; description?: string; [key: string]: unknown };
	data?: { main?: Array<Array<{ json: Record<string, unknown>; [key: string]: unknown }> | null> };
	[key: string]: unknown;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
	data?: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

/** Statuses after which an execution will not change any more. */
export const FINAL_STATUSES: ExecutionStatus[] = ['success', 'error', 'crashed', 'canceled'];

/** n8n's public API (`<baseUrl>/api/v1`) with an API key. */
export class N8nApi {
	constructor(
		readonly baseUrl: string,
		readonly apiKey: string,
	) {}

	/** Any public-API call; `apiPath` starts with `/` (e.g. `/workflows`). */
	async call<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T> {
		const { data } = await request<T>(method, `${this.baseUrl}/api/v1${apiPath}`, {
			headers: { 'x-n8n-api-key': this.apiKey },
			body,
		});
		return data;
	}

	/** `POST /credentials`; n8n answers 400 for an unknown credential type. */
	async createCredential(input: {
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<Credential> {
		return await this.call<Credential>('POST', '/credentials', input);
	}

	/** An `edgesApi` credential (the one all three Edges nodes use). */
	async createEdgesCredential(input: {
		apiKey: string;
		baseUrl: string;
		name?: string;
	}): Promise<Credential> {
		return await this.createCredential({
			name: input.name ?? 'Edges account',
			type: 'edgesApi',
			data: { apiKey: input.apiKey, baseUrl: input.baseUrl },
		});
	}

	/** Every credential (without secrets). */
	async listCredentials(): Promise<Credential[]> {
		return await this.listAll<Credential>('/credentials');
	}

	/** `PATCH /credentials/{id}`: new name and/or data (data replaces the stored data). */
	async updateCredential(
		id: string,
		update: { name?: string; type?: string; data?: Record<string, unknown> },
	): Promise<Credential> {
		return await this.call<Credential>('PATCH', `/credentials/${id}`, update);
	}

	/** Runs the credential type's `test` request in n8n, like the editor's "Test" button. */
	async testCredential(id: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return await this.call('POST', `/credentials/${id}/test`);
	}

	async deleteCredential(id: string): Promise<void> {
		await this.call('DELETE', `/credentials/${id}`);
	}

	/** `POST /workflows` (inactive). Only the fields the public API accepts are sent. */
	async createWorkflow(workflow: WorkflowInput): Promise<Workflow> {
		return await this.call<Workflow>('POST', '/workflows', {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? {},
			...(workflow.staticData !== undefined ? { staticData: workflow.staticData } : {}),
		});
	}

	async getWorkflow(id: string): Promise<Workflow> {
		return await this.call<Workflow>('GET', `/workflows/${id}`);
	}

	async listWorkflows(): Promise<Workflow[]> {
		return await this.listAll<Workflow>('/workflows');
	}

	/** Follows `nextCursor` through every page of a public-API list. */
	private async listAll<T>(apiPath: string): Promise<T[]> {
		const all: T[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ limit: '250' });
			if (cursor) query.set('cursor', cursor);
			const page = await this.call<{ data: T[]; nextCursor?: string | null }>(
				'GET',
				`${apiPath}?${query.toString()}`,
			);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	/**
	 * Activates a workflow: n8n runs the trigger nodes' webhook `checkExists`/`create` now. Webhooks
	 * answer a few hundred ms later: use `postWebhook`, which retries while they answer 404.
	 */
	async activateWorkflow(id: string): Promise<Workflow> {
		return await this.call<Workflow>('POST', `/workflows/${id}/activate`);
	}

	/**
	 * Deactivates a workflow (runs the trigger nodes' webhook `delete`). Its webhooks keep answering
	 * for a moment after this returns (measured: under 0.5 s).
	 */
	async deactivateWorkflow(id: string): Promise<Workflow> {
		return await this.call<Workflow>('POST', `/workflows/${id}/deactivate`);
	}

	async deleteWorkflow(id: string): Promise<void> {
		await this.call('DELETE', `/workflows/${id}`);
	}

	/** Executions of a workflow, newest first, with their run data unless `includeData: false`. */
	async listExecutions(
		workflowId: string,
		options: { includeData?: boolean; status?: ExecutionStatus; limit?: number } = {},
	): Promise<Execution[]> {
		const query = new URLSearchParams({
			workflowId,
			includeData: String(options.includeData ?? true),
			limit: String(options.limit ?? 250),
		});
		if (options.status) query.set('status', options.status);
		const page = await this.call<{ data: Execution[] }>('GET', `/executions?${query.toString()}`);
		return page.data;
	}

	async getExecution(id: string, includeData = true): Promise<Execution> {
		return await this.call<Execution>('GET', `/executions/${id}?includeData=${includeData}`);
	}

	/**
	 * Polls until the workflow has at least `count` executions in a final state (or, with
	 * `statuses`, in one of those states, e.g. ['waiting']). Resolves with them, oldest first.
	 * On timeout the error lists what was there.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		options: { timeoutMs?: number; intervalMs?: number; statuses?: ExecutionStatus[] } = {},
	): Promise<Execution[]> {
		const statuses = options.statuses ?? FINAL_STATUSES;
		const deadline = Date.now() + (options.timeoutMs ?? 60_000);
		let seen: Execution[] = [];
		for (;;) {
			seen = await this.listExecutions(workflowId, { includeData: true });
			const matching = seen.filter((e) => statuses.includes(e.status));
			if (matching.length >= count) {
				return matching.sort((a, b) => Number(a.id) - Number(b.id));
			}
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: expected ${count} execution(s) with status ${statuses.join('|')}, ` +
						`found ${matching.length}; all: ${JSON.stringify(seen.map((e) => ({ id: e.id, status: e.status })))}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
		}
	}
}

// ---------- reading results ----------

/** The JSON of the items a node emitted on `output` (default 0) in its `run`-th run (default 0). */
export function nodeOutput(
	execution: Execution,
	nodeName: string,
	output = 0,
	run = 0,
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.[run]) {
		const ran = Object.keys(execution.data?.resultData.runData ?? {});
		throw new Error(
			`node "${nodeName}" did not run in execution ${execution.id} (ran: ${ran.join(', ')})`,
		);
	}
	return (runs[run].data?.main?.[output] ?? []).map((item) => item.json);
}

/**
 * Why an execution failed (the workflow error and every node error), or undefined: put it in an
 * assertion, e.g. `expect(executionError(e)).toBeUndefined()`, to see n8n's message on failure.
 */
export function executionError(execution: Execution): string | undefined {
	const result = execution.data?.resultData;
	const messages: string[] = [];
	if (result?.error) {
		messages.push(
			`${result.error.message ?? 'error'}${result.lastNodeExecuted ? ` (in ${result.lastNodeExecuted})` : ''}`,
		);
	}
	for (const [node, runs] of Object.entries(result?.runData ?? {})) {
		for (const run of runs) {
			if (run.error)
				messages.push(`${node}: ${run.error.message ?? ''} ${run.error.description ?? ''}`.trim());
		}
	}
	if (!messages.length && ['error', 'crashed'].includes(execution.status)) {
		messages.push(`execution ${execution.id} ended with status ${execution.status}`);
	}
	return messages.length ? [...new Set(messages)].join('; ') : undefined;
}

// ---------- webhooks ----------

export interface WebhookResponse {
	status: number;
	headers: Headers;
	/** Parsed JSON when the body is JSON, else the text. */
	body: unknown;
}

/**
 * POSTs JSON to a webhook URL, retrying while n8n answers 404 (a workflow's production webhooks
 * are registered a moment after activation returns). Any other status is returned as is.
 */
export async function postWebhook(
	url: string,
	body: unknown,
	options: {
		headers?: Record<string, string>;
		timeoutMs?: number;
		method?: string;
		/** How long one request may take; default 30 s. */
		requestTimeoutMs?: number;
	} = {},
): Promise<WebhookResponse> {
	const deadline = Date.now() + (options.timeoutMs ?? 15_000);
	for (;;) {
		const response = await fetch(url, {
			method: options.method ?? 'POST',
			headers: { 'content-type': 'application/json', ...options.headers },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
		});
		const text = await response.text();
		if (response.status !== 404 || Date.now() > deadline) {
			let parsed: unknown = text;
			try {
				parsed = text ? JSON.parse(text) : undefined;
			} catch {
				// not JSON
			}
			return { status: response.status, headers: response.headers, body: parsed };
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
