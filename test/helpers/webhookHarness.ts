/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Serves a trigger node's production webhook over real HTTP, the way n8n 2.41's live webhooks do
 * (packages/cli/src/webhooks/live-webhooks.ts, webhook-helpers.ts), so the Edges simulator can POST its
 * callbacks to it:
 * - every request builds its own `Workflow` from the saved static data (n8n loads the workflow row from the
 *   database per request), runs the node's `webhook()` in n8n-core's `WebhookContext`, and saves the static
 *   data back as a whole when the node changed it (n8n's WorkflowStaticDataService.saveStaticData: last
 *   writer wins, and nothing is saved when `webhook()` throws);
 * - the body is parsed as n8n does: `application/json` is parsed (a body that does not parse gets n8n's own
 *   422 and never reaches the node), `text/plain` arrives as a string, other types only as `rawBody`;
 * - answers follow n8n: the node's own response, else the `webhookResponse`, else n8n's defaults;
 *   a `webhook()` that throws gets 500 and a failed execution;
 * - the workflowData the node returns is recorded as an execution.
 * `checkExists`/`create`/`delete` run in n8n-core's `HookContext`, with static data saved afterwards, as
 * n8n's ActiveWorkflowManager does on activation and deactivation. A restart of n8n is a new harness (with a
 * new instance of the node type, as a new process would have) given the old one's saved static data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
} from 'n8n-workflow';

import { additionalDataFor, nodeTypeName, TestNodeTypes } from './n8nRunner';

export const TRIGGER_NODE_NAME = 'Edges Trigger';

export interface HarnessOptions {
	/** A fresh instance per harness: n8n has one per process, so a restart gets a new one. */
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials: { apiKey: string; baseUrl: string };
	/** Credentials of other types the node has selected, by type name (e.g. edgesCallbackSecretApi). */
	otherCredentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's version in the workflow (default 1, what workflows saved before version 2 carry). */
	typeVersion?: number;
	/** Static data saved by a previous harness (a restart), as n8n keeps it in the database. */
	staticData?: string;
	/**
	 * The database row's static data, shared with other harnesses: several n8n processes (queue mode with
	 * several webhook processes) serving one workflow, each with its own instance of the node type.
	 */
	sharedStaticData?: { value: string };
	/** Listen on this port (a restart keeps the URL Edges calls); default: any free port. */
	port?: number;
	workflowId?: string;
	webhookId?: string;
}

export interface HarnessResponse {
	status: number;
	body: unknown;
	/** Index of the request among all received (0-based). */
	request: number;
}

export interface HarnessExecution {
	items: INodeExecutionData[];
	request: number;
}

export class WebhookHarness {
	readonly responses: HarnessResponse[] = [];
	readonly executions: HarnessExecution[] = [];
	/** Errors thrown by `webhook()`: n8n records each as a failed execution. */
	readonly failedExecutions: Array<{ error: Error; request: number }> = [];
	private readonly store: { value: string };
	private requestCount = 0;
	private readonly node: INode;
	private readonly workflowData: IWorkflowBase;
	private nodeTypes: TestNodeTypes;
	private crashPlan?: { next: INodeType };
	private readonly webhookDescription: IWebhookDescription;

	private constructor(
		private readonly options: HarnessOptions,
		private readonly server: http.Server,
		readonly baseUrl: string,
	) {
		this.store = options.sharedStaticData ?? { value: options.staticData ?? '{}' };
		const typeName = nodeTypeName(options.nodeType);
		this.node = {
			id: 'edges-trigger-node',
			name: TRIGGER_NODE_NAME,
			type: typeName,
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: {
				edgesApi: { id: '1', name: 'Edges account' },
				...Object.fromEntries(
					Object.keys(options.otherCredentials ?? {}).map((type, index) => [
						type,
						{ id: String(index + 2), name: `${type} credential` },
					]),
				),
			},
			webhookId: options.webhookId ?? 'b4c3a3e4-8f0e-4c55-9a47-5d1f1f1a7e01',
		};
		this.workflowData = {
			id: options.workflowId ?? 'trigger-workflow',
			name: 'trigger test',
			active: true,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: [this.node],
			connections: {},
			settings: {},
		} as unknown as IWorkflowBase;
		this.nodeTypes = new TestNodeTypes({ [typeName]: options.nodeType });
		const description = options.nodeType.description.webhooks?.[0];
		if (!description) throw new Error('the node declares no webhook');
		this.webhookDescription = description;
	}

