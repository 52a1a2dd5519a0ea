/**
 * The shared secret that authenticates Edges callbacks to our webhooks.
 *
 * Edges cannot sign its callbacks; it can only send back headers we give it in `callback.headers`. The
 * Edges node puts this secret there and the Edges Trigger checks it. Both derive it from the API key of the
 * credential they share (an HMAC, so the key itself never leaves n8n), which is why a user never has to copy
 * a secret between the two nodes. A user whose callbacks come from elsewhere can set a secret by hand instead.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';

/** Header name Edges sends back to us with every callback. */
export const CALLBACK_SECRET_HEADER = 'x-edges-callback-secret';

const DERIVATION_LABEL = 'n8n-nodes-edges/callback-secret/v1';

export function deriveCallbackSecret(apiKey: string): string {
	return createHmac('sha256', apiKey).update(DERIVATION_LABEL).digest('hex');
}

/**
 * Constant-time comparison. Both sides are hashed first so that the comparison takes the same time whatever
 * the lengths, and a missing header compares like a wrong one.
 */
export function callbackSecretMatches(
	expected: string,
	received: string | string[] | undefined,
): boolean {
	if (!expected) return false;
	const value = Array.isArray(received) ? received[0] : received;
	const a = createHash('sha256').update(expected).digest();
	const b = createHash('sha256')
		.update(value ?? '')
		.digest();
	return timingSafeEqual(a, b) && value !== undefined;
}

/** The credential that holds a secret chosen by the user (credentials/EdgesCallbackSecretApi.credentials.ts). */
export const CALLBACK_SECRET_CREDENTIAL = 'edgesCallbackSecretApi';

export interface CallbackSecretCredentialData {
	headerName?: string;
	secret?: string;
}

/** Header names are compared lower-case: Node's HTTP server lower-cases the names of incoming headers. */
export function normaliseHeaderName(name: string | undefined): string {
	return (name ?? '').trim().toLowerCase() || CALLBACK_SECRET_HEADER;
}

// Edges sets the first two on every callback itself, and HTTP rewrites the others on the way; a secret
// there would be overwritten or never arrive.
const HEADERS_A_SECRET_CANNOT_USE = new Set([
	'x-callback-ref',
	'x-run-callback',
	'content-type',
	'content-length',
	'host',
	'transfer-encoding',
	'connection',
]);

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * What is wrong with a callback secret credential, in words for the user, or undefined when it can work.
 * Never quotes the secret.
 */
export function callbackSecretProblem(data: CallbackSecretCredentialData): string | undefined {
	const header = normaliseHeaderName(data.headerName);
	if (!HTTP_TOKEN.test(header)) {
		return `"${header}" cannot be an HTTP header name (letters, digits and dashes, e.g. x-edges-callback-secret).`;
	}
	if (HEADERS_A_SECRET_CANNOT_USE.has(header)) {
		return `The header ${header} is set by Edges or by HTTP itself; choose another name, e.g. x-edges-callback-secret.`;
	}
	const secret = data.secret ?? '';
	if (!secret) return 'The secret is empty; the trigger would refuse every callback.';
	// HTTP drops the spaces around a header value, so such a secret would never match what arrives.
	if (secret !== secret.trim()) {
		return 'The secret starts or ends with a space or line break, which HTTP removes from header values; remove it.';
	}
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
	if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(secret)) {
		return 'The secret contains a control character (e.g. a line break), which cannot travel in an HTTP header.';
	}
	return undefined;
}
