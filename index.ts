// The package's entry point for tools that `require` it; n8n itself loads the files listed in package.json `n8n`.
export { EdgesApi } from './credentials/EdgesApi.credentials';
export { EdgesCallbackSecretApi } from './credentials/EdgesCallbackSecretApi.credentials';
