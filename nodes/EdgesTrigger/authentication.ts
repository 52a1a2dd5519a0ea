/**
 * How the Edges Trigger recognises callbacks of the user's own runs: the `authentication` parameter, the
 * secret it expects, and the checks made when the workflow is activated.
 *
 * A secret the user chooses lives in an Edges Callback Secret API credential, which n8n encrypts and never puts
 * in workflows, exports or executions. Version 1 of the node also kept it in a node parameter
 * (`customSecret`), which n8n stores in clear in the workflow, its history and every execution. Version 1
 * still reads that parameter, so workflows that have it keep working, and warns at every activation how to
 * move the secret; version 2 does not offer it.
 */
import {
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IHookFunctions,
	type INodeCredentialTestResult,
	type INodeProperties,
	type IWebhookFunctions,
} from 'n8n-workflow';

import {
	CALLBACK_SECRET_CREDENTIAL,
	CALLBACK_SECRET_HEADER,
	callbackSecretProblem,
	deriveCallbackSecret,
	normaliseHeaderName,
	type CallbackSecretCredentialData,
} from '../shared/callbackSecret';
import type { EdgesCredentialData } from '../shared/transport';

export const AUTHENTICATION = {
	derived: 'derived',
	credential: 'secretCredential',
	/** Version 1 only: the secret typed into the node. */
	nodeParameter: 'custom',
	none: 'none',
} as const;

const CREDENTIAL_LABEL = 'Callback Secret Credential';

const derivedOption = {
	name: 'Derived From API Key',
	value: AUTHENTICATION.derived,
	description:
		"The Edges node sends a secret derived from the Edges API credential's key with every callback; nothing to copy",
};
const credentialOption = {
	name: CREDENTIAL_LABEL,
	value: AUTHENTICATION.credential,
	description:
		'Callers send the header and secret of an Edges Callback Secret API credential (set them in callback.headers of runs started outside n8n)',
};
const noneOption = {
	name: 'None',
	value: AUTHENTICATION.none,
	description: 'Anyone who knows the URL can make Edges calls look real (not recommended)',
};
const nodeParameterOption = {
	name: 'Custom Secret in Node (Deprecated)',
	value: AUTHENTICATION.nodeParameter,
	description: `Stored unencrypted in the workflow and its executions; use ${CREDENTIAL_LABEL} instead`,
};

export const authenticationProperties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [derivedOption, credentialOption, noneOption],
		default: 'derived',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		description: 'How the trigger recognises callbacks that really come from your Edges runs',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [derivedOption, credentialOption, nodeParameterOption, noneOption],
		default: 'derived',
		displayOptions: { show: { '@version': [1] } },
		description: 'How the trigger recognises callbacks that really come from your Edges runs',
	},
	{
		displayName: `This secret is stored unencrypted in the workflow, its saved versions and every execution. To move it: create an Edges Callback Secret API credential with the same header name and secret, set Authentication to ${CREDENTIAL_LABEL}, select the credential and save. The Production URL stays the same, so your runs need no change.`,
		name: 'nodeParameterSecretNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { '@version': [1], authentication: [AUTHENTICATION.nodeParameter] },
		},
	},
	{
		displayName: 'Secret',
		name: 'customSecret',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		displayOptions: {
			show: { '@version': [1], authentication: [AUTHENTICATION.nodeParameter] },
		},
		description: 'The value callers must send in the secret header',
	},
	{
		displayName: 'Header Name',
		name: 'authHeaderName',
		type: 'string',
		default: CALLBACK_SECRET_HEADER,
		displayOptions: {
			show: { '@version': [1], authentication: [AUTHENTICATION.nodeParameter] },
		},
		description: 'The header that carries the secret',
	},
];

export interface ExpectedSecret {
	header: string;
	secret: string;
	source: 'derived' | 'credential' | 'nodeParameter';
}

type TriggerContext = IHookFunctions | IWebhookFunctions;

export function authenticationOf(context: TriggerContext): string {
	return context.getNodeParameter('authentication', AUTHENTICATION.derived) as string;
}

function readsNodeParameter(context: TriggerContext): boolean {
	return context.getNode().typeVersion < 2;
}

