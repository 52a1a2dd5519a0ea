import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The header and secret that callers of an Edges Trigger must send, for runs started outside n8n. A
 * credential of its own rather than a field of the Edges API credential: n8n encrypts credentials and keeps
 * them out of workflows, exports and executions, and one API key can then serve triggers that each have
 * their own secret. It makes no request, so the Edges Trigger tests it (`testedBy`) by checking its values.
 */
export class EdgesCallbackSecretApi implements ICredentialType {
	name = 'edgesCallbackSecretApi';

	displayName = 'Edges Callback Secret API';

	icon: Icon = { light: 'file:../icons/edges.svg', dark: 'file:../icons/edges.dark.svg' };

	documentationUrl = 'https://docs.edges.run/v1/runs/callbacks';

	properties: INodeProperties[] = [
		{
			displayName:
				'Edges Triggers that use this credential accept only callbacks that carry this header with this secret. Put both in callback.headers of the runs you start, e.g. {"x-edges-callback-secret": "<secret>"}.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'x-edges-callback-secret',
			required: true,
			description: 'The header that carries the secret (not case-sensitive)',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The value callers must send in the header. Use a long random string, e.g. the output of "openssl rand -hex 32".',
		},
	];
}
