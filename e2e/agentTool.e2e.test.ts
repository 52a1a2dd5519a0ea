/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/**
 * Issue 17 in a real n8n 2.41.1: the Edges node as a tool of n8n's own AI Agent (v3.1), with an
 * OpenAI-compatible chat model node (lmChatOpenAi, base URL in its credential) served by a fake model in
 * this file, against the Edges simulator. The fake model records every request n8n sends it (the tools'
 * names, descriptions and JSON schemas, and the tool messages) and answers with the tool call the test
 * scripts, then with a final text. So the test reads exactly what a model gets from the Edges tools.
 *
 * Targets: every tool description and field description non-empty; two Edges tools on one agent distinct;
 * Compact results <= 300 bytes per profile on average; one tool call <= 8 KB by default; every Edges error
 * label of docs/edges-api.md §5 reaches the model as a message with the label and a next step.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { executionError, postWebhook, type N8nNode, type TestN8n } from './harness';
import {
	credentialRef,
	profile,
	startSimulatedEdgesInN8n,
	stopSimulatedEdgesInN8n,
	webhookNode,
	type CredentialRef,
} from './support';
import { ACTION_CATALOG } from '../nodes/Edges/actionCatalog';
import type { EdgesSimulator } from '../test/simulator';

interface ChatRequest {
	messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
	tools?: Array<{
		type: string;
		function: { name: string; description?: string; parameters?: JsonSchema };
	}>;
	stream?: boolean;
}

interface JsonSchema {
	type?: string;
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	anyOf?: JsonSchema[];
}

/** A model that calls the tool it is told to, once, then answers "done"; it keeps every request. */
class FakeModel {
	readonly requests: ChatRequest[] = [];
	next: { tool: string; args: Record<string, unknown> } | undefined;
	private server!: http.Server;
	url = '';

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				if (!req.url?.endsWith('/chat/completions')) {
					res.writeHead(404, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
					return;
				}
				const request = JSON.parse(body) as ChatRequest;
				this.requests.push(request);
				const last = request.messages[request.messages.length - 1];
				const call = last?.role !== 'tool' ? this.next : undefined;
				this.answer(res, request.stream === true, call);
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	/** Tool messages of the requests since `from` (what the tools answered). */
	toolMessages(from = 0): string[] {
		return this.requests
			.slice(from)
			.flatMap((request) => request.messages.filter((m) => m.role === 'tool'))
			.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
	}

	private answer(
		res: http.ServerResponse,
		stream: boolean,
		call: { tool: string; args: Record<string, unknown> } | undefined,
	): void {
		const id = `chatcmpl-${randomUUID()}`;
		const toolCalls = call
			? [
					{
						id: `call_${randomUUID().slice(0, 8)}`,
						type: 'function',
						function: { name: call.tool, arguments: JSON.stringify(call.args) },
					},
				]
			: undefined;
		const message = call
			? { role: 'assistant', content: null, tool_calls: toolCalls }
			: { role: 'assistant', content: 'done' };
		const finish = call ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
		if (!stream) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created: 0,
					model: 'fake-model',
					choices: [{ index: 0, message, finish_reason: finish }],
					usage,
				}),
			);
			return;
		}
		res.writeHead(200, { 'content-type': 'text/event-stream' });
		const chunk = (delta: unknown, finishReason: string | null) =>
			`data: ${JSON.stringify({
				id,
				object: 'chat.completion.chunk',
				created: 0,
				model: 'fake-model',
				choices: [{ index: 0, delta, finish_reason: finishReason }],
			})}\n\n`;
		const delta = call
			? {
					role: 'assistant',
					content: null,
					tool_calls: toolCalls!.map((c, index) => ({ index, ...c })),
				}
			: { role: 'assistant', content: 'done' };
		res.write(chunk(delta, null));
		res.write(chunk({}, finish));
		res.end('data: [DONE]\n\n');
	}
}

const AGENT = '@n8n/n8n-nodes-langchain.agent';
const MODEL = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
const EDGES_TOOL = 'n8n-nodes-edges.edgesTool';
const RUN_OUTPUTS_TOOL = 'n8n-nodes-edges.edgesRunOutputsTool';

let x = 0;
const at = (): [number, number] => [(x++ % 6) * 220, 300];

function edgesTool(
	cred: CredentialRef,
	name: string,
	parameters: Record<string, unknown>,
): N8nNode {
	return {
		name,
		type: EDGES_TOOL,
		typeVersion: 1,
		position: at(),
		parameters,
		credentials: { edgesApi: cred },
	};
}

