// Why this file exists: the simulator must be deterministic for a given seed (uids, generated people,
// shuffled callback order), so it draws every "random" value from these small seeded generators instead
// of Math.random.

// Globals are read once into module constants: inside Jest's vm sandbox every global lookup is slow, and
// these functions run millions of times when a page of outputs is generated.
const imul = Math.imul;
const floor = Math.floor;

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for test data, fully reproducible from its seed. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = imul(t ^ (t >>> 15), t | 1);
		t ^= t + imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a over the parts, then a murmur3 finaliser: a stable 32-bit hash of (seed, input, index...). */
export function hash32(...parts: Array<string | number>): number {
	let h = 0x811c9dc5;
	for (const part of parts) {
		const text = typeof part === 'number' ? `#${part}` : part;
		for (let i = 0; i < text.length; i++) {
			h ^= text.charCodeAt(i);
			h = imul(h, 0x01000193);
		}
		h ^= 0xff;
		h = imul(h, 0x01000193);
	}
	h ^= h >>> 16;
	h = imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** A seeded random stream with the helpers the simulator needs. */
export class Rng {
	private readonly next: () => number;

	constructor(seed: number) {
		this.next = mulberry32(seed);
	}

	float(): number {
		return this.next();
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return floor(this.next() * n);
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	/** An RFC 4122 version-4-shaped uuid, drawn from this stream. */
	uuid(): string {
		return uuidFromWords(this.word(), this.word(), this.word(), this.word());
	}

	/** Fisher-Yates, in place. */
	shuffle<T>(items: T[]): T[] {
		for (let i = items.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			[items[i], items[j]] = [items[j], items[i]];
		}
		return items;
	}

	private word(): number {
		return floor(this.next() * 4294967296) >>> 0;
	}
}

/** A uuid derived from a hash of the parts: the same parts always give the same uuid (lazy records). */
export function hashedUuid(...parts: Array<string | number>): string {
	return uuidFromWords(
		hash32(...parts, 1),
		hash32(...parts, 2),
		hash32(...parts, 3),
		hash32(...parts, 4),
	);
}

function uuidFromWords(a: number, b: number, c: number, d: number): string {
	const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
	const bHex = hex(b);
	const cHex = hex(((c & 0x3fffffff) | 0x80000000) >>> 0);
	return [
		hex(a),
		bHex.slice(0, 4),
		'4' + bHex.slice(5, 8),
		cHex.slice(0, 4),
		cHex.slice(4, 8) + hex(d),
	].join('-');
}
