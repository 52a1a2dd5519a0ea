// Only real Edges callbacks of the credential's workspace start executions: the secret header is checked
// first, the body next, and the run last, with Edges. Refusals say what is wrong and never echo a secret.
import { CALLBACK_SECRET_HEADER, deriveCallbackSecret } from '../../nodes/shared/callbackSecret';
import type { WebhookHarness } from '../helpers/webhookHarness';
import { DEFAULT_API_KEY, EdgesSimulator, OTHER_API_KEY } from '../simulator';
import {
	DERIVED_SECRET,
	finalCallback,
	postToTrigger,
	runLookups,
	SECRET_HEADERS,
	startRun,
	startTrigger,
} from './setup';

describe('Edges Trigger: authentication and bad input', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness;
	let succeededRun: string;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({
			seed: 43,
			stepMs: 1,
			callbackRetry: { attempts: 2, delayMs: 10 },
		});
		succeededRun = simulator.seedRun({ action: 'linkedin-extract-people', outputs: 2 });
	});
	afterAll(async () => {
		await simulator.stop();
	});
	beforeEach(() => simulator.clearRequests());
	afterEach(async () => {
		await harness?.stop();
	});

	function expectNoSecretIn(value: unknown) {
		const text = JSON.stringify(value);
		expect(text).not.toContain(DERIVED_SECRET);
		expect(text).not.toContain(DEFAULT_API_KEY);
	}

	it('answers 401 to a run whose callback has no secret header, and starts nothing', async () => {
		harness = await startTrigger(simulator);
		const uid = await startRun(simulator, harness.webhookUrl, { headers: {} });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries.length).toBe(2); // the first attempt and Edges' retry
		expect(deliveries.every((d) => d.status === 401)).toBe(true);
		expect(harness.executions).toHaveLength(0);
		expect(harness.failedExecutions).toHaveLength(0);
		// Checked before anything else: no confirmation was asked from Edges.
		expect(runLookups(simulator, uid)).toBe(0);
		expect(String((harness.responses[0].body as { message: string }).message)).toContain(
			CALLBACK_SECRET_HEADER,
		);
		expectNoSecretIn(harness.responses);
	});

	it('answers 401 to a wrong secret', async () => {
		harness = await startTrigger(simulator);
		const uid = await startRun(simulator, harness.webhookUrl, {
			headers: { [CALLBACK_SECRET_HEADER]: deriveCallbackSecret(OTHER_API_KEY) },
		});
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		expect(simulator.deliveries.filter((d) => d.runUid === uid).map((d) => d.status)).toEqual([
			401, 401,
		]);
		expect(harness.executions).toHaveLength(0);
		expect(runLookups(simulator, uid)).toBe(0);
		expectNoSecretIn(harness.responses);
	});

	it('checks the secret before the body', async () => {
		harness = await startTrigger(simulator);
		const answer = await postToTrigger(harness, 'not json at all', {
			'Content-Type': 'text/plain',
		});
		expect(answer.status).toBe(401);
	});

	it('refuses a callback for a run the workspace does not have', async () => {
		harness = await startTrigger(simulator);
		// A run of another workspace, whose caller knows our secret: Edges (GET /runs) has the last word.
		const uid = await startRun(simulator, harness.webhookUrl, { apiKey: OTHER_API_KEY });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();

		const deliveries = simulator.deliveries.filter((d) => d.runUid === uid);
		expect(deliveries.map((d) => d.status)).toEqual([403, 403]);
		expect(harness.executions).toHaveLength(0);
		expect(harness.failedExecutions).toHaveLength(0);
		expect(runLookups(simulator, uid)).toBeGreaterThanOrEqual(1);
		expect(String((harness.responses[0].body as { message: string }).message)).toContain(uid);

		const madeUp = await postToTrigger(
			harness,
			JSON.stringify(finalCallback('00000000-0000-4000-8000-000000000000', 'SUCCEEDED', 'x1')),
			SECRET_HEADERS,
		);
		expect(madeUp.status).toBe(403);
		expect(harness.executions).toHaveLength(0);
	});

	it('accepts a custom secret in a custom header, and only that', async () => {
		harness = await startTrigger(simulator, {
			authentication: 'custom',
			customSecret: 'correct horse battery staple',
			authHeaderName: 'X-My-Secret',
		});
		const refused = await startRun(simulator, harness.webhookUrl); // sends the derived secret
		const accepted = await startRun(simulator, harness.webhookUrl, {
			headers: { 'X-My-Secret': 'correct horse battery staple' },
		});
		await simulator.waitForRun(refused, ['SUCCEEDED']);
		await simulator.waitForRun(accepted, ['SUCCEEDED']);
		await simulator.waitForIdle();
		expect(simulator.deliveries.find((d) => d.runUid === refused)?.status).toBe(401);
		expect(simulator.deliveries.find((d) => d.runUid === accepted)?.status).toBe(200);
		expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([accepted]);
		expect(JSON.stringify(harness.executions)).not.toContain('correct horse');
		expect(JSON.stringify(harness.responses)).not.toContain('correct horse');
	});

	it('refuses everything while the custom secret is empty', async () => {
		harness = await startTrigger(simulator, { authentication: 'custom', customSecret: '' });
		const answer = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(succeededRun, 'SUCCEEDED', 'empty-secret')),
			{ [CALLBACK_SECRET_HEADER]: '' },
		);
		expect(answer.status).toBe(401);
		expect(harness.executions).toHaveLength(0);
	});

	it('with authentication None, still confirms every run with Edges', async () => {
		harness = await startTrigger(simulator, { authentication: 'none' });
		const uid = await startRun(simulator, harness.webhookUrl, { headers: {} });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([uid]);
		const forged = await postToTrigger(
			harness,
			JSON.stringify(finalCallback('00000000-0000-4000-8000-000000000001', 'SUCCEEDED', 'f')),
		);
		expect(forged.status).toBe(403);
		expect(harness.executions).toHaveLength(1);
	});

	it('puts no secret in items', async () => {
		harness = await startTrigger(simulator);
		const uid = await startRun(simulator, harness.webhookUrl);
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		expect(harness.executions).toHaveLength(1);
		expectNoSecretIn(harness.executions);

		// Even one a caller put in custom_data.
		const answer = await postToTrigger(
			harness,
			JSON.stringify({
				...finalCallback(uid, 'SUCCEEDED', 'leaky'),
				custom_data: { note: `secret is ${DERIVED_SECRET}` },
			}),
			SECRET_HEADERS,
		);
		expect(answer.status).toBe(200);
		expect(harness.executions).toHaveLength(2);
		expect(harness.executions[1].items[0].json.custom_data).toEqual({
			note: 'secret is [redacted]',
		});
		expectNoSecretIn(harness.executions);
	});

	describe('malformed bodies get a 4xx that says what is wrong, and no execution', () => {
		const cases: Array<[string, string, string, number, RegExp]> = [
			['text that is not JSON', 'text/plain', 'hello', 400, /not JSON/],
			['JSON with a broken end', 'text/plain', '{"run": {', 400, /not JSON/],
			['an unknown content type', 'application/octet-stream', '\u0000\u0001', 400, /not JSON/],
			['an empty body', 'application/json', '', 400, /no body/],
			// n8n parses application/json itself and answers 422 before the node runs.
			['broken JSON sent as application/json', 'application/json', '{"run": ', 422, /parse/],
			['a JSON array', 'application/json', '[1, 2]', 400, /array/],
			['a JSON string', 'text/plain', '"SUCCEEDED"', 400, /not an Edges callback/],
			['an object without run', 'application/json', '{"callback_ref_uid": "r"}', 400, /run/],
			[
				'an unknown run status',
				'application/json',
				JSON.stringify(finalCallback('some-run', 'DONE', 'r2')),
				400,
				/run\.status/,
			],
			[
				'a callback without a reference',
				'application/json',
				JSON.stringify({ run: { run_uid: 'some-run', status: 'SUCCEEDED' } }),
				400,
				/X-Callback-Ref/,
			],
		];

		it.each(cases)('%s', async (_label, contentType, body, status, message) => {
			harness = await startTrigger(simulator);
			const answer = await postToTrigger(harness, body, {
				...SECRET_HEADERS,
				'Content-Type': contentType,
			});
			expect(answer.status).toBe(status);
			expect(String(answer.body.message)).toMatch(message);
			expect(harness.executions).toHaveLength(0);
			expect(harness.failedExecutions).toHaveLength(0);
			expect(runLookups(simulator)).toBe(0);
		});

		it('a header ref that disagrees with the body', async () => {
			harness = await startTrigger(simulator);
			const answer = await postToTrigger(
				harness,
				JSON.stringify(finalCallback(succeededRun, 'SUCCEEDED', 'in-body')),
				{ ...SECRET_HEADERS, 'X-Callback-Ref': 'in-header' },
			);
			expect(answer.status).toBe(400);
			expect(String(answer.body.message)).toMatch(/differ/);
			expect(harness.executions).toHaveLength(0);
		});

		it('a well-formed callback sent as text/plain is accepted', async () => {
			harness = await startTrigger(simulator);
			const answer = await postToTrigger(
				harness,
				JSON.stringify(finalCallback(succeededRun, 'SUCCEEDED', 'plain-text-ref')),
				{ ...SECRET_HEADERS, 'Content-Type': 'text/plain' },
			);
			expect(answer.status).toBe(200);
			expect(harness.executions).toHaveLength(1);
		});
	});

	it('fails the delivery (500, failed execution, Edges retries) when Edges cannot confirm the run', async () => {
		harness = await startTrigger(simulator);
		simulator.injectFaults({
			kind: 'status',
			status: 503,
			pathPrefix: `/runs/${succeededRun}`,
			count: 3,
		});
		const first = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(succeededRun, 'SUCCEEDED', 'edges-down')),
			SECRET_HEADERS,
		);
		expect(first.status).toBe(500);
		expect(harness.executions).toHaveLength(0);
		expect(harness.failedExecutions).toHaveLength(1);
		expect(harness.failedExecutions[0].error.message).toContain('503');
		expectNoSecretIn(harness.failedExecutions.map((f) => f.error.message));

		// Not remembered: the retry is processed.
		const retry = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(succeededRun, 'SUCCEEDED', 'edges-down')),
			SECRET_HEADERS,
		);
		expect(retry.status).toBe(200);
		expect(harness.executions).toHaveLength(1);
	});
});
