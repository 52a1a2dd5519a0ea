// Why this file exists: a simulated run may hold 100,000 outputs of ~1 KB; storing them would cost hundreds
// of MB and seconds. Runs therefore store only where each output came from (input, index within the input,
// time), and outputs are regenerated on demand, identically each time, by actions.ts.

import { sampleInput, inputIdentity, type ActionSpec } from './actions';
import { hashedUuid } from './prng';
import type { EdgesErrorBody, InputStatus } from './types';

export interface InputState {
	uid: string;
	index: number;
	data: Record<string, unknown>;
	customData: Record<string, unknown> | null;
	/** Stable number of the input's entity; decides generated ids and names. */
	identity: number;
	status: InputStatus;
	error: EdgesErrorBody | null;
	validationErrors: Record<string, string> | null;
	/** Outputs this input will have produced when done; null until it starts. */
	target: number | null;
	produced: number;
	/** A callback was emitted for this input during the current pass (zero-result inputs still get one). */
	emittedThisPass: boolean;
	/** Outcome imposed by finishRun(); null = decided by the input itself. */
	forced: 'succeed' | 'fail' | 'block' | 'stop' | null;
	createdAt: number;
	updatedAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

export interface InputStore {
	readonly length: number;
	get(index: number): InputState;
	/** True when `get` returns live objects that may be changed in place. */
	readonly mutable: boolean;
}

export class ArrayInputs implements InputStore {
	readonly mutable = true;
	constructor(readonly items: InputState[]) {}
	get length(): number {
		return this.items.length;
	}
	get(index: number): InputState {
		return this.items[index];
	}
}

/** Inputs of a seeded run, generated per index: `succeeded` successful ones, then `failed` failed ones. */
export class VirtualInputs implements InputStore {
	readonly mutable = false;
	private cacheIndex = -1;
	private cache: InputState | undefined;

	constructor(
		private readonly args: {
			seed: number;
			runUid: string;
			spec: ActionSpec;
			succeeded: number;
			failed: number;
			outputsPerSuccess: (index: number) => number;
			failure: EdgesErrorBody;
			failedStatus: 'FAILED' | 'BLOCKED';
			at: number;
		},
	) {}

	get length(): number {
		return this.args.succeeded + this.args.failed;
	}

	get(index: number): InputState {
		if (index === this.cacheIndex && this.cache) return this.cache;
		const { seed, spec, at } = this.args;
		const ok = index < this.args.succeeded;
		const data = sampleInput(spec, seed, index);
		const state: InputState = {
			uid: hashedUuid(this.args.runUid, 'input', index),
			index,
			data,
			customData: { sim_index: index },
			// Seeded inputs are all distinct, so their index is their identity (unique generated ids).
			identity: index,
			status: ok ? 'SUCCEEDED' : this.args.failedStatus,
			error: ok
				? null
				: { ...this.args.failure, error_ref: `err-${hashedUuid(this.args.runUid, 'err', index)}` },
			validationErrors: null,
			target: ok ? this.args.outputsPerSuccess(index) : 0,
			produced: ok ? this.args.outputsPerSuccess(index) : 0,
			emittedThisPass: true,
			forced: null,
			createdAt: at,
			updatedAt: at,
			startedAt: at,
			finishedAt: at,
		};
		this.cacheIndex = index;
		this.cache = state;
		return state;
	}

	/** Copies every input into an array, when a seeded run is resumed or continued. */
	materialize(): ArrayInputs {
		const items: InputState[] = [];
		for (let i = 0; i < this.length; i++) {
			this.cacheIndex = -1;
			items.push(this.get(i));
		}
		return new ArrayInputs(items);
	}
}

export function newInput(
	seed: number,
	spec: ActionSpec,
	runUid: string,
	index: number,
	data: Record<string, unknown>,
	customData: Record<string, unknown> | null,
	at: number,
): InputState {
	return {
		uid: hashedUuid(runUid, 'input', index),
		index,
		data,
		customData,
		identity: inputIdentity(seed, spec, data),
		status: 'CREATED',
		error: null,
		validationErrors: null,
		target: null,
		produced: 0,
		emittedThisPass: false,
		forced: null,
		createdAt: at,
		updatedAt: at,
		startedAt: null,
		finishedAt: null,
	};
}

export interface OutputLocation {
	inputIndex: number;
	/** Index of the output within its input. */
	k: number;
	producedAt: number;
}

export interface OutputStore {
	readonly count: number;
	locate(index: number): OutputLocation;
}

interface Segment {
	offset: number;
	inputIndex: number;
	startK: number;
	count: number;
	producedAt: number;
}

/** Outputs of a processed run: one segment per batch, in the order the batches were produced. */
export class SegmentOutputs implements OutputStore {
	private readonly segments: Segment[] = [];
	count = 0;

	append(inputIndex: number, startK: number, count: number, producedAt: number): void {
		if (count <= 0) return;
		const last = this.segments[this.segments.length - 1];
		if (
			last &&
			last.inputIndex === inputIndex &&
			last.startK + last.count === startK &&
			last.producedAt === producedAt
		) {
			last.count += count;
		} else {
			this.segments.push({ offset: this.count, inputIndex, startK, count, producedAt });
		}
		this.count += count;
	}

	locate(index: number): OutputLocation {
		let lo = 0;
		let hi = this.segments.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (this.segments[mid].offset <= index) lo = mid;
			else hi = mid - 1;
		}
		const segment = this.segments[lo];
		return {
			inputIndex: segment.inputIndex,
			k: segment.startK + (index - segment.offset),
			producedAt: segment.producedAt,
		};
	}
}

/** Outputs of a seeded run, located by formula: a list action's outputs all belong to input 0. */
export class FormulaOutputs implements OutputStore {
	constructor(
		readonly count: number,
		private readonly list: boolean,
		private readonly producedAt: number,
	) {}

	locate(index: number): OutputLocation {
		return this.list
			? { inputIndex: 0, k: index, producedAt: this.producedAt }
			: { inputIndex: index, k: 0, producedAt: this.producedAt };
	}

	/** Turns this into segments, so that a resumed or continued seeded run can append more outputs. */
	toSegments(): SegmentOutputs {
		const segments = new SegmentOutputs();
		if (this.list) segments.append(0, 0, this.count, this.producedAt);
		else for (let i = 0; i < this.count; i++) segments.append(i, 0, 1, this.producedAt);
		return segments;
	}
}
