/** Small pieces shared by the Get Many operations. */
import type { INodeProperties } from 'n8n-workflow';

export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

/** A filter list for the query, or undefined when empty: Edges' list filters take at least one value. */
export function nonEmpty<T>(values: T[] | undefined): T[] | undefined {
	return values && values.length > 0 ? values : undefined;
}

/** The "Filters" collection of a Get Many operation, with the operation's own filter fields. */
export function filtersCollection(
	show: Record<string, string[]>,
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: { show },
		options,
	};
}

/**
 * The page size to ask for: the Limit itself when it is below Edges' page maximum (one small request), else
 * the paginator's default (the largest page).
 */
export function pageSizeFor(limit: number, maxPage: number): number | undefined {
	return limit < maxPage ? limit : undefined;
}

export function sortOption(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Sort',
		name: 'sort',
		type: 'options',
		default: '-created_at',
		options: [
			{ name: 'Newest First', value: '-created_at' },
			{ name: 'Oldest First', value: 'created_at' },
			{ name: 'Recently Updated First', value: '-updated_at' },
			{ name: 'By Status', value: 'status' },
		],
		displayOptions: { show },
	};
}
