import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** One Edges API key, shared by the three Edges nodes. The key also picks the Edges workspace. */
export class EdgesApi implements ICredentialType {
	name = 'edgesApi';

	displayName = 'Edges API';

	icon: Icon = { light: 'file:../icons/edges.svg', dark: 'file:../icons/edges.dark.svg' };

	documentationUrl = 'https://docs.edges.run/v1/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Your personal Edges API key, from app.edges.run › Developer Settings. It decides which workspace the nodes work in.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.edges.run/v1',
			description:
				'Leave as is for Edges. Change it only to go through a proxy or to use a local Edges simulator.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// One cheap authenticated call. A refused key answers 401 and gets its own message; an unreachable
	// host never answers, and n8n reports the connection error instead, so the two cannot be confused.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/workspaces',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Edges refused this API key (401). Copy the key again from app.edges.run › Developer Settings.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Edges refused this API key for this workspace (403).',
				},
			},
		],
	};
}
