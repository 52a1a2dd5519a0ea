/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Runs a node that parks its execution (`putExecutionToWait`) in n8n-core's WorkflowExecute, and resumes it
 * the way n8n 2.41 does, so Wait for Completion is tested end to end without a whole n8n:
 *
 * - `runUntilWait()`: `Input -> node` runs in WorkflowExecute until the execution parks (`waitTill` set,
 *   status `waiting`). The execution data is then kept as JSON, as n8n saves it in its database.
 * - A node:http server plays n8n's `/webhook-waiting/<execution id>` endpoint (packages/cli/src/webhooks/
 *   waiting-webhooks.ts): it checks the resume token (`signature`), answers 409 when the execution is not
 *   waiting any more, loads a fresh copy of the saved data, disables the parked node, clears `waitTill`,
 *   runs the node's `webhook()` in n8n-core's `WebhookContext` with that data, and, when `webhook()` returns
 *   `workflowData`, puts it on the node's execution stack entry (webhook-helpers.ts `prepareExecutionData`)
 *   and continues the execution with `processRunExecutionData`. Without `workflowData` the execution stays
 *   parked, as in n8n.
 * - `resumeAfterTimeLimit()` does what n8n's WaitTracker does when `waitTill` passes: run the saved data
 *   again as it is (WorkflowExecute then disables the parked node and forwards its stack entry's items).
 */
import { WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type IDataObject,
	type INodeType,
	type IRun,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowBase,
} from 'n8n-workflow';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	InputNode,
	NODE_UNDER_TEST,
	TestNodeTypes,
	additionalDataFor,
	nodeTypeName,
	resultOf,
	workflowFor,
	type NodeRunResult,
	type RunNodeOptions,
} from './n8nRunner';

type ExecutionStatus = 'new' | 'waiting' | 'running' | 'finished' | 'failed';

export interface WaitingResponse {
	status: number;
	body: unknown;
}

// A fixed resume token, as n8n keeps one per execution (runExecutionData.resumeToken).
const RESUME_TOKEN = ['resume', 'token', 'of', 'the', 'test'].join('-');

export class WaitingRunner {
	status: ExecutionStatus = 'new';
	/** Every answer the resume endpoint gave, in order. */
	readonly responses: WaitingResponse[] = [];
	/** Errors `webhook()` threw (n8n answers 500 and ends the execution in error). */
	readonly webhookErrors: Error[] = [];
	/** What n8n recorded when the execution parked. */
	parked?: NodeRunResult;
	/** What n8n recorded when the execution went on after the wait. */
	finished?: NodeRunResult;
	/** Called when a POST reaches the resume endpoint, before anything runs. */
	onResumeRequest?: () => void;

	private saved?: string;
	private readonly workflowData: IWorkflowBase;
	private readonly nodeTypes: TestNodeTypes;
	private readonly executionId = 'waiting-execution-1';
	private finishedWaiters: Array<() => void> = [];

	private constructor(
		private readonly server: http.Server,
		readonly baseUrl: string,
		private readonly options: RunNodeOptions,
	) {
		this.workflowData = workflowFor(options);
		this.nodeTypes = new TestNodeTypes({
			testInput: new InputNode(),
			[nodeTypeName(options.nodeType)]: options.nodeType,
		});
	}

