/**
 * Differential property tests: the node:crypto and noble adapters agree byte for byte on random
 * inputs, and refuse the same inputs with the same error code. Two independent implementations
 * agreeing is the check that neither is merely consistent with itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNobleCrypto } from '../../agent/crypto/noble-adapter.ts';
import { createNodeCrypto } from '../../agent/crypto/node-adapter.ts';
import { CryptoError } from '../../agent/crypto/errors.ts';
import { flipS, P256_N, sOf } from './helpers.ts';
import { toHex } from './vectors.ts';

const node = createNodeCrypto();
const noble = createNobleCrypto();
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });
const key32 = bytes(32, 32);

/** Runs fn, giving its hex output or the CryptoError code it threw (anything else fails). */
function outcome(fn: () => Uint8Array): string {
  try {
    return toHex(fn());
  } catch (err) {
    if (err instanceof CryptoError) return `error:${err.code}`;
    throw err;
  }
}

describe('node and noble agree: hashes and key derivation', () => {
  it('SHA-256 over random parts, HMAC-SHA-256 with keys shorter and longer than a block', () => {
    fc.assert(
      fc.property(fc.array(bytes(0, 300), { maxLength: 4 }), bytes(0, 200), bytes(0, 300), (parts, key, data) => {
        expect(toHex(node.sha256(...parts))).toBe(toHex(noble.sha256(...parts)));
        expect(toHex(node.hmacSha256(key, data))).toBe(toHex(noble.hmacSha256(key, data)));
      }),
      { numRuns: 200 },
    );
  });

  it('HKDF-SHA-256 for random ikm, salt, info and length', () => {
    fc.assert(
      fc.property(bytes(0, 100), bytes(0, 100), bytes(0, 100), fc.integer({ min: 1, max: 600 }), (ikm, salt, info, len) => {
        expect(toHex(node.hkdfSha256(ikm, salt, info, len))).toBe(toHex(noble.hkdfSha256(ikm, salt, info, len)));
      }),
      { numRuns: 150 },
    );
  });

});

