/**
 * Paging through Edges list endpoints as an async iterator.
 *
 * Edges pages two ways (docs/edges-api.md §2.2): newer endpoints send `X-Pagination-Next` with the full URL of
 * the next page (cursor paging); older ones take `limit` and `offset`. The iterator follows the header
 * whenever the server sends it and otherwise counts offsets itself, so the same code reads both
 * generations of the API without being told which one it faces.
 */

export interface Page<T> {
	items: T[];
	/** Zero-based position of the first item of this page in the whole listing. */
	offset: number;
	/** Page size this page was asked with. */
	requestedLimit: number;
	/** Which paging style produced this page. */
	style: 'cursor' | 'offset';
}

/** Collects items from an iterator. A limit is required so that nobody loads an unbounded listing by accident. */
export async function collect<T>(
	source: AsyncIterable<T[] | Page<T>>,
	limit: number,
): Promise<T[]> {
	if (!(limit > 0)) throw new RangeError(`collect needs a positive limit, got ${limit}`);
	const out: T[] = [];
	for await (const chunk of source) {
		const items = Array.isArray(chunk) ? chunk : chunk.items;
		for (const item of items) {
			if (out.length >= limit) return out;
			out.push(item);
		}
		if (out.length >= limit) return out;
	}
	return out;
}

/**
 * Decides whether offset paging is over after a page of `received` items asked with `limit`.
 *
 * A short page normally ends the listing. When the caller knows how many items exist (a run's
 * `output_count`) and fewer have arrived, a short page is taken to mean the server serves smaller pages
 * than we asked for, and paging continues: an empty page still ends it, so this cannot loop forever.
 */
export function offsetPagingIsOver(args: {
	received: number;
	limit: number;
	totalSoFar: number;
	expectedTotal?: number;
}): boolean {
	if (args.received === 0) return true;
	if (args.received >= args.limit) return false;
	return args.expectedTotal === undefined || args.totalSoFar >= args.expectedTotal;
}

/**
 * Resolves an `X-Pagination-Next` value against the credential's base URL. The next page is always fetched
 * through the configured base URL (a proxy or a sandbox host): an absolute URL on another origin is re-rooted
 * there rather than followed, so the API key is never sent to a host the user did not configure.
 */
export function resolveNextUrl(next: string, baseUrl: string): string {
	const base = new URL(baseUrl.replace(/\/+$/, '') + '/');
	const target = new URL(next, base);
	if (target.origin === base.origin) return target.toString();
	const basePath = base.pathname.replace(/\/+$/, '');
	let path = target.pathname;
	if (basePath && path.startsWith(basePath + '/')) path = path.slice(basePath.length);
	else path = path.replace(/^\/v\d+(?=\/)/, '');
	return `${base.origin}${basePath}${path}${target.search}`;
}
