/** The Run UID parameter every Run operation but Get Many starts with; one definition, shown per operation. */
import type { INodeProperties } from 'n8n-workflow';

export function runUidField(operation: string): INodeProperties {
	return {
		displayName: 'Run UID',
		name: 'runUid',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3f2b8c1e-…',
		description: 'The uid of the Edges run (run_uid in the output of Run Async)',
		displayOptions: { show: { resource: ['run'], operation: [operation] } },
	};
}