describe('node and noble agree: Ed25519 and X25519', () => {
  it('Ed25519 public keys and signatures are identical and cross-verify; tampered ones fail in both', () => {
    fc.assert(
      fc.property(key32, bytes(0, 200), fc.nat(511), (seed, msg, bit) => {
        const pub = node.ed25519.publicKey(seed);
        expect(toHex(pub)).toBe(toHex(noble.ed25519.publicKey(seed)));
        const sig = node.ed25519.sign(seed, msg);
        expect(toHex(sig)).toBe(toHex(noble.ed25519.sign(seed, msg)));
        expect(noble.ed25519.verify(pub, msg, sig)).toBe(true);
        expect(node.ed25519.verify(pub, msg, sig)).toBe(true);
        const bad = Uint8Array.from(sig);
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(node.ed25519.verify(pub, msg, bad)).toBe(false);
        expect(noble.ed25519.verify(pub, msg, bad)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('Ed25519 verify gives the same answer for random 32-byte public keys (mostly non-points)', () => {
    const seed = new Uint8Array(32).fill(9);
    const msg = new Uint8Array([1, 2, 3]);
    const sig = noble.ed25519.sign(seed, msg);
    fc.assert(
      fc.property(key32, (pub) => {
        expect(node.ed25519.verify(pub, msg, sig)).toBe(noble.ed25519.verify(pub, msg, sig));
      }),
      { numRuns: 100 },
    );
  });

  it('X25519 public keys and shared secrets for any 32-byte private key and u-coordinate', () => {
    fc.assert(
      fc.property(key32, key32, (k, u) => {
        expect(toHex(node.x25519.publicKey(k))).toBe(toHex(noble.x25519.publicKey(k)));
        expect(outcome(() => node.x25519.sharedSecret(k, u))).toBe(outcome(() => noble.x25519.sharedSecret(k, u)));
      }),
      { numRuns: 60 },
    );
  });

});

describe('node and noble agree: ChaCha20 and ChaCha20-Poly1305', () => {
  it('ChaCha20-Poly1305 seal is identical and each opens the other', () => {
    fc.assert(
      fc.property(key32, bytes(12, 12), bytes(0, 2100), bytes(0, 64), (key, nonce, pt, aad) => {
        const a = node.chacha20poly1305.seal(key, nonce, pt, aad);
        expect(toHex(a)).toBe(toHex(noble.chacha20poly1305.seal(key, nonce, pt, aad)));
        expect(toHex(noble.chacha20poly1305.open(key, nonce, a, aad))).toBe(toHex(pt));
        expect(toHex(node.chacha20poly1305.open(key, nonce, a, aad))).toBe(toHex(pt));
      }),
      { numRuns: 150 },
    );
  });

  it('ChaCha20 raw keystream for random counters, including near the top of the 32-bit range', () => {
    const counter = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 2 ** 32 - 2 - 40, max: 2 ** 32 - 2 - 33 }));
    fc.assert(
      fc.property(key32, bytes(12, 12), counter, bytes(0, 2100), (key, nonce, ctr, data) => {
        expect(toHex(node.chacha20(key, nonce, ctr, data))).toBe(toHex(noble.chacha20(key, nonce, ctr, data)));
      }),
      { numRuns: 150 },
    );
  });

  it('ChaCha20 contexts equal chacha20, fresh and in place, for random keys, nonces, counters and lengths', () => {
    const counter = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 2 ** 32 - 2 - 40, max: 2 ** 32 - 2 - 33 }));
    // lengths on both sides of the node adapter's JavaScript/OpenSSL switch (CHACHA_JS_MAX_LENGTH)
    const data = fc.oneof(bytes(0, 80), bytes(440, 600), bytes(0, 2100));
    fc.assert(
      fc.property(key32, bytes(12, 12), counter, data, (key, nonce, ctr, msg) => {
        const want = toHex(noble.chacha20(key, nonce, ctr, msg));
        expect(toHex(node.chacha20(key, nonce, ctr, msg))).toBe(want);
        for (const port of [node, noble]) {
          const ctx = port.chacha20Context(key);
          const before = toHex(msg);
          expect(toHex(ctx.xor(nonce, ctr, msg))).toBe(want);
          expect(toHex(ctx.xor(nonce, ctr, msg, new Uint8Array(msg.length)))).toBe(want);
          expect(toHex(msg)).toBe(before);
          const buf = msg.slice();
          expect(ctx.xor(nonce, ctr, buf, buf)).toBe(buf);
          expect(toHex(buf)).toBe(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ChaCha20 contexts in place on views at odd offsets of a larger buffer (as tunnel cells are)', () => {
    fc.assert(
      fc.property(key32, bytes(12, 12), fc.nat(7), fc.integer({ min: 0, max: 1100 }), (key, nonce, off, len) => {
        const backing = node.randomBytes(off + len + 5);
        const view = backing.subarray(off, off + len);
        const want = toHex(noble.chacha20(key, nonce, 0, view));
        const copy = backing.slice();
        const nodeView = copy.subarray(off, off + len);
        node.chacha20Context(key).xor(nonce, 0, nodeView, nodeView);
        expect(toHex(nodeView)).toBe(want);
        expect(toHex(copy.subarray(0, off))).toBe(toHex(backing.subarray(0, off)));
        expect(toHex(copy.subarray(off + len))).toBe(toHex(backing.subarray(off + len)));
        noble.chacha20Context(key).xor(nonce, 0, view, view);
        expect(toHex(view)).toBe(want);
      }),
      { numRuns: 100 },
    );
  });

});

describe('node and noble agree: P-256', () => {
  it('P-256 public keys match; signatures (and their high-S twins) cross-verify; both are low-S', () => {
    const scalar = key32.filter((d) => {
      const v = BigInt('0x' + toHex(d));
      return v > 0n && v < P256_N;
    });
    fc.assert(
      fc.property(scalar, bytes(0, 200), (d, msg) => {
        const pub = node.p256.publicKey(d);
        expect(toHex(pub)).toBe(toHex(noble.p256.publicKey(d)));
        expect(toHex(node.p256.decompress(pub))).toBe(toHex(noble.p256.decompress(pub)));
        for (const [signer, verifier] of [[node, noble], [noble, node]] as const) {
          const sig = signer.p256.sign(d, msg);
          expect(sOf(sig) <= P256_N >> 1n).toBe(true);
          expect(verifier.p256.verify(pub, msg, sig)).toBe(true);
          expect(verifier.p256.verify(verifier.p256.decompress(pub), msg, flipS(sig))).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('P-256 decompress agrees on random x (a point, or INVALID_POINT in both)', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 3), key32, (prefix, x) => {
        const c = Uint8Array.from([prefix, ...x]);
        expect(outcome(() => node.p256.decompress(c))).toBe(outcome(() => noble.p256.decompress(c)));
      }),
      { numRuns: 100 },
    );
  });
});
