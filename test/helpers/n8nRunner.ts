/**
 * Runs our nodes inside n8n's own execution engine (n8n-core's WorkflowExecute), in-process, so node tests
 * exercise the real parameter resolution, credential injection and `httpRequestWithAuthentication` path
 * against the Edges simulator, without starting a whole n8n.
 *
 * The workflow is `Input -> <node under test>`: the Input node emits the given items (with binary-free
 * JSON), so pairing, continueOnFail and multi-item behaviour are exercised exactly as in n8n.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { EdgesApi } from '../../credentials/EdgesApi.credentials';

/** A node that emits the items given in its `items` parameter; stands in for whatever feeds our node. */
export class InputNode implements INodeType {
	description = {
		displayName: 'Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string;
		const items = JSON.parse(raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(name: string) {
		const type = this.types[name];
		if (!type) throw new Error(`unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}

	getKnownTypes() {
		return {};
	}
}

class StaticCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private values: ICredentialDataDecryptedObject,
	) {
		super(details, type);
	}
	async getData() {
		return this.values;
	}
	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: '' };
	}
	async setData(values: ICredentialDataDecryptedObject) {
		this.values = values;
	}
	async updateData(toUpdate: Partial<ICredentialDataDecryptedObject>) {
		this.values = { ...this.values, ...toUpdate } as ICredentialDataDecryptedObject;
	}
}

/**
 * Resolves our credential's generic `authenticate` block the way n8n does for `={{$credentials.x}}`
 * expressions, so requests carry the real `X-API-Key` header built from the credential definition.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly types: Record<string, ICredentialType> = { edgesApi: new EdgesApi() };

	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const auth = this.types[typeName]?.authenticate;
		if (!auth || typeof auth === 'function' || auth.type !== 'generic') return requestOptions;
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const [name, template] of Object.entries(auth.properties.headers ?? {})) {
			headers[name] = String(template).replace(
				/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/,
				(_m, key: string) => String(credentials[key] ?? ''),
			);
		}
		return { ...requestOptions, headers };
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new StaticCredentials(details, type, this.credentials[type] ?? {});
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`no test credentials of type ${type}`);
		return data;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

export interface RunNodeOptions {
	/** The node type under test, e.g. `new EdgesRunOutputs()`. */
	nodeType: INodeType | IVersionedNodeType;
	parameters: INodeParameters;
	/** JSON of the items fed to the node. Default: one empty item. */
	input?: IDataObject[];
	credentials?: { apiKey: string; baseUrl: string };
	/** Credentials of other types, by type name (e.g. the trigger's callback secret). */
	otherCredentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	typeVersion?: number;
	/** URLs n8n would give the node (resume URL, webhook URL). */
	urls?: { webhookWaitingBaseUrl?: string; webhookBaseUrl?: string; instanceBaseUrl?: string };
	executionId?: string;
}

export interface NodeRunResult {
	run: IRun;
	/** Items per output of the node under test (empty when it did not run or failed). */
	outputs: INodeExecutionData[][];
	/** The error n8n recorded for the node, if it failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
}

export const NODE_UNDER_TEST = 'Under Test';

export function workflowFor(options: RunNodeOptions): IWorkflowBase {
	const typeName = nodeTypeName(options.nodeType);
	const nodes: INode[] = [
		{
			id: 'input',
			name: 'Input',
			type: 'testInput',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.input ?? [{}]) },
		},
		{
			id: 'under-test',
			name: NODE_UNDER_TEST,
			type: typeName,
			typeVersion: options.typeVersion ?? 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: options.credentials
				? { edgesApi: { id: '1', name: 'Edges account' } }
				: undefined,
			continueOnFail: options.continueOnFail,
			onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
		},
	];
	return {
		id: 'test-workflow',
		name: 'test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: { Input: { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] } },
		settings: {},
	} as unknown as IWorkflowBase;
}

export function nodeTypeName(nodeType: INodeType | IVersionedNodeType): string {
	return (nodeType.description as { name: string }).name;
}

export function additionalDataFor(
	options: RunNodeOptions,
	workflowData: IWorkflowBase,
): IWorkflowExecuteAdditionalData {
	const executionId = options.executionId ?? 'test-execution';
	const base = options.urls?.instanceBaseUrl ?? 'http://127.0.0.1:5678/';
	const additionalData = {
		executionId,
		credentialsHelper: new TestCredentialsHelper({
			...options.otherCredentials,
			...(options.credentials ? { edgesApi: options.credentials } : {}),
		}),
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData),
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: options.urls?.webhookBaseUrl ?? `${base}webhook`,
		webhookWaitingBaseUrl: options.urls?.webhookWaitingBaseUrl ?? `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not available in node tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('task runners are not available in node tests');
		},
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}

/** Runs `Input -> node` in n8n's engine and returns what n8n recorded for the node. */
export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const workflowData = workflowFor(options);
	const nodeTypes = new TestNodeTypes({
		testInput: new InputNode(),
		[nodeTypeName(options.nodeType)]: options.nodeType,
	});
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	const additionalData = additionalDataFor(options, workflowData);
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode('Input') ?? undefined,
	});
	return resultOf(run);
}

export function resultOf(run: IRun): NodeRunResult {
	const task = run.data.resultData.runData[NODE_UNDER_TEST]?.[0];
	const outputs = (task?.data?.main ?? []).map((items) => items ?? []);
	const error = (task?.error ?? run.data.resultData.error) as NodeRunResult['error'];
	return { run, outputs, error };
}
