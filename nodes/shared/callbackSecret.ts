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
