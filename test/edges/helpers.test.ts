/** The pre-request checks and the pairing rules, on their own. */
import {
	ACTION_CATALOG,
	pairingNote,
	resultPairing,
	searchActions,
} from '../../nodes/Edges/actionCatalog';
import { checkResultsCanBePaired } from '../../nodes/Edges/actions/action/wait';
import {
	MAX_INPUTS_READ_FOR_PAIRING,
	indexInputs,
	needsRunInputs,
	pairOutputs,
} from '../../nodes/Edges/helpers/pairing';
import {
	InputError,
	buildInput,
	checkCallbackUrl,
	checkCron,
	isN8nWebhookUrl,
	parseHeaders,
} from '../../nodes/Edges/helpers/validation';
import { ACTIONS } from '../simulator';
import { inputIdentity, outputObject, sampleInput } from '../simulator/actions';

describe('checkCron', () => {
	it.each(['0 9 * * 1-5', '*/15 * * * *', '0 0 1 jan,jul *', '5,10 8-18/2 * * sun'])(
		'accepts %s',
		(cron) => expect(checkCron(cron)).toBe(cron),
	);
	it.each([
		['61 * * * *', /out of range 0-59/],
		['* * * *', /4 fields instead of 5/],
		['* * 0 * *', /day of month "0" is out of range/],
		['* * * foo *', /month "foo"/],
		['*/x * * * *', /not a valid minute value/],
	])('refuses %s', (cron, message) => {
		expect(() => checkCron(cron)).toThrow(message);
	});
});

describe('checkCallbackUrl', () => {
	it('accepts HTTPS and loopback HTTP only', () => {
		expect(checkCallbackUrl('https://a.example.com/x', 'URL')).toBe('https://a.example.com/x');
		expect(checkCallbackUrl('http://127.0.0.1:5678/webhook/x', 'URL')).toContain('127.0.0.1');
		expect(checkCallbackUrl('http://localhost/x', 'URL')).toContain('localhost');
		expect(checkCallbackUrl('http://[::1]:80/x', 'URL')).toContain('[::1]');
		expect(() => checkCallbackUrl('http://n8n.example.com/webhook/x', 'URL')).toThrow(InputError);
		expect(() => checkCallbackUrl('ftp://x', 'URL')).toThrow(/https/);
		expect(() => checkCallbackUrl('not a url', 'URL')).toThrow(/not a valid URL/);
	});
	it('recognises n8n webhook URLs for the trigger secret', () => {
		expect(isN8nWebhookUrl('https://n8n.example.com/webhook/abc')).toBe(true);
		expect(isN8nWebhookUrl('https://n8n.example.com/webhook-test/abc')).toBe(true);
		expect(isN8nWebhookUrl('https://n8n.example.com/webhook-waiting/12')).toBe(false);
		expect(isN8nWebhookUrl('https://hooks.example.com/edges')).toBe(false);
	});
});

describe('parseHeaders', () => {
	it('takes an object or its JSON and turns values into text', () => {
		expect(parseHeaders('{"A": "b", "N": 1}')).toEqual({ A: 'b', N: '1' });
		expect(parseHeaders({ A: true })).toEqual({ A: 'true' });
		expect(parseHeaders('')).toEqual({});
	});
	it.each(['[1]', '"text"', '{"A": {"nested": 1}}', '{oops'])('refuses %s', (value) => {
		expect(() => parseHeaders(value)).toThrow(InputError);
	});
});

describe('buildInput', () => {
	it('checks required fields of known actions and adds the pairing tag', () => {
		expect(
			buildInput({
				slug: 'linkedin-find-profile-url',
				fields: { first_name: 'Ada', last_name: 'L', empty: '' },
				customData: { crm: 1 },
				itemIndex: 4,
			}),
		).toEqual({ first_name: 'Ada', last_name: 'L', custom_data: { crm: 1, n8n_item: 4 } });
		expect(() =>
			buildInput({
				slug: 'linkedin-find-profile-url',
				fields: { first_name: 'Ada' },
				customData: {},
				itemIndex: 2,
			}),
		).toThrow('Item 2 has no "last_name"');
	});
	it('sends unknown actions as given', () => {
		expect(
			buildInput({
				slug: 'some-new-action',
				fields: { anything: 1 },
				customData: {},
				itemIndex: 0,
			}),
		).toEqual({ anything: 1, custom_data: { n8n_item: 0 } });
	});
});

