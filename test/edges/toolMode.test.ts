/**
 * The Edges node as an AI agent's tool, in n8n's engine against the simulator (issue 17). n8n runs the tool
 * variant as the node type `<name>Tool`; these tests give the node that name, as n8n's `convertNodeToAiTool`
 * does, and check what a model would get: the tool description and `$fromAI` fields, compact and bounded
 * results, "nothing found" as an empty result, and errors worded for a model. The same in a real n8n with
 * an AI Agent: e2e/agentTool.e2e.test.ts.
 */
import {
	NodeHelpers,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Edges } from '../../nodes/Edges/Edges.node';
import { EdgesRunOutputs } from '../../nodes/EdgesRunOutputs/EdgesRunOutputs.node';
import { ACTION_CATALOG, FIELD_DESCRIPTIONS } from '../../nodes/Edges/actionCatalog';
import { runNode, type NodeRunResult } from '../helpers/n8nRunner';
import { WaitingRunner } from '../helpers/waitingRunner';
import { DEFAULT_API_KEY, EdgesSimulator } from '../simulator';
import { action, json, posts, profile, runAsyncParams, runEdges } from './support';

/** Edges Run Outputs as n8n wraps it for an agent. */
class EdgesRunOutputsTool extends EdgesRunOutputs {
	constructor() {
		super();
		this.description = { ...this.description, name: `${this.description.name}Tool` };
	}
}

/** The node as n8n wraps it for an agent: same code, type name ending in `Tool`. */
class EdgesTool extends Edges {
	constructor() {
		super();
		this.description = {
			...this.description,
			name: `${this.description.name}Tool`,
			displayName: `${this.description.displayName} Tool`,
		};
	}
}

const toolDescription = new EdgesTool().description;

/** The parameters n8n resolves for a node (defaults filled in), as its Workflow class does. */
function resolved(description: INodeTypeDescription, parameters: INodeParameters): INodeParameters {
	const node = { name: 'Edges', type: description.name, typeVersion: 1, parameters } as INode;
	return NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		node,
		description,
	) as INodeParameters;
}

async function runTool(
	sim: EdgesSimulator,
	parameters: INodeParameters,
	input: IDataObject[] = [{}],
): Promise<NodeRunResult> {
	return await runNode({
		nodeType: new EdgesTool(),
		parameters,
		input,
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
	});
}

const live = (slug: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'action',
	operation: 'runLive',
	action: action(slug),
	...extra,
});

