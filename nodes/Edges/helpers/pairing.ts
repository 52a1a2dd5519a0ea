/**
 * Pairs the outputs of a run back to the n8n items whose inputs produced them.
 *
 * Decision (edges-api.md §7: the docs never say whether `GET /runs/{uid}/outputs` results carry the input's
 * custom_data or a reference to the input), in this order, per output:
 * 1. the output carries `custom_data` with our `n8n_item` tag: pair by the tag;
 * 2. the run had exactly one input: every output belongs to that input's item;
 * 3. the output names its input (`input_uid` or `run_input_uid`) and `GET /runs/{uid}/inputs` gives that
 *    input's custom_data: pair by the tag found there (the caller fetches inputs only when needed);
 * 4. otherwise the output is paired to every item of the run (a pairedItem array) and says so in
 *    `edges_pairing: "all_items_of_run"`, so nobody mistakes a guess for a match.
 * No n8n imports.
 */
import { itemIndexOf, isPlainObject } from './validation';

export type PairingMethod = 'custom_data' | 'single_input' | 'input_uid' | 'all_items_of_run';

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

/** True when some outputs can only be paired through the run's inputs (rule 3). */
export function needsRunInputs(outputs: Array<Record<string, unknown>>, runItems: number[]) {
	if (runItems.length <= 1) return false;
	return outputs.some(
		(output) =>
			itemIndexOf(output.custom_data) === undefined && inputReferenceOf(output) !== undefined,
	);
}

export function pairOutputs(args: {
	outputs: Array<Record<string, unknown>>;
	/** Items whose inputs went into this run. */
	runItems: number[];
	/** input uid -> item index, from `GET /runs/{uid}/inputs`, when fetched. */
	itemByInputUid?: Map<string, number>;
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
		const viaInput = reference !== undefined ? args.itemByInputUid?.get(reference) : undefined;
		if (viaInput !== undefined && known.has(viaInput)) {
			return { output, items: [viaInput], method: 'input_uid' };
		}
		return { output, items: [...args.runItems], method: 'all_items_of_run' };
	});
}
