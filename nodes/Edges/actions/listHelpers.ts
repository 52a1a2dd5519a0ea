/** What the Get Many operations share: their filters, sort and paging, and their `execute`. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { collect, type EdgesClient, type Page, type PagingOptions } from '../../shared/client';
import { edgesClientFor } from '../../shared/transport';
import { forEachItem, resultLimit } from './utils';

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

/**
 * The `execute` of a Get Many operation. Per incoming item, its Filters (through `queryFrom`) and Sort make
 * the list query, and Return All / Limit decides how much is read; a Limit below the endpoint's page
 * maximum is asked for as one page of that size. Each record becomes one item paired to its input item.
 */
export function getManyExecute<Query extends { sort?: string[] }, Entry>(operation: {
	list: (client: EdgesClient, query: Query, paging: PagingOptions) => AsyncIterable<Page<Entry>>;
	queryFrom: (filters: IDataObject) => Omit<Query, 'sort'>;
	maxPageSize: number;
}) {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const client = await edgesClientFor(this);
		return await forEachItem(this, items, async (i) => {
			const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
			const query = {
				...operation.queryFrom(filters),
				sort: nonEmpty(splitList(this.getNodeParameter('sort', i, '-created_at'))),
			} as Query;
			const limit = resultLimit(this, i);
			const paging = { pageSize: pageSizeFor(limit, operation.maxPageSize) };
			return (await collect(operation.list(client, query, paging), limit)) as IDataObject[];
		});
	};
}
