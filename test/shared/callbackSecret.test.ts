import {
	callbackSecretMatches,
	callbackSecretProblem,
	deriveCallbackSecret,
	normaliseHeaderName,
} from '../../nodes/shared/callbackSecret';

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

describe('callback secret credential check', () => {
	const good = { headerName: 'X-Acme-Secret', secret: 'a-long-random-secret' };

	it('accepts a header name and a secret that can travel in callback.headers', () => {
		expect(callbackSecretProblem(good)).toBeUndefined();
		expect(callbackSecretProblem({ secret: good.secret })).toBeUndefined();
		expect(normaliseHeaderName(' X-Acme-Secret ')).toBe('x-acme-secret');
		expect(normaliseHeaderName('')).toBe('x-edges-callback-secret');
	});

	it.each([
		[{ ...good, secret: '' }, /empty/],
		[{ ...good, secret: ` ${good.secret}` }, /space/],
		[{ ...good, secret: `${good.secret}\n` }, /space or line break/],
		[{ ...good, secret: 'two\nlines' }, /control character/],
		[{ ...good, headerName: 'x acme' }, /cannot be an HTTP header name/],
		[{ ...good, headerName: 'X-Callback-Ref' }, /set by Edges/],
		[{ ...good, headerName: 'content-type' }, /set by Edges or by HTTP/],
	])('names the problem of %j without quoting the secret', (data, message) => {
		const problem = callbackSecretProblem(data);
		expect(problem).toMatch(message);
		if (data.secret) expect(problem).not.toContain(data.secret.trim());
	});
});
