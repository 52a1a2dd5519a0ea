/**
 * Pairs the outputs of a run back to the n8n items whose inputs produced them.
 *
 * Decision (docs/edges-api.md §7.16: the docs never say whether `GET /runs/{uid}/outputs` results carry the input's
 * custom_data or a reference to the input), in this order, per output:
 * 1. the output carries `custom_data` with our `n8n_item` tag: pair by the tag;
 * 2. the run had exactly one input: every output belongs to that input's item;
 * 3. the output names its input (`input_uid` or `run_input_uid`) and `GET /runs/{uid}/inputs` gives that
 *    input's custom_data: pair by the tag found there;
 * 4. the output repeats an input field with a value that only one input of the run has (extract actions
 *    echo the URL they read, e.g. `linkedin_profile_url`; compared without scheme, `www.`, query and
 *    trailing slash, case-insensitively): pair to that input's item;
 * 5. otherwise the output is unpaired: `all_items_of_run`, paired to every item of the run, so nobody
 *    mistakes a guess for a match. Wait for Completion's Results by Item then fails with the way out (One
 *    Item per Result gives such results with `item: null`); which catalogued actions can pair at all is in
 *    ../actionCatalog.ts (`resultsRepeat`).
 * No n8n imports.
 */
import { itemIndexOf, isPlainObject } from './validation';

export type PairingMethod =
	| 'custom_data'
	| 'single_input'
	| 'input_uid'
	| 'input_value'
	| 'all_items_of_run';

/**
 * Rules 3 and 4 read every input of the run (100 per request). Above this many inputs that costs more
 * than it is worth, and outputs that are not tagged are paired to all items of the run.
 */
export const MAX_INPUTS_READ_FOR_PAIRING = 10_000;

/** What rules 3 and 4 need from `GET /runs/{uid}/inputs`. */
export interface InputIndex {
	byUid: Map<string, number>;
	/** field -> normalised value -> item index, or -1 when several inputs share the value. */
	byValue: Map<string, Map<string, number>>;
}

export function normaliseValue(value: unknown): string | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim().toLowerCase();
	if (!text) return undefined;
	return text
		.replace(/^https?:\/\//, '')
		.replace(/^www\./, '')
		.replace(/[?#].*$/, '')
		.replace(/\/+$/, '');
}

export function indexInputs(
	inputs: Array<{ uid: string; item?: number; data?: Record<string, unknown> | null }>,
): InputIndex {
	const index: InputIndex = { byUid: new Map(), byValue: new Map() };
	for (const input of inputs) {
		if (input.item === undefined) continue;
		index.byUid.set(input.uid, input.item);
		for (const [field, value] of Object.entries(input.data ?? {})) {
			const normalised = normaliseValue(value);
			if (normalised === undefined) continue;
			let values = index.byValue.get(field);
			if (!values) index.byValue.set(field, (values = new Map()));
			const seen = values.get(normalised);
			values.set(normalised, seen === undefined || seen === input.item ? input.item : -1);
		}
	}
	return index;
}

export interface PairedOutput {
	output: Record<string, unknown>;
	/** Indexes of the node's input items this output belongs to. */
	items: number[];
	method: PairingMethod;
}

const INPUT_REFERENCE_KEYS = ['input_uid', 'run_input_uid'];

export function inputReferenceOf(output: Record<string, unknown>): string | undefined {
	for (const key of INPUT_REFERENCE_KEYS) {
		const value = output[key];
		if (typeof value === 'string' && value) return value;
	}
	return undefined;
}

/** True when some outputs can only be paired through the run's inputs (rules 3 and 4). */
export function needsRunInputs(outputs: Array<Record<string, unknown>>, runItems: number[]) {
	if (runItems.length <= 1 || runItems.length > MAX_INPUTS_READ_FOR_PAIRING) return false;
	return outputs.some((output) => itemIndexOf(output.custom_data) === undefined);
}

export function pairOutputs(args: {
	outputs: Array<Record<string, unknown>>;
	/** Items whose inputs went into this run. */
	runItems: number[];
	/** From `GET /runs/{uid}/inputs`, when fetched. */
	inputs?: InputIndex;
}): PairedOutput[] {
	const known = new Set(args.runItems);
	return args.outputs.map((output) => {
		const tagged = itemIndexOf(isPlainObject(output) ? output.custom_data : undefined);
		if (tagged !== undefined && known.has(tagged)) {
			return { output, items: [tagged], method: 'custom_data' };
		}
		if (args.runItems.length === 1) {
			return { output, items: [args.runItems[0]], method: 'single_input' };
		}
		const reference = inputReferenceOf(output);
		const viaInput = reference !== undefined ? args.inputs?.byUid.get(reference) : undefined;
		if (viaInput !== undefined && known.has(viaInput)) {
			return { output, items: [viaInput], method: 'input_uid' };
		}
		const viaValue = args.inputs ? matchByValue(output, args.inputs) : undefined;
		if (viaValue !== undefined && known.has(viaValue)) {
			return { output, items: [viaValue], method: 'input_value' };
		}
		return { output, items: [...args.runItems], method: 'all_items_of_run' };
	});
}

function matchByValue(output: Record<string, unknown>, inputs: InputIndex): number | undefined {
	for (const [field, values] of inputs.byValue) {
		const normalised = normaliseValue(output[field]);
		if (normalised === undefined) continue;
		const item = values.get(normalised);
		if (item !== undefined && item >= 0) return item;
	}
	return undefined;
}
