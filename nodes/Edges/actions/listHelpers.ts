/** Small pieces shared by the Get Many operations. */
import type { INodeProperties } from 'n8n-workflow';

export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
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