describe('action catalogue', () => {
	it('agrees with the simulator on the input fields of the actions both know', () => {
		for (const spec of Object.values(ACTIONS)) {
			const entry = ACTION_CATALOG.find((a) => a.slug === spec.slug);
			expect(entry?.requiredFields).toEqual([...spec.inputFields]);
		}
		expect(searchActions('company').map((a) => a.slug)).toContain('linkedin-extract-company');
	});

	it('says which actions pair their results to items, and the simulator agrees', () => {
		expect(resultPairing('linkedin-extract-people')).toBe('pairs');
		expect(resultPairing('linkedin-search-people')).toBe('cannot');
		expect(resultPairing('linkedin-extract-post-likers')).toBe('cannot');
		expect(resultPairing('linkedin-extract-connections')).toBe('cannot');
		expect(resultPairing('linkedin-extract-company')).toBe('unknown');
		expect(resultPairing('some-new-action')).toBe('unknown');
		// An action said to repeat a field does in the simulator; one said never to, repeats no input field.
		for (const spec of Object.values(ACTIONS)) {
			const entry = ACTION_CATALOG.find((a) => a.slug === spec.slug)!;
			const input = sampleInput(spec, 1, 0);
			const output = outputObject({
				seed: 1,
				spec,
				input,
				identity: inputIdentity(1, spec, input),
				k: 0,
				extractedAt: '2026-01-01T00:00:00.000Z',
				parameters: {},
			});
			if (Array.isArray(entry.resultsRepeat)) {
				for (const field of entry.resultsRepeat) expect(output[field]).toBe(input[field]);
			}
			if (entry.resultsRepeat === 'none') {
				for (const field of spec.inputFields) expect(output).not.toHaveProperty(field);
			}
		}
		const picker = ACTION_CATALOG.map((entry) => pairingNote(entry));
		expect(picker).toContain('results name their input (linkedin_profile_url)');
		expect(picker).toContain('results cannot be paired to items');
	});
});

describe('checkResultsCanBePaired (before a Wait for Completion run starts)', () => {
	it('refuses Results by Item for an action whose results never name their input, with the way out', () => {
		expect(() => checkResultsCanBePaired('linkedin-search-people', 'outputs', [3])).toThrow(
			'Results by Item cannot pair the results of linkedin-search-people to their items',
		);
		const error = (() => {
			try {
				checkResultsCanBePaired('linkedin-extract-post-likers', 'outputs', [2]);
			} catch (caught) {
				return caught as InputError;
			}
			return undefined;
		})();
		expect(error?.description).toContain('One Item per Result');
	});
	it('accepts one item per run, the other outputs, and actions that may pair', () => {
		expect(() =>
			checkResultsCanBePaired('linkedin-search-people', 'outputs', [1, 1]),
		).not.toThrow();
		expect(() => checkResultsCanBePaired('linkedin-search-people', 'results', [5])).not.toThrow();
		expect(() => checkResultsCanBePaired('linkedin-search-people', 'run', [5])).not.toThrow();
		expect(() => checkResultsCanBePaired('linkedin-extract-company', 'outputs', [5])).not.toThrow();
		expect(() =>
			checkResultsCanBePaired('linkedin-extract-people', 'outputs', [MAX_INPUTS_READ_FOR_PAIRING]),
		).not.toThrow();
	});
	it('refuses Results by Item for a run too large to match results by input field', () => {
		expect(() =>
			checkResultsCanBePaired('linkedin-extract-people', 'outputs', [
				100_000,
				MAX_INPUTS_READ_FOR_PAIRING + 1,
			]),
		).toThrow(
			'Results by Item pairs results to items in runs of at most 10,000 items; this run has 100,000',
		);
	});
});

describe('pairOutputs', () => {
	it('pairs by tag, by single input, by input uid, by input value, else to all items', () => {
		const inputs = indexInputs([
			{ uid: 'in-a', item: 3, data: { linkedin_profile_url: 'https://www.linkedin.com/in/Ada/' } },
			{ uid: 'in-b', item: 4, data: { linkedin_profile_url: 'https://linkedin.com/in/bob?x=1' } },
		]);
		const outputs = [
			{ custom_data: { n8n_item: 4 } },
			{ input_uid: 'in-a' },
			{ linkedin_profile_url: 'http://linkedin.com/in/ada' },
			{ something: 'else' },
		];
		expect(needsRunInputs(outputs, [3, 4])).toBe(true);
		expect(
			pairOutputs({ outputs, runItems: [3, 4], inputs }).map((p) => [p.method, p.items]),
		).toEqual([
			['custom_data', [4]],
			['input_uid', [3]],
			['input_value', [3]],
			['all_items_of_run', [3, 4]],
		]);
		expect(pairOutputs({ outputs: [{ x: 1 }], runItems: [7] })[0]).toEqual(
			expect.objectContaining({ method: 'single_input', items: [7] }),
		);
	});
	it('does not pair by a value two inputs share', () => {
		const inputs = indexInputs([
			{ uid: 'a', item: 0, data: { company_name: 'Acme' } },
			{ uid: 'b', item: 1, data: { company_name: 'acme' } },
		]);
		expect(
			pairOutputs({ outputs: [{ company_name: 'ACME' }], runItems: [0, 1], inputs })[0].method,
		).toBe('all_items_of_run');
	});
});