/**
 * The header and secret a callback must carry, or undefined without authentication. Only what the chosen
 * authentication needs is loaded: the Edges credential for a derived secret, the callback secret credential
 * for a chosen one. An empty secret matches nothing (callbackSecretMatches), so a half-configured trigger
 * fails closed.
 */
export async function expectedSecret(
	context: TriggerContext,
	edgesCredentials: () => Promise<EdgesCredentialData>,
): Promise<ExpectedSecret | undefined> {
	const authentication = authenticationOf(context);
	if (authentication === AUTHENTICATION.none) return undefined;
	if (authentication === AUTHENTICATION.credential) {
		const data = await context.getCredentials<CallbackSecretCredentialData>(
			CALLBACK_SECRET_CREDENTIAL,
		);
		return {
			header: normaliseHeaderName(data.headerName),
			secret: data.secret ?? '',
			source: 'credential',
		};
	}
	if (authentication === AUTHENTICATION.nodeParameter) {
		if (!readsNodeParameter(context)) {
			return { header: CALLBACK_SECRET_HEADER, secret: '', source: 'nodeParameter' };
		}
		return {
			header: normaliseHeaderName(
				context.getNodeParameter('authHeaderName', CALLBACK_SECRET_HEADER) as string,
			),
			secret: context.getNodeParameter('customSecret', '') as string,
			source: 'nodeParameter',
		};
	}
	const { apiKey } = await edgesCredentials();
	return {
		header: CALLBACK_SECRET_HEADER,
		secret: deriveCallbackSecret(apiKey),
		source: 'derived',
	};
}

/**
 * Run at every activation and every n8n start (from `checkExists`). A trigger that could only refuse every
 * callback is not activated, with the reason; a version-1 trigger that keeps its secret in the node is
 * activated, with a warning in n8n's log that names the workflow and the node, never the secret.
 */
export async function checkAuthentication(context: IHookFunctions): Promise<void> {
	const authentication = authenticationOf(context);
	const node = context.getNode();
	if (authentication === AUTHENTICATION.credential) {
		const selected = node.credentials?.[CALLBACK_SECRET_CREDENTIAL];
		if (!selected) {
			throw new NodeOperationError(
				node,
				`Select an Edges Callback Secret API credential: Authentication is ${CREDENTIAL_LABEL}.`,
			);
		}
		const data = await context.getCredentials<CallbackSecretCredentialData>(
			CALLBACK_SECRET_CREDENTIAL,
		);
		const problem = callbackSecretProblem(data);
		if (problem) {
			throw new NodeOperationError(
				node,
				`The Edges Callback Secret API credential "${selected.name}" cannot authenticate callbacks. ${problem}`,
			);
		}
		return;
	}
	if (authentication !== AUTHENTICATION.nodeParameter) return;
	if (!readsNodeParameter(context)) {
		throw new NodeOperationError(
			node,
			`Version ${node.typeVersion} of the Edges Trigger does not read a secret from the node; set Authentication to ${CREDENTIAL_LABEL} and select an Edges Callback Secret API credential.`,
		);
	}
	const secret = context.getNodeParameter('customSecret', '') as string;
	if (!secret) return;
	const workflow = context.getWorkflow();
	const advice = `keeps its callback secret in a node parameter, which n8n stores unencrypted in the workflow, its saved versions and every execution. To move it: create an Edges Callback Secret API credential with the same header name and secret, set the trigger's Authentication to ${CREDENTIAL_LABEL}, select the credential and save the workflow; the Production URL stays the same.`;
	const named = `Edges Trigger "${node.name}" in workflow "${workflow.name ?? ''}" (id ${workflow.id ?? 'unsaved'}) ${advice}`;
	// The names are the user's and may contain the secret. Cutting it out would show what was cut, so the
	// names are left out instead.
	context.logger.warn(named.includes(secret) ? `An Edges Trigger ${advice}` : named);
}

/** The credential test of Edges Callback Secret API (`testedBy`): it calls nothing, it checks the values. */
export async function testCallbackSecretCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const problem = callbackSecretProblem((credential.data ?? {}) as CallbackSecretCredentialData);
	if (problem) return { status: 'Error', message: problem };
	return {
		status: 'OK',
		message: 'The header name and the secret can be sent by Edges in callback.headers.',
	};
}