describe('Edges as an AI agent tool', () => {
	let sim: EdgesSimulator;
	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 17, stepMs: 1 });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.clearFaults();
		sim.clearRequests();
	});

	describe('what the model is told', () => {
		it('gives each catalog action its own tool description, and a $fromAI field with a description per input', () => {
			const seen = new Set<string>();
			for (const entry of ACTION_CATALOG) {
				for (const operation of ['runLive', 'runAsync']) {
					const params = resolved(toolDescription, {
						resource: 'action',
						operation,
						action: action(entry.slug),
					});
					const text = String(params.toolDescription);
					expect(text).toContain(entry.label);
					seen.add(text);
					for (const field of entry.requiredFields) {
						expect(String(params[`toolInput_${field}`])).toContain(
							`$fromAI('${field}', \`${FIELD_DESCRIPTIONS[field]}\``,
						);
					}
				}
			}
			expect(seen.size).toBe(ACTION_CATALOG.length * 2);
		});

		it('gives a described `action` field and lists the slugs when the model chooses the action', () => {
			const params = resolved(toolDescription, {
				resource: 'action',
				operation: 'runLive',
				actionFrom: 'model',
				action: action('linkedin-extract-people'),
			});
			for (const entry of ACTION_CATALOG) {
				expect(String(params.toolDescription)).toContain(entry.slug);
				expect(String(params.toolAction)).toContain(entry.slug);
			}
			expect(String(params.toolAction)).toContain("$fromAI('action'");
			expect(String(params.toolInputJson)).toContain("$fromAI('input'");
			expect(params.toolInput_linkedin_profile_url).toBeUndefined();
		});

		it('lists the catalog slugs where Action is a $fromAI of the editor', () => {
			const params = resolved(toolDescription, {
				resource: 'action',
				operation: 'runLive',
				action: { __rl: true, mode: 'slug', value: "={{ $fromAI('Action', '', 'string') }}" },
			});
			for (const entry of ACTION_CATALOG)
				expect(String(params.toolDescription)).toContain(entry.slug);
			expect(String(params.toolInputJson)).toContain("$fromAI('input'");
		});

		it('leaves the node outside an agent as it was: no tool parameter, the same defaults', () => {
			const params = resolved(new Edges().description, live('linkedin-extract-people'));
			expect(params.toolDescription).toBeUndefined();
			expect(params.inputSource).toBe('fields');
			expect(params.limit).toBe(50);
			const wait = resolved(new Edges().description, {
				resource: 'action',
				operation: 'runAsync',
				action: action('linkedin-extract-people'),
				waitForCompletion: true,
			});
			expect([wait.maxWait, wait.maxWaitUnit]).toEqual([24, 'hours']);
			const toolWait = resolved(toolDescription, {
				resource: 'action',
				operation: 'runAsync',
				action: action('linkedin-extract-people'),
				waitForCompletion: true,
			});
			expect([toolWait.maxWait, toolWait.maxWaitUnit]).toEqual([10, 'minutes']);
		});
	});

	describe('results', () => {
		it('answers one item with compact profiles, about 250 bytes each', async () => {
			const result = await runTool(
				sim,
				live('linkedin-extract-people', { toolInput_linkedin_profile_url: profile('jane-doe') }),
			);
			expect(result.error).toBeUndefined();
			const [answer] = json(result);
			expect(answer.result_count).toBe(1);
			const [person] = answer.results as IDataObject[];
			expect(Object.keys(person)).toEqual(
				expect.arrayContaining(['full_name', 'headline', 'location', 'linkedin_profile_url']),
			);
			expect(JSON.stringify(person).length).toBeLessThanOrEqual(300);
		});

		it('keeps a search to 10 results and under 8 KB by default, and says so', async () => {
			const result = await runTool(
				sim,
				live('linkedin-search-people', {
					toolInput_linkedin_people_search_url:
						'https://www.linkedin.com/search/results/people/?keywords=cto&sim_results=60',
				}),
			);
			expect(result.error).toBeUndefined();
			const [answer] = json(result);
			expect(answer.result_count).toBe(10);
			expect(answer.note).toMatch(/limit of the first 10 results/);
			expect(Buffer.byteLength(JSON.stringify(json(result)))).toBeLessThanOrEqual(8000);
			const average =
				(answer.results as IDataObject[]).reduce((sum, r) => sum + JSON.stringify(r).length, 0) /
				10;
			expect(average).toBeLessThanOrEqual(300);
		});

		it('cuts Full results at Max Result Size and says how many it kept', async () => {
			const result = await runTool(
				sim,
				live('linkedin-search-people', {
					toolInput_linkedin_people_search_url:
						'https://www.linkedin.com/search/results/people/?keywords=cto&sim_results=60',
					toolOutput: 'full',
					toolLimit: 50,
					toolMaxBytes: 3000,
				}),
			);
			const [answer] = json(result);
			expect(Buffer.byteLength(JSON.stringify(json(result)))).toBeLessThanOrEqual(3000);
			expect(answer.note).toMatch(/Cut to \d+ of 50 results to stay under 3000 bytes/);
		});

		it('runs the action the model chose with the input object it gave', async () => {
			const result = await runTool(sim, {
				resource: 'action',
				operation: 'runLive',
				actionFrom: 'model',
				toolAction: 'linkedin-find-profile-url',
				toolInputJson: '{"first_name": "Jane", "last_name": "Doe"}',
			});
			expect(result.error).toBeUndefined();
			expect(json(result)[0].results).toEqual([expect.objectContaining({ full_name: 'Jane Doe' })]);
			expect(posts(sim).map((r) => r.path)).toEqual([
				'/v1/actions/linkedin-find-profile-url/run/live',
			]);
		});

		it('answers "nothing found" (NO_RESULT) as an empty result, not an error', async () => {
			const result = await runTool(
				sim,
				live('linkedin-extract-people', { toolInput_linkedin_profile_url: profile('no-result') }),
			);
			expect(result.error).toBeUndefined();
			expect(json(result)).toEqual([
				expect.objectContaining({ result_count: 0, results: [], note: expect.any(String) }),
			]);
		});
	});

	describe('errors, worded for a model', () => {
		it('names the missing field and what it holds, without "Item 0"', async () => {
			const result = await runTool(
				sim,
				live('linkedin-extract-people', { toolInput_linkedin_profile_url: '' }),
			);
			expect(result.error?.message).toMatch(
				/^Edges error BAD_INPUT \(nothing was sent\): the input has no "linkedin_profile_url"/,
			);
			expect(result.error?.message).toContain('https://www.linkedin.com/in/jane-doe/');
			expect(result.error?.message).not.toMatch(/Item 0/);
			expect(posts(sim)).toHaveLength(0);
		});

		it('reports a long Retry-After at once as "Retry in N s" instead of sleeping through it', async () => {
			sim.injectFaults({
				kind: 'status',
				status: 429,
				retryAfter: '120',
				pathPrefix: '/actions/',
				count: 1,
			});
			const result = await runTool(
				sim,
				live('linkedin-extract-people', { toolInput_linkedin_profile_url: profile('jane') }),
			);
			expect(result.error?.message).toMatch(/^Edges error STATUS_429: .*Retry in 120 s\./);
			expect(posts(sim)).toHaveLength(1);
		});

		it.each([
			[402, 'NO_ACCESS', /Retrying will not help\. The Edges plan or credits/],
			[424, 'LK_ERROR', /Retrying will not help\. LinkedIn refused/],
			[424, 'LK_524', /Retrying can help\. LinkedIn timed out/],
			[401, 'UNAUTHORIZED', /fix the Edges credential/],
		])('%i %s: the label first, no HTTP path, and a next step', async (status, label, next) => {
			sim.injectFaults({ kind: 'status', status, label, pathPrefix: '/actions/', count: 1 });
			const result = await runTool(
				sim,
				live('linkedin-extract-people', { toolInput_linkedin_profile_url: profile('jane') }),
			);
			const message = result.error?.message ?? '';
			expect(message.startsWith(`Edges error ${label}: `)).toBe(true);
			expect(message).toMatch(next);
			expect(message).not.toMatch(/POST \/actions/);
		});
	});

	describe('Edges Run Outputs, the partner of a Run Async tool', () => {
		async function readAsTool(runUid: string) {
			return await runNode({
				nodeType: new EdgesRunOutputsTool(),
				parameters: { runUid },
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			});
		}

		it('answers a finished run with its status and compact results, and one still going with "call again"', async () => {
			sim.holdRuns(true);
			try {
				const started = await runEdges(sim, runAsyncParams('linkedin-extract-people'), [
					{ url: profile('ann-lee') },
				]);
				const uid = json(started)[0].run_uid as string;
				const early = json(await readAsTool(uid));
				expect(early).toEqual([
					expect.objectContaining({
						run_uid: uid,
						result_count: 0,
						note: expect.stringMatching(/call this tool again/i),
					}),
				]);
				await sim.finishRun(uid);
				const [answer] = json(await readAsTool(uid));
				expect(answer).toEqual(
					expect.objectContaining({ run_uid: uid, status: 'SUCCEEDED', result_count: 1 }),
				);
				expect(JSON.stringify((answer.results as IDataObject[])[0]).length).toBeLessThanOrEqual(
					300,
				);
			} finally {
				sim.holdRuns(false);
			}
		});

		it('tells the model its run_uid is unknown, with a next step', async () => {
			const result = await readAsTool('no-such-run');
			expect(result.error?.message).toMatch(/^Edges error NOT_FOUND: .*Retrying will not help\./);
		});

		it('gives the model a described run_uid field and a tool description', () => {
			const description = new EdgesRunOutputsTool().description;
			const params = resolved(description, {});
			expect(String(params.runUid)).toContain("$fromAI('run_uid', `The run_uid");
			expect(String(params.toolDescription)).toContain('run_uid');
			const outside = resolved(new EdgesRunOutputs().description, {});
			expect([outside.runUid, outside.returnAll, outside.toolDescription]).toEqual([
				'={{ $json.run_uid }}',
				true,
				undefined,
			]);
		});
	});

	describe('Run Async with Wait for Completion', () => {
		it('answers the model with compact results, summary fields kept', async () => {
			sim.endRunsOnCreation('SUCCEEDED');
			const runner = await WaitingRunner.start({
				nodeType: new EdgesTool(),
				parameters: {
					resource: 'action',
					operation: 'runAsync',
					action: action('linkedin-extract-people'),
					waitForCompletion: true,
					toolInput_linkedin_profile_url: profile('ann-lee'),
				},
				input: [{}],
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			});
			try {
				const result = await runner.runUntilWait();
				await sim.waitForIdle();
				expect(result.error).toBeUndefined();
				const [item] = json(result);
				expect(item).toEqual(expect.objectContaining({ status: 'SUCCEEDED', result_count: 1 }));
				const [person] = item.results as IDataObject[];
				expect(person.linkedin_profile_url).toBe(profile('ann-lee'));
				expect(person.profile_image_url).toBeUndefined();
				expect(JSON.stringify(person).length).toBeLessThanOrEqual(300);
			} finally {
				sim.endRunsOnCreation(null);
				await runner.stop();
			}
		});

		it('keeps a large run under 8 KB and says how many results it left out', async () => {
			sim.endRunsOnCreation('SUCCEEDED');
			const runner = await WaitingRunner.start({
				nodeType: new EdgesTool(),
				parameters: {
					resource: 'action',
					operation: 'runAsync',
					action: action('linkedin-search-people'),
					waitForCompletion: true,
					toolInput_linkedin_people_search_url:
						'https://www.linkedin.com/search/results/people/?keywords=cto&sim_results=80',
					options: { maxResults: 80 },
				},
				input: [{}],
				credentials: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl },
			});
			try {
				const result = await runner.runUntilWait();
				await sim.waitForIdle();
				expect(result.error).toBeUndefined();
				const answer = json(result);
				expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThanOrEqual(8000);
				const kept = (answer[0].results as IDataObject[]).length;
				expect(kept).toBeGreaterThan(0);
				expect(answer[0].note).toBe(
					`${80 - kept} results were left out to keep this answer under 8000 bytes; read them all with the Edges Run Outputs tool and the run_uid.`,
				);
			} finally {
				sim.endRunsOnCreation(null);
				await runner.stop();
			}
		});
	});
});