	static async start(options: HarnessOptions): Promise<WebhookHarness> {
		const holder: { harness?: WebhookHarness } = {};
		const server = http.createServer((req, res) => {
			const harness = holder.harness;
			if (!harness) {
				res.statusCode = 503;
				res.end();
				return;
			}
			harness.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent) {
					res.statusCode = 500;
					res.end(String(error));
				}
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
		});
		const port = (server.address() as AddressInfo).port;
		holder.harness = new WebhookHarness(options, server, `http://127.0.0.1:${port}`);
		return holder.harness;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** The production URL n8n shows for the trigger (base `/webhook`, then `<webhookId>/<path>`). */
	get webhookUrl(): string {
		return `${this.baseUrl}/webhook/${this.webhookPath}`;
	}

	private get webhookPath(): string {
		return `${this.node.webhookId}/${String(this.webhookDescription.path)}`;
	}

	/** Static data as n8n would have it in the database now. */
	get staticData(): string {
		return this.store.value;
	}

	/** The trigger's own part of the static data (`getWorkflowStaticData('node')`). */
	get nodeStaticData(): IDataObject {
		const all = JSON.parse(this.store.value) as IDataObject;
		return (all[`node:${TRIGGER_NODE_NAME}`] as IDataObject | undefined) ?? {};
	}

	/**
	 * The next request is processed and its static data saved, then n8n "dies": the connection is cut
	 * before the answer leaves, and a new process takes over at once, with the same port and database and
	 * `next`, a fresh instance of the node type (so nothing of the old process's memory remains).
	 */
	crashAfterNextRequest(next: INodeType): void {
		this.crashPlan = { next };
	}

	/** Executions and answers of the process before the last crash are kept; `restarts` counts crashes. */
	restarts = 0;

	private restartWith(next: INodeType): void {
		this.options.nodeType = next;
		this.nodeTypes = new TestNodeTypes({ [nodeTypeName(next)]: next });
		this.restarts++;
	}

	/** Changes a credential's data, as the user does in n8n; the next request reads the new data. */
	updateCredential(type: string, data: ICredentialDataDecryptedObject): void {
		this.options.otherCredentials = { ...this.options.otherCredentials, [type]: data };
	}

	/** What n8n does on activation (and at every start): checkExists, then create when it said false. */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<{ existed: boolean }> {
		const existed = await this.runLifecycle('checkExists', activation);
		if (!existed) await this.runLifecycle('create', activation);
		return { existed };
	}

	async checkExists(activation: WorkflowActivateMode = 'init'): Promise<boolean> {
		return await this.runLifecycle('checkExists', activation);
	}

	async deactivate(): Promise<void> {
		await this.runLifecycle('delete', 'update' as WorkflowActivateMode);
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Waits until `predicate` holds (checked whenever a response goes out), or fails after `timeoutMs`. */
	async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
		const started = Date.now();
		while (!predicate()) {
			if (Date.now() - started > timeoutMs) throw new Error('timed out waiting in WebhookHarness');
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	private loadWorkflow(): Workflow {
		return new Workflow({
			id: this.workflowData.id,
			name: this.workflowData.name,
			nodes: [this.node],
			connections: {},
			nodeTypes: this.nodeTypes,
			active: true,
			settings: {},
			staticData: JSON.parse(this.store.value) as IDataObject,
		});
	}

	private saveStaticData(workflow: Workflow): void {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		this.store.value = JSON.stringify(data, (key, value: unknown) =>
			key === '__dataChanged' ? undefined : value,
		);
		data.__dataChanged = false;
	}

	private additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}) {
		const base = additionalDataFor(
			{
				nodeType: this.options.nodeType,
				parameters: this.options.parameters,
				credentials: this.options.credentials,
				otherCredentials: this.options.otherCredentials,
				urls: {
					instanceBaseUrl: `${this.baseUrl}/`,
					webhookBaseUrl: `${this.baseUrl}/webhook`,
				},
			},
			this.workflowData,
		);
		return { ...base, ...extra } as IWorkflowExecuteAdditionalData;
	}