	static async start(
		options: Omit<RunNodeOptions, 'urls' | 'executionId'>,
	): Promise<WaitingRunner> {
		const holder: { runner?: WaitingRunner } = {};
		const server = http.createServer((req, res) => {
			void holder.runner?.handle(req, res);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
		holder.runner = new WaitingRunner(server, base, {
			...options,
			executionId: 'waiting-execution-1',
			urls: { instanceBaseUrl: base, webhookWaitingBaseUrl: `${base}webhook-waiting` },
		});
		return holder.runner;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** The URL `$execution.resumeUrl` gives the node. */
	get resumeUrl(): string {
		return `${this.baseUrl}webhook-waiting/${this.executionId}?signature=${RESUME_TOKEN}`;
	}

	/** The execution's custom data, as the node left it. */
	get customData(): Record<string, string> {
		const data = this.saved ? (JSON.parse(this.saved) as IRunExecutionData) : undefined;
		return { ...(data?.resultData.metadata ?? {}) };
	}

	private workflow(): Workflow {
		return new Workflow({
			id: this.workflowData.id,
			name: this.workflowData.name,
			nodes: this.workflowData.nodes,
			connections: this.workflowData.connections,
			nodeTypes: this.nodeTypes,
			active: false,
			settings: {},
		});
	}

	/** Runs the workflow until the execution parks or ends. */
	async runUntilWait(): Promise<NodeRunResult> {
		const workflow = this.workflow();
		const additionalData = additionalDataFor(this.options, this.workflowData);
		const execute = new WorkflowExecute(
			additionalData,
			'manual',
			createRunExecutionData({ resumeToken: RESUME_TOKEN }),
		);
		const run = await execute.run({
			workflow,
			startNode: workflow.getNode('Input') ?? undefined,
		});
		this.record(run, 'parked');
		return this.parked!;
	}

	/** Resolves when the execution went on after the wait and ended (or failed). */
	async waitForFinish(timeoutMs = 10_000): Promise<NodeRunResult> {
		if (this.finished || this.status === 'failed') return this.finished!;
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`the execution did not go on within ${timeoutMs} ms`)),
				timeoutMs,
			);
			this.finishedWaiters.push(() => {
				clearTimeout(timer);
				resolve();
			});
		});
		return this.finished!;
	}

	/** What n8n's WaitTracker does when the wait's time limit passes. */
	async resumeAfterTimeLimit(): Promise<NodeRunResult> {
		if (this.status !== 'waiting' || !this.saved) throw new Error('the execution is not waiting');
		this.status = 'running';
		const data = JSON.parse(this.saved) as IRunExecutionData;
		const run = await this.continueWith(data);
		this.record(run, 'finished');
		return this.finished!;
	}

	private async continueWith(data: IRunExecutionData): Promise<IRun> {
		const additionalData = additionalDataFor(this.options, this.workflowData);
		return await new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(
			this.workflow(),
		);
	}

	private record(run: IRun, phase: 'parked' | 'finished'): void {
		const result = resultOf(run);
		if (run.waitTill) {
			this.status = 'waiting';
			this.saved = JSON.stringify(run.data);
			this.parked = result;
			return;
		}
		this.status = result.error ? 'failed' : 'finished';
		if (phase === 'parked') this.parked = result;
		this.finished = result;
		for (const resolve of this.finishedWaiters.splice(0)) resolve();
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		this.onResumeRequest?.();
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const answer = expressLike(res, (status, body) => this.responses.push({ status, body }));
		const url = new URL(req.url ?? '/', this.baseUrl);
		const match = /^\/webhook-waiting\/([^/]+)\/?$/.exec(url.pathname);
		if (req.method !== 'POST' || !match || match[1] !== this.executionId) {
			answer.status(404).json({ message: 'The requested webhook is not registered.' });
			return;
		}
		if (url.searchParams.get('signature') !== RESUME_TOKEN) {
			answer.status(401).json({ error: 'Invalid token' });
			return;
		}
		if (this.status !== 'waiting' || !this.saved) {
			answer.status(409).json({
				message:
					this.status === 'running'
						? `The execution "${this.executionId}" is running already.`
						: `The execution "${this.executionId}" has finished already.`,
			});
			return;
		}

		// A fresh copy of the saved execution per request, as n8n loads it from its database.
		const data = JSON.parse(this.saved) as IRunExecutionData;
		data.executionData!.nodeExecutionStack[0].node.disabled = true;
		data.waitTill = undefined;
		// workflow-helpers.ts preserveInputOverride: the parked run of the node is dropped.
		data.resultData.runData[data.resultData.lastNodeExecuted as string]?.pop();
		const workflow = this.workflow();
		const node = workflow.getNode(data.resultData.lastNodeExecuted as string)!;
		const body = chunks.length
			? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown)
			: {};
		const request = Object.assign(req, {
			body,
			query: Object.fromEntries(url.searchParams),
			params: {},
		});
		const additionalData = {
			...additionalDataFor(this.options, this.workflowData),
			httpRequest: request,
			httpResponse: answer,
		} as unknown as ReturnType<typeof additionalDataFor>;
		const description = (this.options.nodeType.description as { webhooks: IWebhookDescription[] })
			.webhooks[0];
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: '',
			webhookDescription: description,
			workflowId: this.workflowData.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'manual',
			webhookData,
			[],
			data,
		);

		let result;
		try {
			result = await (this.options.nodeType as INodeType).webhook!.call(context);
		} catch (error) {
			// n8n: "Workflow Webhook Error" answered 500, and the execution ends with the error.
			this.webhookErrors.push(error as Error);
			if (!answer.headersSent) answer.status(500).json({ message: (error as Error).message });
			this.status = 'failed';
			for (const resolve of this.finishedWaiters.splice(0)) resolve();
			return;
		}
		if (result.workflowData === undefined) {
			if (!answer.headersSent && result.noWebhookResponse !== true) {
				answer.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			}
			return; // still waiting: the changed copy is dropped
		}

		this.status = 'running';
		// responseMode onReceived: the caller gets its answer before the execution goes on.
		if (!answer.headersSent) {
			answer.status(200).json((result.webhookResponse as IDataObject | undefined) ?? {});
		}
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.data.main = result.workflowData;
		entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
		try {
			this.record(await this.continueWith(data), 'finished');
		} catch (error) {
			this.webhookErrors.push(error as Error);
			this.status = 'failed';
			for (const resolve of this.finishedWaiters.splice(0)) resolve();
		}
	}
}

/** The few express Response methods used by n8n and nodes, on a plain ServerResponse. */
function expressLike(
	res: http.ServerResponse,
	record: (status: number, body: unknown) => void,
): http.ServerResponse & {
	status(code: number): ReturnType<typeof expressLike>;
	json(body: unknown): void;
} {
	const extended = res as ReturnType<typeof expressLike>;
	extended.status = (code: number) => {
		res.statusCode = code;
		return extended;
	};
	extended.json = (body: unknown) => {
		record(res.statusCode, body);
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify(body));
	};
	return extended;
}

export { NODE_UNDER_TEST };
