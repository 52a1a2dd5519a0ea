import { callbackSecretMatches, deriveCallbackSecret } from '../../nodes/shared/callbackSecret';

describe('callback secret', () => {
	it('is derived from the API key, the same on both sides and different for another key', () => {
		const secret = deriveCallbackSecret('key-1');
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(deriveCallbackSecret('key-1')).toBe(secret);
		expect(deriveCallbackSecret('key-2')).not.toBe(secret);
		expect(secret).not.toContain('key-1');
	});

	it('accepts only the exact secret', () => {
		const secret = deriveCallbackSecret('key-1');
		expect(callbackSecretMatches(secret, secret)).toBe(true);
		expect(callbackSecretMatches(secret, [secret])).toBe(true);
		expect(callbackSecretMatches(secret, secret.slice(0, -1))).toBe(false);
		expect(callbackSecretMatches(secret, `${secret}0`)).toBe(false);
		expect(callbackSecretMatches(secret, undefined)).toBe(false);
		expect(callbackSecretMatches(secret, '')).toBe(false);
		expect(callbackSecretMatches('', '')).toBe(false);
	});
});