	private webhookData(additionalData: IWorkflowExecuteAdditionalData): IWebhookData {
		return {
			httpMethod: 'POST',
			node: TRIGGER_NODE_NAME,
			path: this.webhookPath,
			webhookDescription: this.webhookDescription,
			workflowId: this.workflowData.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
	}

	private async runLifecycle(
		method: 'checkExists' | 'create' | 'delete',
		activation: WorkflowActivateMode,
	): Promise<boolean> {
		const fn = this.options.nodeType.webhookMethods?.default?.[method];
		if (!fn) throw new Error(`the node has no webhookMethods.default.${method}`);
		const workflow = this.loadWorkflow();
		const additionalData = this.additionalData();
		const context = new HookContext(
			workflow,
			this.node,
			additionalData,
			'trigger',
			activation,
			this.webhookData(additionalData),
		);
		const result = await fn.call(context);
		this.saveStaticData(workflow);
		return result;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const index = this.requestCount++;
		const crash = this.crashPlan;
		this.crashPlan = undefined;
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const answer = expressLike(
			res,
			(status, body) => this.responses.push({ status, body, request: index }),
			crash !== undefined,
		);

		const path = (req.url ?? '').split('?')[0];
		if (req.method !== 'POST' || path !== `/webhook/${this.webhookPath}`) {
			answer.status(404).json({ code: 404, message: 'The requested webhook is not registered.' });
			return;
		}

		// n8n's body parsing (middlewares/body-parser.ts), before the node runs.
		const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		let body: unknown;
		if (rawBody.length) {
			if (contentType === 'application/json') {
				try {
					body = JSON.parse(rawBody.toString('utf8'));
				} catch {
					answer.status(422).json({ code: 422, message: 'Failed to parse request body' });
					return;
				}
			} else if (contentType === 'text/plain') {
				body = rawBody.toString('utf8');
			}
		}
		const request = Object.assign(req, {
			body,
			rawBody,
			contentType,
			query: {},
			params: {},
		});

		const workflow = this.loadWorkflow();
		const additionalData = this.additionalData({
			httpRequest: request as never,
			httpResponse: answer as never,
		});
		const context = new WebhookContext(
			workflow,
			this.node,
			additionalData,
			'webhook',
			this.webhookData(additionalData),
			[],
			null,
		);
		let result;
		try {
			result = await this.options.nodeType.webhook!.call(context);
		} catch (error) {
			this.failedExecutions.push({ error: error as Error, request: index });
			if (!answer.headersSent) {
				answer
					.status(500)
					.json({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			}
			return;
		}
		this.saveStaticData(workflow);

		if (result.workflowData !== undefined) {
			this.executions.push({ items: result.workflowData[0] ?? [], request: index });
		}
		if (crash) {
			req.socket.destroy();
			this.restartWith(crash.next);
			return;
		}
		if (answer.headersSent || result.noWebhookResponse === true) return;
		if (result.workflowData === undefined) {
			answer.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		// responseMode onReceived with the default responseData: the first item's JSON.
		answer.status(200).json(result.workflowData[0]?.[0]?.json ?? {});
	}
}

/** The few express Response methods nodes use, on a plain ServerResponse. */
function expressLike(
	res: http.ServerResponse,
	record: (status: number, body: unknown) => void,
	/** Record answers but never send them (the process dies first). */
	swallow = false,
): http.ServerResponse & {
	status(code: number): ReturnType<typeof expressLike>;
	json(body: unknown): void;
	send(body: unknown): void;
} {
	const extended = res as ReturnType<typeof expressLike>;
	extended.status = (code: number) => {
		res.statusCode = code;
		return extended;
	};
	extended.json = (body: unknown) => {
		record(res.statusCode, body);
		if (swallow) return;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify(body));
	};
	extended.send = (body: unknown) => {
		if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
			extended.json(body);
			return;
		}
		record(res.statusCode, body);
		if (swallow) return;
		res.end(body as string | Buffer | undefined);
	};
	return extended;
}
