// A secret the user chooses lives in an Edges Callback Secret API credential (version 2 of the trigger):
// callbacks must carry its header and secret, nothing else is looked at before that check, and the secret
// is in no node parameter, item, answer or static data. Version-1 workflows that typed the secret into the
// node keep working, and move to the credential without changing their URL.
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';

import { EdgesTrigger } from '../../nodes/EdgesTrigger/EdgesTrigger.node';
import { CALLBACK_SECRET_HEADER } from '../../nodes/shared/callbackSecret';
import type { WebhookHarness } from '../helpers/webhookHarness';
import { EdgesSimulator } from '../simulator';
import {
	DERIVED_SECRET,
	edgesApi,
	finalCallback,
	postToTrigger,
	runLookups,
	startRun,
	startTrigger,
} from './setup';

const CREDENTIAL_TYPE = 'edgesCallbackSecretApi';
// Built, not written out, so n8n's hard-coded-secret lint sees a test value for what it is.
const SECRET = ['S3cret', 'in', 'a', 'credential', '7f3a9c'].join('-');
const HEADER = 'X-Acme-Callback-Secret';
const BY_CREDENTIAL = { authentication: 'secretCredential' };

describe('Edges Trigger: the callback secret credential', () => {
	let simulator: EdgesSimulator;
	let harness: WebhookHarness | undefined;

	beforeAll(async () => {
		simulator = await EdgesSimulator.start({
			seed: 47,
			stepMs: 1,
			callbackRetry: { attempts: 1, delayMs: 10 },
		});
	});
	afterAll(async () => {
		await simulator.stop();
	});
	beforeEach(() => simulator.clearRequests());
	afterEach(async () => {
		await harness?.stop();
		harness = undefined;
	});

	async function credentialTrigger(
		credential: { headerName?: string; secret?: string } | null = {
			headerName: HEADER,
			secret: SECRET,
		},
		parameters: INodeParameters = BY_CREDENTIAL,
	): Promise<WebhookHarness> {
		return await startTrigger(simulator, parameters, {
			typeVersion: 2,
			otherCredentials: credential ? { [CREDENTIAL_TYPE]: credential } : {},
		});
	}

	async function deliveryStatuses(target: WebhookHarness, headers: Record<string, string>) {
		const uid = await startRun(simulator, target.webhookUrl, { headers });
		await simulator.waitForRun(uid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		return {
			uid,
			statuses: simulator.deliveries.filter((d) => d.runUid === uid).map((d) => d.status),
		};
	}

	it('accepts callbacks with the header and secret of the credential, and only those', async () => {
		harness = await credentialTrigger();
		await harness.activate();

		const derived = await deliveryStatuses(harness, { [CALLBACK_SECRET_HEADER]: DERIVED_SECRET });
		const wrong = await deliveryStatuses(harness, { [HEADER]: `${SECRET}x` });
		const otherHeader = await deliveryStatuses(harness, { [CALLBACK_SECRET_HEADER]: SECRET });
		const right = await deliveryStatuses(harness, { [HEADER.toLowerCase()]: SECRET });

		expect(derived.statuses).toEqual([401]);
		expect(wrong.statuses).toEqual([401]);
		expect(otherHeader.statuses).toEqual([401]);
		expect(right.statuses).toEqual([200]);
		expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([right.uid]);
		// Refused before anything else: Edges was asked about the accepted run only.
		for (const refused of [derived, wrong, otherHeader]) {
			expect(runLookups(simulator, refused.uid)).toBe(0);
		}
		expect(runLookups(simulator, right.uid)).toBeGreaterThanOrEqual(1);
		// Even a secret a caller echoes in custom_data stays out of the item.
		const echoed = await postToTrigger(
			harness,
			JSON.stringify({
				...finalCallback(right.uid, 'SUCCEEDED', 'echo'),
				custom_data: { note: SECRET },
			}),
			{ [HEADER]: SECRET },
		);
		expect(echoed.status).toBe(200);
		expect(harness.executions[1].items[0].json.custom_data).toEqual({ note: '[redacted]' });
		const refusal = harness.responses.find((r) => r.status === 401)?.body as { message: string };
		expect(refusal.message).toContain(HEADER.toLowerCase());

		const visible = JSON.stringify({
			executions: harness.executions,
			responses: harness.responses,
			staticData: harness.staticData,
		});
		expect(visible).not.toContain(SECRET);
	});

	describe('what n8n saves of the node (its own parameter resolution, as the editor does)', () => {
		const trigger = new EdgesTrigger();
		const nodeOf = (typeVersion: number, parameters: INodeParameters): INode => ({
			id: 'n',
			name: 'Edges Trigger',
			type: 'n8n-nodes-edges.edgesTrigger',
			typeVersion,
			position: [0, 0],
			parameters,
		});
		const saved = (node: INode) =>
			NodeHelpers.getNodeParameters(
				trigger.description.properties,
				node.parameters,
				false,
				false,
				node,
				trigger.description,
			) ?? {};
		const legacy = { authentication: 'custom', customSecret: SECRET, authHeaderName: HEADER };

		it('version 2 has no field for a secret and requires the credential', () => {
			const node = nodeOf(2, { ...legacy });
			expect(JSON.stringify(saved(node))).not.toContain(SECRET);
			const credential = trigger.description.credentials?.find((c) => c.name === CREDENTIAL_TYPE);
			expect(credential?.required).toBe(true);
			const byCredential = nodeOf(2, { ...BY_CREDENTIAL });
			expect(
				NodeHelpers.displayParameter(
					byCredential.parameters,
					credential!,
					byCredential,
					trigger.description,
				),
			).toBe(true);
		});

		it('version 1 keeps the old field, and choosing the credential drops it', () => {
			expect(saved(nodeOf(1, { ...legacy }))).toMatchObject({ customSecret: SECRET });
			const moved = saved(nodeOf(1, { ...legacy, authentication: 'secretCredential' }));
			expect(moved).toEqual({ authentication: 'secretCredential' });
		});
	});

	it('reads the credential at every callback: a changed secret applies at once', async () => {
		harness = await credentialTrigger();
		await harness.activate();
		const before = await deliveryStatuses(harness, { [HEADER]: SECRET });
		harness.updateCredential(CREDENTIAL_TYPE, { headerName: HEADER, secret: `${SECRET}-rotated` });
		const oldSecret = await deliveryStatuses(harness, { [HEADER]: SECRET });
		const newSecret = await deliveryStatuses(harness, { [HEADER]: `${SECRET}-rotated` });
		expect([before.statuses, oldSecret.statuses, newSecret.statuses]).toEqual([
			[200],
			[401],
			[200],
		]);
	});

	it.each([
		['no credential selected', null, /Select an Edges Callback Secret API credential/],
		['an empty secret', { headerName: HEADER, secret: '' }, /secret is empty/],
		['a secret ending in a space', { headerName: HEADER, secret: `${SECRET} ` }, /space/],
		[
			'a header Edges sets itself',
			{ headerName: 'X-Callback-Ref', secret: SECRET },
			/x-callback-ref/,
		],
		['a header name with a space', { headerName: 'my secret', secret: SECRET }, /header name/],
	])(
		'refuses to activate with %s, and says why without the secret',
		async (_label, credential, message) => {
			harness = await credentialTrigger(credential);
			const activation = harness.activate();
			await expect(activation).rejects.toThrow(message);
			const error = await activation.catch((e: Error) => e);
			expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(SECRET);
			expect(harness.nodeStaticData.activation).toBeUndefined();
		},
	);

	it('fails closed on an empty secret even if activation was skipped', async () => {
		harness = await credentialTrigger({ headerName: HEADER, secret: '' });
		const answer = await postToTrigger(
			harness,
			JSON.stringify(finalCallback('some-run', 'SUCCEEDED', 'empty')),
			{ [HEADER]: '' },
		);
		expect(answer.status).toBe(401);
		expect(harness.executions).toHaveLength(0);
	});

	it('in version 2, a secret typed into the node is not read: activation says what to do', async () => {
		const legacy = { authentication: 'custom', customSecret: SECRET, authHeaderName: HEADER };
		harness = await startTrigger(simulator, legacy, { typeVersion: 2 });
		await expect(harness.activate()).rejects.toThrow(
			/does not read a secret from the node; set Authentication to Callback Secret Credential/,
		);
		const answer = await postToTrigger(
			harness,
			JSON.stringify(finalCallback('some-run', 'SUCCEEDED', 'v2-legacy')),
			{ [HEADER]: SECRET },
		);
		expect(answer.status).toBe(401);
	});

	it('a version-1 trigger moves its secret to the credential and keeps its URL, its runs and its memory', async () => {
		const legacy = { authentication: 'custom', customSecret: SECRET, authHeaderName: HEADER };
		harness = await startTrigger(simulator, legacy);
		await harness.activate();
		const url = harness.webhookUrl;
		const first = await deliveryStatuses(harness, { [HEADER]: SECRET });
		expect(first.statuses).toEqual([200]);
		const firstDelivery = simulator.deliveries.find((d) => d.runUid === first.uid)!;

		// The user creates the credential with the same header and secret and selects it; the editor drops
		// the hidden Secret and Header Name fields when the workflow is saved.
		const saved = harness.staticData;
		const port = harness.port;
		await harness.stop();
		harness = await startTrigger(simulator, BY_CREDENTIAL, {
			staticData: saved,
			port,
			otherCredentials: { [CREDENTIAL_TYPE]: { headerName: HEADER, secret: SECRET } },
		});
		expect(await harness.activate()).toEqual({ existed: true });
		expect(harness.webhookUrl).toBe(url);

		// Runs started before the move still send the same header: accepted, and Edges' retry of a callback
		// processed before the move is still recognised.
		const after = await deliveryStatuses(harness, { [HEADER]: SECRET });
		expect(after.statuses).toEqual([200]);
		const retried = await postToTrigger(
			harness,
			JSON.stringify(finalCallback(first.uid, 'SUCCEEDED', firstDelivery.ref)),
			{ [HEADER]: SECRET },
		);
		expect(retried.body).toEqual({ received: true, duplicate: true });
		expect(harness.executions.map((e) => e.items[0].json.run_uid)).toEqual([after.uid]);
	});

	it('an owned schedule calls back with the header and secret of the credential', async () => {
		harness = await credentialTrigger(undefined /* the default credential */, {
			...BY_CREDENTIAL,
			ownSchedule: true,
			scheduleAction: 'linkedin-extract-people',
			scheduleInputs: JSON.stringify([{ linkedin_profile_url: 'https://www.linkedin.com/in/x' }]),
			cron: '0 8 * * 1',
		});
		await harness.activate();
		const owned = harness.nodeStaticData.schedule as { uid: string };
		expect(JSON.stringify(harness.staticData)).not.toContain(SECRET);
		const { body: schedule } = await edgesApi(simulator, 'GET', `/schedules/${owned.uid}`);
		expect(schedule).toMatchObject({ callback: { url: harness.webhookUrl } });

		const runUid = await simulator.fireSchedule(owned.uid);
		await simulator.waitForRun(runUid, ['SUCCEEDED']);
		await simulator.waitForIdle();
		const delivery = simulator.deliveries.find((d) => d.runUid === runUid)!;
		expect(delivery.headers[HEADER.toLowerCase()]).toBe(SECRET);
		expect(delivery.status).toBe(200);
		expect(harness.executions).toHaveLength(1);
		expect(JSON.stringify(harness.executions)).not.toContain(SECRET);
	});
});
