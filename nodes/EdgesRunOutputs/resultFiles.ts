/**
 * A run's results as files of bounded size: the "Files (Any Size)" output of Edges Run Outputs.
 *
 * Why parts and not one file: n8n's binary data helpers take a Buffer or a Node stream, Node's `stream`
 * module is not on n8n Cloud's allowlist, and in queue mode (database binary data) n8n buffers a whole
 * file anyway and refuses files above its size limit. A file per part of N results keeps memory bounded by
 * one part in every binary-data mode, and each part is a complete file a downstream node can take as it is.
 * No n8n imports: the node hands each finished part to n8n's binary data.
 */
import type { OutputResult } from './readRun';

export type ResultFileFormat = 'jsonl' | 'json';

export const RESULT_FILE_FORMATS: Record<
	ResultFileFormat,
	{ extension: string; mimeType: string }
> = {
	// one result per line: what data tools (DuckDB, BigQuery, jq, pandas) read in a stream
	jsonl: { extension: 'jsonl', mimeType: 'application/x-ndjson' },
	// one JSON array per file: what n8n's Extract from File ("From JSON") and most APIs take
	json: { extension: 'json', mimeType: 'application/json' },
};

export const DEFAULT_RESULTS_PER_FILE = 10_000;
export const MAX_RESULTS_PER_FILE = 100_000;

export interface ResultFilePart {
	/** 1-based. */
	part: number;
	/** 0-based position of the part's first and last result in the run's outputs. */
	firstIndex: number;
	lastIndex: number;
	count: number;
	fileName: string;
	mimeType: string;
	content: Buffer;
}

/**
 * Collects results and hands a finished part to `onPart` every `resultsPerFile` results, and the rest on
 * `finish()`. Each part is serialized once and dropped as soon as `onPart` has taken it.
 */
export class ResultFileWriter {
	private lines: string[] = [];
	private part = 0;
	private written = 0;

	constructor(
		private readonly runUid: string,
		private readonly format: ResultFileFormat,
		private readonly resultsPerFile: number,
		private readonly onPart: (part: ResultFilePart) => Promise<void>,
	) {
		if (!Number.isInteger(resultsPerFile) || resultsPerFile < 1) {
			throw new RangeError(
				`Results per File must be a whole number of 1 or more, not ${resultsPerFile}`,
			);
		}
	}

	async add(results: OutputResult[]): Promise<void> {
		for (const result of results) {
			this.lines.push(JSON.stringify(result));
			if (this.lines.length >= this.resultsPerFile) await this.flush();
		}
	}

	/** Hands on the last, partial part; resolves with the number of parts written. */
	async finish(): Promise<number> {
		if (this.lines.length > 0) await this.flush();
		return this.part;
	}

	private async flush(): Promise<void> {
		const lines = this.lines;
		this.lines = [];
		this.part++;
		const { extension, mimeType } = RESULT_FILE_FORMATS[this.format];
		const text = this.format === 'jsonl' ? `${lines.join('\n')}\n` : `[\n${lines.join(',\n')}\n]\n`;
		const firstIndex = this.written;
		this.written += lines.length;
		await this.onPart({
			part: this.part,
			firstIndex,
			lastIndex: this.written - 1,
			count: lines.length,
			fileName: `edges-run-${this.runUid}-part-${String(this.part).padStart(4, '0')}.${extension}`,
			mimeType,
			content: Buffer.from(text, 'utf8'),
		});
	}
}
