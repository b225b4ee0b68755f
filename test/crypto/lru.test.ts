import { describe, expect, it } from 'vitest';
import { Lru } from '../../agent/crypto/lru.ts';
import { defaultCrypto } from '../../agent/crypto/index.ts';

describe('Lru (the node adapter key cache)', () => {
  it('evicts the least recently used entry, and a hit refreshes recency', () => {
    const made: string[] = [];
    const lru = new Lru<string, string>(2);
    const get = (k: string): string => lru.getOrCreate(k, () => (made.push(k), k.toUpperCase()));
    expect(get('a')).toBe('A');
    get('b');
    get('a'); // a is now the most recent; b the oldest
    get('c'); // evicts b
    expect(lru.size).toBe(2);
    get('a');
    expect(made).toEqual(['a', 'b', 'c']);
    get('b'); // a miss again
    expect(made).toEqual(['a', 'b', 'c', 'b']);
  });
  it('does not cache a value whose creation threw', () => {
    const lru = new Lru<string, number>(4);
    expect(() => lru.getOrCreate('x', () => { throw new Error('bad key'); })).toThrow('bad key');
    expect(lru.size).toBe(0);
    expect(lru.getOrCreate('x', () => 7)).toBe(7);
  });
  it('refuses a non-positive size', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});

describe('defaultCrypto', () => {
  it('is node by default, noble under IP2_CRYPTO=noble, and a fresh instance each call', () => {
    expect(defaultCrypto({}).name).toBe('node');
    expect(defaultCrypto({ IP2_CRYPTO: 'noble' }).name).toBe('noble');
    expect(defaultCrypto({})).not.toBe(defaultCrypto({}));
  });
});
