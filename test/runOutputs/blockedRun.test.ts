// Edges Run Outputs on a BLOCKED run (issue 14, point 4): the run is not finished, so its outputs are not
// read, but the items say why it is blocked (the run's last_error) and, with Include Failed Inputs, which
// inputs are blocked and Edges' error for each, as they do for a FAILED run.
import { EdgesSimulator } from '../simulator';
import { apiClient, startRun } from '../simulator/testkit';
import { jsonOf, outputRequests, pairingOf, readOutputs } from './support';

describe('Edges Run Outputs: a BLOCKED run says why', () => {
	let sim: EdgesSimulator;

	beforeAll(async () => {
		sim = await EdgesSimulator.start({ seed: 141, outputsPaging: 'cursor' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.clearRequests());

	/** A run Edges blocked: both inputs are not company pages (the docs' linkedin.com/products/ example). */
	async function blockedRun(): Promise<string> {
		const uid = await startRun(apiClient(sim), 'linkedin-extract-company', {
			inputs: [
				{
					linkedin_company_url: 'https://www.linkedin.com/products/acme-widget/',
					custom_data: { row: 1 },
				},
				{
					linkedin_company_url: 'https://www.linkedin.com/products/globex-gadget/',
					custom_data: { row: 2 },
				},
			],
		});
		await sim.waitForRun(uid, ['BLOCKED']);
		return uid;
	}

	const blockedInput = (url: string, row: number) => ({
		uid: expect.any(String),
		status: 'BLOCKED',
		input_data: { linkedin_company_url: url },
		custom_data: { row },
		error: expect.objectContaining({
			has_failed: true,
			label: 'BAD_INPUT',
			message: `linkedin_company_url is not a valid URL for linkedin-extract-company: ${url}`,
			validation_errors: { linkedin_company_url: expect.any(String) },
		}),
	});
	const ACME = 'https://www.linkedin.com/products/acme-widget/';
	const GLOBEX = 'https://www.linkedin.com/products/globex-gadget/';

	it('"Continue and Mark" + Include Failed Inputs: the status item carries last_error, then each blocked input follows', async () => {
		const runUid = await blockedRun();

		const result = await readOutputs(
			sim.baseUrl,
			{ options: { onIncomplete: 'mark', includeFailedInputs: true } },
			[{ run_uid: runUid }],
		);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.outputs[0])).toEqual([
			{
				_edges_run: {
					run_uid: runUid,
					status: 'BLOCKED',
					finished: false,
					complete: false,
					output_count: 0,
					received_count: 0,
					last_error: {
						label: 'BAD_INPUT',
						message: `linkedin_company_url is not a valid URL for linkedin-extract-company: ${ACME}`,
						params: {},
					},
					issue: `Edges run ${runUid} is BLOCKED (BAD_INPUT: linkedin_company_url is not a valid URL for linkedin-extract-company: ${ACME}), not finished, so its outputs are not final and were not read`,
				},
			},
			{ run_uid: runUid, failed_input: blockedInput(ACME, 1) },
			{ run_uid: runUid, failed_input: blockedInput(GLOBEX, 2) },
		]);
		expect(pairingOf(result.outputs[0])).toEqual(Array(3).fill({ item: 0 }));
		// A blocked run's outputs are not final: still not read.
		expect(outputRequests(sim, runUid)).toHaveLength(0);
	});

	it('"One Item per Run" lists the blocked inputs under failed_inputs, with the run\'s last_error', async () => {
		const runUid = await blockedRun();

		const result = await readOutputs(
			sim.baseUrl,
			{ output: 'perRun', options: { onIncomplete: 'mark', includeFailedInputs: true } },
			[{ run_uid: runUid }],
		);

		expect(result.error).toBeUndefined();
		const [item] = jsonOf(result.outputs[0]);
		expect(item).toMatchObject({
			run_uid: runUid,
			status: 'BLOCKED',
			finished: false,
			results: [],
			last_error: expect.objectContaining({ label: 'BAD_INPUT' }),
		});
		expect(item.failed_inputs).toEqual([blockedInput(ACME, 1), blockedInput(GLOBEX, 2)]);
	});

	it('without Include Failed Inputs the inputs are not asked for; the reason is still there', async () => {
		const runUid = await blockedRun();

		const result = await readOutputs(sim.baseUrl, { options: { onIncomplete: 'mark' } }, [
			{ run_uid: runUid },
		]);

		expect(jsonOf(result.outputs[0])).toEqual([
			{
				_edges_run: expect.objectContaining({
					status: 'BLOCKED',
					last_error: expect.objectContaining({ label: 'BAD_INPUT' }),
				}),
			},
		]);
		expect(sim.requests.filter((r) => r.path.endsWith(`/runs/${runUid}/inputs`))).toHaveLength(0);
	});

	it('stopping with an error names the reason and says how to get the run going again', async () => {
		const runUid = await blockedRun();

		const result = await readOutputs(sim.baseUrl, {}, [{ run_uid: runUid }]);

		expect(result.error?.message).toBe(
			`Edges run ${runUid} is BLOCKED (BAD_INPUT: linkedin_company_url is not a valid URL for linkedin-extract-company: ${ACME}), not finished, so its outputs are not final and were not read`,
		);
		expect(result.error?.description).toMatch(/Run › Resume/);
		expect(result.error?.description).toMatch(/Include Failed Inputs/);
	});

	it('a FAILED run carries its last_error in the run item too', async () => {
		const runUid = sim.seedRun({ outputs: 0, failedInputs: 2 });

		const result = await readOutputs(sim.baseUrl, { output: 'perRun' }, [{ run_uid: runUid }]);

		const [item] = jsonOf(result.outputs[0]);
		expect(item).toMatchObject({
			status: 'FAILED',
			complete: true,
			last_error: {
				label: 'LK_ERROR',
				message: 'LinkedIn answered with an unexpected error',
				params: {},
			},
		});
	});

	it('a run without an error gets no last_error field', async () => {
		const runUid = sim.seedRun({ outputs: 3, status: 'RUNNING' });

		const result = await readOutputs(sim.baseUrl, { options: { onIncomplete: 'mark' } }, [
			{ run_uid: runUid },
		]);

		const [item] = jsonOf(result.outputs[0]);
		expect(item._edges_run).not.toHaveProperty('last_error');
	});
});