const liveTool = (slug: string, extra: Record<string, unknown> = {}) => ({
	resource: 'action',
	operation: 'runLive',
	action: { __rl: true, mode: 'list', value: slug },
	...extra,
});

/** The JSON schema n8n gave the model for a tool, by tool name. */
function toolSchema(request: ChatRequest, name: string) {
	const tool = request.tools?.find((t) => t.function.name === name);
	if (!tool) {
		throw new Error(
			`no tool ${name} in ${JSON.stringify(request.tools?.map((t) => t.function.name))}`,
		);
	}
	return tool.function;
}

describe('Issue 17 in a real n8n: Edges as an AI Agent tool', () => {
	let t: TestN8n;
	let sim: EdgesSimulator;
	let cred: CredentialRef;
	const model = new FakeModel();
	/** Runs the agent once; resolves with n8n's error messages of the execution (a failed tool's too). */
	let start: (prompt: string) => Promise<string | undefined>;
	let workflowId: string;
	let executions = 0;

	beforeAll(async () => {
		await model.start();
		({ sim, t, cred } = await startSimulatedEdgesInN8n(17));
		const openAi = credentialRef(
			await t.api.createCredential({
				name: 'Fake model',
				type: 'openAiApi',
				data: { apiKey: 'sk-fake', url: model.url, header: false },
			}),
		);
		const path = `agent-${randomUUID()}`;
		const nodes: N8nNode[] = [
			webhookNode(path),
			{
				name: 'AI Agent',
				type: AGENT,
				typeVersion: 3.1,
				position: at(),
				parameters: { promptType: 'define', text: '={{ $json.body.prompt }}', options: {} },
			},
			{
				name: 'Model',
				type: MODEL,
				typeVersion: 1.2,
				position: at(),
				parameters: { model: { __rl: true, mode: 'id', value: 'fake-model' }, options: {} },
				credentials: { openAiApi: openAi },
			},
			// The README's recipe: one tool per action, named for what it does.
			edgesTool(cred, 'Extract LinkedIn Profile', liveTool('linkedin-extract-people')),
			edgesTool(cred, 'Search LinkedIn People', liveTool('linkedin-search-people')),
			// The model chooses the action from the catalog (Action Chosen By › The Model).
			edgesTool(cred, 'Edges Any Action', {
				resource: 'action',
				operation: 'runLive',
				actionFrom: 'model',
			}),
			// Run Async with Wait for Completion, and its partner for runs that outlast the wait.
			edgesTool(cred, 'Enrich Profile And Wait', {
				resource: 'action',
				operation: 'runAsync',
				action: { __rl: true, mode: 'list', value: 'linkedin-extract-people' },
				waitForCompletion: true,
				// 3 s: n8n's wait tracker then resumes within its next minute.
				maxWait: 0.05,
			}),
			{
				name: 'Read Run Results',
				type: RUN_OUTPUTS_TOOL,
				typeVersion: 1,
				position: at(),
				parameters: {},
				credentials: { edgesApi: cred },
			},
		];
		const tools = [
			'Extract LinkedIn Profile',
			'Search LinkedIn People',
			'Edges Any Action',
			'Enrich Profile And Wait',
			'Read Run Results',
		];
		const workflow = await t.api.createWorkflow({
			name: 'Agent with Edges tools',
			nodes,
			// What n8n's editor gives a new workflow. The legacy order (v0) resumes the agent before its tool
			// has run, and the model then gets "" as every tool's answer.
			settings: { executionOrder: 'v1' },
			connections: {
				Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
				Model: { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
				...Object.fromEntries(
					tools.map((tool) => [
						tool,
						{ ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
					]),
				),
			},
		});
		workflowId = workflow.id;
		await t.api.activateWorkflow(workflow.id);
		start = async (prompt: string) => {
			await postWebhook(t.n8n.webhookUrl(path), { prompt });
			executions++;
			const all = await t.api.waitForExecutions(workflowId, executions, { timeoutMs: 180_000 });
			const newest = all.sort((a, b) => Number(b.id) - Number(a.id))[0];
			return executionError(newest);
		};
	});

	afterAll(async () => {
		await model.stop();
		await stopSimulatedEdgesInN8n(sim);
	});

	afterEach(() => {
		sim.clearFaults();
		model.next = undefined;
	});

	/**
	 * One agent turn that calls `tool` with `args`; resolves with what the tool answered the model. A tool
	 * that fails is recorded as a failed node, and n8n goes on with the agent (an AI tool continues on error
	 * by default), so the execution is checked for errors only where success is expected.
	 */
	async function callTool(
		tool: string,
		args: Record<string, unknown>,
		expectSuccess = true,
	): Promise<string> {
		const from = model.requests.length;
		model.next = { tool, args };
		const error = await start(`call ${tool}`);
		if (expectSuccess) expect(error).toBeUndefined();
		const answers = model.toolMessages(from);
		expect(answers).toHaveLength(1);
		return answers[0];
	}

	it('tells the model what each tool does and what every field holds; two Edges tools differ', async () => {
		const from = model.requests.length;
		expect(await start('hello')).toBeUndefined();
		const request = model.requests[from];
		const profileTool = toolSchema(request, 'Extract_LinkedIn_Profile');
		const searchTool = toolSchema(request, 'Search_LinkedIn_People');
		const anyTool = toolSchema(request, 'Edges_Any_Action');
		const waitTool = toolSchema(request, 'Enrich_Profile_And_Wait');
		const readTool = toolSchema(request, 'Read_Run_Results');
		for (const tool of [profileTool, searchTool, anyTool, waitTool, readTool]) {
			expect(tool.description?.trim()).toBeTruthy();
			for (const [key, field] of Object.entries(tool.parameters?.properties ?? {})) {
				expect([key, field.description?.trim()]).toEqual([key, expect.any(String)]);
				expect(field.description!.length).toBeGreaterThan(10);
			}
		}
		expect(profileTool.description).not.toEqual(searchTool.description);
		expect(profileTool.description).toContain('Extract People');
		expect(Object.keys(profileTool.parameters?.properties ?? {})).toEqual(['linkedin_profile_url']);
		expect(profileTool.parameters?.properties?.linkedin_profile_url.type).toBe('string');
		expect(Object.keys(searchTool.parameters?.properties ?? {})).toEqual([
			'linkedin_people_search_url',
		]);
		// Where the model picks the action, the description lists every catalog slug, and `input` is typed.
		for (const entry of ACTION_CATALOG) expect(anyTool.description).toContain(entry.slug);
		expect(Object.keys(anyTool.parameters?.properties ?? {}).sort()).toEqual(['action', 'input']);
		expect(JSON.stringify(anyTool.parameters?.properties?.input)).toContain('object');
		process.stdout.write(
			`[agentTool] tool descriptions: ${JSON.stringify({ profile: profileTool.description, search: searchTool.description })}\n`,
		);
	});

	it('answers a profile in under 300 bytes and a search of 25 under 8 KB by default', async () => {
		const one = await callTool('Extract_LinkedIn_Profile', {
			linkedin_profile_url: profile('jane-doe'),
		});
		const [profileAnswer] = JSON.parse(one) as Array<{ results: unknown[]; result_count: number }>;
		expect(profileAnswer.result_count).toBe(1);
		const profileBytes = Buffer.byteLength(JSON.stringify(profileAnswer.results[0]));
		expect(profileBytes).toBeLessThanOrEqual(300);

		const search = await callTool('Search_LinkedIn_People', {
			linkedin_people_search_url:
				'https://www.linkedin.com/search/results/people/?keywords=cto&sim_results=25',
		});
		const searchBytes = Buffer.byteLength(search);
		const [searchAnswer] = JSON.parse(search) as Array<{ results: unknown[]; note?: string }>;
		expect(searchBytes).toBeLessThanOrEqual(8000);
		expect(searchAnswer.results).toHaveLength(10);
		expect(searchAnswer.note).toMatch(/limit of the first 10/);
		const average =
			searchAnswer.results.reduce<number>(
				(sum, r) => sum + Buffer.byteLength(JSON.stringify(r)),
				0,
			) / searchAnswer.results.length;
		expect(average).toBeLessThanOrEqual(300);
		process.stdout.write(
			`[agentTool] one profile: ${profileBytes} B; search tool message: ${searchBytes} B, ${average.toFixed(0)} B per profile\n`,
		);
	});

	it('runs the action the model chose from the catalog, with its input object', async () => {
		const answer = await callTool('Edges_Any_Action', {
			action: 'linkedin-find-profile-url',
			input: { first_name: 'Jane', last_name: 'Doe' },
		});
		expect(JSON.parse(answer)).toEqual([
			expect.objectContaining({
				result_count: 1,
				results: [expect.objectContaining({ full_name: 'Jane Doe' })],
			}),
		]);
	});

	it('answers "nothing found" as an empty result, not an error', async () => {
		const answer = await callTool('Extract_LinkedIn_Profile', {
			linkedin_profile_url: profile('no-result'),
		});
		expect(JSON.parse(answer)).toEqual([expect.objectContaining({ result_count: 0, results: [] })]);
	});

	// Every label docs/edges-api.md §5 lists (NO_RESULT above), and the simulator's for 401 and 404.
	const LABELS: Array<[number, string, RegExp]> = [
		[400, 'BAD_INPUT', /Retrying will not help\. Fix the input/],
		[402, 'NO_ACCESS', /Retrying will not help\. The Edges plan or credits/],
		[409, 'LIMIT_REACHED', /Retry (in \d+ s|later).*daily limit/],
		[429, 'STATUS_429', /Retry in 90 s\./],
		[424, 'LK_524', /Retrying can help\. LinkedIn timed out/],
		[424, 'PROXY_ERROR', /Retrying can help\./],
		[424, 'LK_ERROR', /Retrying will not help\. LinkedIn refused/],
		[424, 'NO_VALID_ACCOUNT_CONFIGURED', /Retrying will not help\. No usable LinkedIn identity/],
		[422, 'ACTION_ABORTED', /Retrying will not help\. Edges stopped the action/],
		[401, 'UNAUTHORIZED', /Retrying will not help\. .*fix the Edges credential/],
		[404, 'NOT_FOUND', /Retrying will not help\. .*check the uid, or the action slug/],
	];

	it.each(LABELS)(
		'an Edges %i %s reaches the model with its label and a next step',
		async (status, label, next) => {
			sim.injectFaults({
				kind: 'status',
				status,
				label,
				pathPrefix: '/actions/',
				count: 1,
				...(status === 429 ? { retryAfter: '90' } : {}),
			});
			const message = await callTool(
				'Extract_LinkedIn_Profile',
				{ linkedin_profile_url: profile('jane') },
				false,
			);
			expect(message).toContain(`Edges error ${label}: `);
			expect(message).toMatch(next);
			expect(message).not.toMatch(/POST \/actions/);
			process.stdout.write(`[agentTool] ${label}: ${message}\n`);
		},
	);

	it('a missing field names the field and its format, not "Item 0"', async () => {
		const message = await callTool('Extract_LinkedIn_Profile', { linkedin_profile_url: '' }, false);
		expect(message).toContain('Edges error BAD_INPUT (nothing was sent)');
		expect(message).toContain('linkedin_profile_url');
		expect(message).not.toMatch(/Item 0/);
	});

	it('Wait for Completion parks the agent until the run ends, and the model gets the results', async () => {
		const answer = await callTool('Enrich_Profile_And_Wait', {
			linkedin_profile_url: profile('wait-for-me'),
		});
		const [item] = JSON.parse(answer) as Array<{ results?: Array<Record<string, unknown>> }>;
		expect(item.results?.[0]).toEqual(
			expect.objectContaining({ linkedin_profile_url: profile('wait-for-me') }),
		);
		// Compact, as Run Live: the profile's picture URL and other fields an agent does not need are gone.
		expect(item.results?.[0].profile_image_url).toBeUndefined();
		expect(Buffer.byteLength(JSON.stringify(item.results?.[0]))).toBeLessThanOrEqual(300);
		process.stdout.write(`[agentTool] wait tool message: ${Buffer.byteLength(answer)} B\n`);
	});

	it('a wait that ends first tells the model to read the run with the Run Outputs tool, which then does', async () => {
		sim.holdRuns(true);
		let runUid: string;
		try {
			const answer = await callTool('Enrich_Profile_And_Wait', {
				linkedin_profile_url: profile('slow-run'),
			});
			const [item] = JSON.parse(answer) as Array<{ run_uid: string; message: string }>;
			runUid = item.run_uid;
			expect(item.message).toContain(`call the Edges Run Outputs tool with run_uid "${runUid}"`);
			process.stdout.write(`[agentTool] wait timeout: ${item.message}\n`);
			const early = JSON.parse(await callTool('Read_Run_Results', { run_uid: runUid }));
			expect(early[0].note).toMatch(/call this tool again/i);
			await sim.finishRun(runUid);
		} finally {
			sim.holdRuns(false);
		}
		const later = JSON.parse(await callTool('Read_Run_Results', { run_uid: runUid }));
		expect(later).toEqual([
			expect.objectContaining({ run_uid: runUid, status: 'SUCCEEDED', result_count: 1 }),
		]);
	}, 240_000);
});
