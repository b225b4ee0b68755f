/**
 * The crypto port's contract suite (port.ts), run against every adapter: standard vectors from
 * test/vectors/ (sources in its README) plus the refusals the contract promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoPort } from '../../agent/crypto/port.ts';
import type { ChaChaVectors, Ed25519Vectors, HashVectors, HkdfVectors, X25519Vectors } from './vectors.ts';
import { hex, loadVectors, toHex, utf8 } from './vectors.ts';
import { expectCryptoError } from './helpers.ts';
import { p256Contract } from './contract-p256.ts';

export function runCryptoContract(name: 'node' | 'noble', factory: () => CryptoPort): void {
  describe(`crypto port contract: ${name}`, () => {
    const c = factory();
    it('names itself', () => expect(c.name).toBe(name));
    hashContract(c);
    ed25519Contract(c);
    x25519Contract(c);
    aeadContract(c);
    chachaContract(c);
    chachaContextContract(c);
    p256Contract(c);
    totalityContract(c);
  });
}

/** port.ts: verify returns a boolean for any signature bytes and any right-length key. */
function totalityContract(c: CryptoPort): void {
  const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });
  it('verify never throws for arbitrary keys of the right length and arbitrary signature bytes', () => {
    const p256Key = fc.oneof(
      fc.tuple(fc.constantFrom(2, 3), bytes(32, 32)).map(([p, x]) => Uint8Array.from([p, ...x])),
      bytes(33, 33),
      bytes(65, 65),
      fc.tuple(fc.constant(4), bytes(64, 64)).map(([p, xy]) => Uint8Array.from([p, ...xy])),
    );
    fc.assert(
      fc.property(bytes(32, 32), p256Key, bytes(0, 80), bytes(0, 40), (edKey, pKey, sig, msg) => {
        expect(typeof c.ed25519.verify(edKey, msg, sig)).toBe('boolean');
        expect(typeof c.p256.verify(pKey, msg, sig)).toBe('boolean');
        expect(c.p256.verify(pKey, msg, sig)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
}

function hashContract(c: CryptoPort): void {
  const hv = loadVectors<HashVectors>('sha256-hmac.json');
  const kv = loadVectors<HkdfVectors>('rfc5869-hkdf-sha256.json');
  it.each(hv.sha256)('SHA-256 $name', (v) => {
    const m = utf8(v.messageUtf8);
    expect(toHex(c.sha256(m))).toBe(v.digest);
    expect(toHex(c.sha256(m.subarray(0, 1), m.subarray(1, 2), m.subarray(2)))).toBe(v.digest);
  });
  it.each(hv.hmac)('HMAC-SHA-256 $name', (v) => {
    expect(toHex(c.hmacSha256(hex(v.key), hex(v.data)))).toBe(v.mac);
  });
  it.each(kv.vectors)('HKDF-SHA-256 RFC 5869 $name (PRK via HMAC, OKM)', (v) => {
    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt is HashLen zeros, which HMAC pads to.
    expect(toHex(c.hmacSha256(hex(v.salt), hex(v.ikm)))).toBe(v.prk);
    expect(toHex(c.hkdfSha256(hex(v.ikm), hex(v.salt), hex(v.info), v.length))).toBe(v.okm);
  });
  it('HKDF refuses lengths outside [1, 255 × 32]', () => {
    const z = new Uint8Array(0);
    expect(() => c.hkdfSha256(z, z, z, 0)).toThrow(RangeError);
    expect(() => c.hkdfSha256(z, z, z, 255 * 32 + 1)).toThrow(RangeError);
    expect(c.hkdfSha256(z, z, z, 255 * 32)).toHaveLength(255 * 32);
  });
  it('randomBytes: right length, fresh output, bad lengths refused', () => {
    expect(c.randomBytes(0)).toHaveLength(0);
    const a = c.randomBytes(32);
    const b = c.randomBytes(32);
    expect(a).toHaveLength(32);
    expect(toHex(a)).not.toBe(toHex(b));
    for (const bad of [-1, 1.5, 65537, Number.NaN]) expect(() => c.randomBytes(bad)).toThrow(RangeError);
  });
}

function ed25519Contract(c: CryptoPort): void {
  const ev = loadVectors<Ed25519Vectors>('rfc8032-ed25519.json');
  it.each(ev.vectors)('Ed25519 RFC 8032 §7.1 $name', (v) => {
    const seed = hex(v.secretKey);
    const pub = hex(v.publicKey);
    const msg = hex(v.message);
    expect(toHex(c.ed25519.publicKey(seed))).toBe(v.publicKey);
    expect(toHex(c.ed25519.sign(seed, msg))).toBe(v.signature);
    expect(c.ed25519.verify(pub, msg, hex(v.signature))).toBe(true);
    const other = Uint8Array.from([...msg, 0]);
    expect(c.ed25519.verify(pub, other, hex(v.signature))).toBe(false);
  });
  it('Ed25519 verify is false, never a throw, for bad signatures and non-points', () => {
    const v = ev.vectors[1]!;
    const pub = hex(v.publicKey);
    const msg = hex(v.message);
    const sig = hex(v.signature);
    const flipped = Uint8Array.from(sig);
    flipped[10]! ^= 1;
    expect(c.ed25519.verify(pub, msg, flipped)).toBe(false);
    expect(c.ed25519.verify(pub, msg, new Uint8Array(64))).toBe(false);
    expect(c.ed25519.verify(pub, msg, sig.subarray(0, 63))).toBe(false);
    expect(c.ed25519.verify(pub, msg, new Uint8Array(65))).toBe(false);
    // S ≥ L is non-canonical (RFC 8032 §5.1.7 step 1): all-ones S must be refused.
    const bigS = Uint8Array.from(sig);
    bigS.fill(0xff, 32);
    expect(c.ed25519.verify(pub, msg, bigS)).toBe(false);
    // y = 2 is not the y of any point on edwards25519 (x² would be a non-square).
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(c.ed25519.verify(notAPoint, msg, sig)).toBe(false);
  });
  it('Ed25519 wrong lengths are RangeErrors', () => {
    expect(() => c.ed25519.publicKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => c.ed25519.sign(new Uint8Array(33), new Uint8Array(0))).toThrow(RangeError);
    expect(() => c.ed25519.verify(new Uint8Array(31), new Uint8Array(0), new Uint8Array(64))).toThrow(RangeError);
  });
  it('outputs are fresh: mutating one does not change the next', () => {
    const seed = hex(ev.vectors[0]!.secretKey);
    const a = c.ed25519.publicKey(seed);
    a.fill(0);
    expect(toHex(c.ed25519.publicKey(seed))).toBe(ev.vectors[0]!.publicKey);
  });
}

/** RFC 7748 §6.1 / libsodium's blocklist: u-coordinates whose X25519 output is all zero. */
const LOW_ORDER_U = [
  '0000000000000000000000000000000000000000000000000000000000000000', // 0
  '0100000000000000000000000000000000000000000000000000000000000000', // 1 (order 4)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p − 1 (order 2)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p ≡ 0
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 ≡ 1
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
];

function x25519Contract(c: CryptoPort): void {
  const xv = loadVectors<X25519Vectors>('rfc7748-x25519.json');
  it.each(xv.scalarMult)('X25519 RFC 7748 §5.2 scalar $scalar', (v) => {
    expect(toHex(c.x25519.sharedSecret(hex(v.scalar), hex(v.u)))).toBe(v.output);
  });
  it('X25519 RFC 7748 §5.2 iterated, 1 and 1,000 iterations', () => {
    let k = hex(xv.iterated.start);
    let u = hex(xv.iterated.start);
    for (let i = 1; i <= 1000; i++) {
      const next = c.x25519.sharedSecret(k, u);
      u = k;
      k = next;
      if (i === 1) expect(toHex(k)).toBe(xv.iterated.after1);
    }
    expect(toHex(k)).toBe(xv.iterated.after1000);
  });
  it('X25519 RFC 7748 §6.1 Alice and Bob', () => {
    const d = xv.dh;
    expect(toHex(c.x25519.publicKey(hex(d.alicePrivate)))).toBe(d.alicePublic);
    expect(toHex(c.x25519.publicKey(hex(d.bobPrivate)))).toBe(d.bobPublic);
    expect(toHex(c.x25519.sharedSecret(hex(d.alicePrivate), hex(d.bobPublic)))).toBe(d.shared);
    expect(toHex(c.x25519.sharedSecret(hex(d.bobPrivate), hex(d.alicePublic)))).toBe(d.shared);
  });
  it.each(LOW_ORDER_U)('X25519 low-order point %s → X25519_LOW_ORDER', (u) => {
    expectCryptoError(() => c.x25519.sharedSecret(hex(xv.dh.alicePrivate), hex(u)), 'X25519_LOW_ORDER');
  });
  it('X25519 wrong lengths are RangeErrors', () => {
    expect(() => c.x25519.publicKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => c.x25519.sharedSecret(new Uint8Array(32), new Uint8Array(33))).toThrow(RangeError);
    expect(() => c.x25519.sharedSecret(new Uint8Array(16), new Uint8Array(32))).toThrow(RangeError);
  });
}

function aeadContract(c: CryptoPort): void {
  const cv = loadVectors<ChaChaVectors>('rfc8439-chacha20.json');
  const a = c.chacha20poly1305;
  it.each(cv.aead)('ChaCha20-Poly1305 RFC 8439 $name seal and open', (v) => {
    const pt = hex(v.plaintext);
    const copy = Uint8Array.from(pt);
    expect(toHex(a.seal(hex(v.key), hex(v.nonce), pt, hex(v.aad)))).toBe(v.ciphertext + v.tag);
    expect(pt).toEqual(copy);
    expect(toHex(a.open(hex(v.key), hex(v.nonce), hex(v.ciphertext + v.tag), hex(v.aad)))).toBe(v.plaintext);
  });
  it('ChaCha20-Poly1305 refuses a bad tag, ciphertext, AAD or a too-short input', () => {
    const v = cv.aead[0]!;
    const [key, nonce, aad] = [hex(v.key), hex(v.nonce), hex(v.aad)];
    const sealed = hex(v.ciphertext + v.tag);
    for (const at of [sealed.length - 1, 0, 57]) {
      const bad = Uint8Array.from(sealed);
      bad[at]! ^= 0x80;
      expectCryptoError(() => a.open(key, nonce, bad, aad), 'AEAD_AUTH_FAILED');
    }
    expectCryptoError(() => a.open(key, nonce, sealed, aad.subarray(1)), 'AEAD_AUTH_FAILED');
    expectCryptoError(() => a.open(key, nonce, sealed), 'AEAD_AUTH_FAILED');
    expectCryptoError(() => a.open(key, nonce, sealed.subarray(0, 15), aad), 'AEAD_AUTH_FAILED');
    expectCryptoError(() => a.open(key, nonce, sealed.subarray(sealed.length - 16), aad), 'AEAD_AUTH_FAILED');
  });
  it('ChaCha20-Poly1305 empty plaintext and default AAD round-trip', () => {
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(12).fill(9);
    const sealed = a.seal(key, nonce, new Uint8Array(0));
    expect(sealed).toHaveLength(16);
    expect(a.open(key, nonce, sealed)).toHaveLength(0);
    expect(a.open(key, nonce, a.seal(key, nonce, utf8('hi')), new Uint8Array(0))).toEqual(utf8('hi'));
  });
  it('ChaCha20-Poly1305 wrong key or nonce length is a RangeError', () => {
    const z = new Uint8Array(0);
    expect(() => a.seal(new Uint8Array(31), new Uint8Array(12), z)).toThrow(RangeError);
    expect(() => a.seal(new Uint8Array(32), new Uint8Array(8), z)).toThrow(RangeError);
    expect(() => a.open(new Uint8Array(32), new Uint8Array(24), new Uint8Array(16))).toThrow(RangeError);
  });
}

function chachaContract(c: CryptoPort): void {
  const cv = loadVectors<ChaChaVectors>('rfc8439-chacha20.json');
  it.each(cv.chacha20)('ChaCha20 RFC 8439 $name', (v) => {
    const [key, nonce] = [hex(v.key), hex(v.nonce)];
    expect(toHex(c.chacha20(key, nonce, v.counter, hex(v.plaintext)))).toBe(v.ciphertext);
    expect(toHex(c.chacha20(key, nonce, v.counter, hex(v.ciphertext)))).toBe(v.plaintext);
  });
  it('ChaCha20 keystream at counter k+1 is the second block of the keystream at k', () => {
    const key = new Uint8Array(32).fill(1);
    const nonce = new Uint8Array(12).fill(2);
    const two = c.chacha20(key, nonce, 5, new Uint8Array(128));
    expect(toHex(c.chacha20(key, nonce, 6, new Uint8Array(64)))).toBe(toHex(two.subarray(64)));
  });
  it('ChaCha20 refuses bad counters, a wrapping counter and wrong lengths', () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(12);
    for (const bad of [-1, 2 ** 32 - 1, 2 ** 32, 1.5]) {
      expect(() => c.chacha20(key, nonce, bad, new Uint8Array(1))).toThrow(RangeError);
    }
    // Counters up to 2³² − 2 work; a message may not reach block counter 2³² − 1 (constants.ts).
    expect(c.chacha20(key, nonce, 2 ** 32 - 2, new Uint8Array(64))).toHaveLength(64);
    expect(c.chacha20(key, nonce, 2 ** 32 - 3, new Uint8Array(128))).toHaveLength(128);
    expect(() => c.chacha20(key, nonce, 2 ** 32 - 2, new Uint8Array(65))).toThrow(RangeError);
    expect(() => c.chacha20(new Uint8Array(16), nonce, 0, new Uint8Array(1))).toThrow(RangeError);
    expect(() => c.chacha20(key, new Uint8Array(8), 0, new Uint8Array(1))).toThrow(RangeError);
  });
}

/** port.ts `ChaCha20Context`: the same bytes and refusals as `chacha20`, with `out` and in place. */
function chachaContextContract(c: CryptoPort): void {
  const cv = loadVectors<ChaChaVectors>('rfc8439-chacha20.json');
  it.each(cv.chacha20)('ChaCha20 context RFC 8439 $name: fresh, into out, in place', (v) => {
    const ctx = c.chacha20Context(hex(v.key));
    const nonce = hex(v.nonce);
    const pt = hex(v.plaintext);
    expect(toHex(ctx.xor(nonce, v.counter, pt))).toBe(v.ciphertext);
    expect(toHex(pt)).toBe(v.plaintext);
    const out = new Uint8Array(pt.length);
    expect(ctx.xor(nonce, v.counter, pt, out)).toBe(out);
    expect(toHex(out)).toBe(v.ciphertext);
    expect(toHex(pt)).toBe(v.plaintext);
    const buf = hex(v.ciphertext);
    expect(ctx.xor(nonce, v.counter, buf, buf)).toBe(buf);
    expect(toHex(buf)).toBe(v.plaintext);
  });
  it('ChaCha20 context RFC 8439 §2.4.2 inside a long message (past any short-message path)', () => {
    const v = cv.chacha20.find((x) => x.name === '§2.4.2');
    if (v === undefined) throw new Error('vector §2.4.2 missing');
    const ctx = c.chacha20Context(hex(v.key));
    const pt = hex(v.plaintext);
    for (const total of [513, 1008, 4096]) {
      const long = new Uint8Array(total);
      long.set(pt);
      expect(toHex(ctx.xor(hex(v.nonce), v.counter, long, long).subarray(0, pt.length))).toBe(v.ciphertext);
      expect(toHex(long.subarray(pt.length))).toBe(toHex(c.chacha20(hex(v.key), hex(v.nonce), v.counter, new Uint8Array(total)).subarray(pt.length)));
    }
  });
  it('ChaCha20 context keeps its own copy of the key and serves many messages', () => {
    const key = new Uint8Array(32).fill(3);
    const ctx = c.chacha20Context(key);
    const nonce = new Uint8Array(12).fill(4);
    const first = toHex(ctx.xor(nonce, 7, new Uint8Array(100)));
    key.fill(0);
    expect(toHex(ctx.xor(nonce, 7, new Uint8Array(100)))).toBe(first);
    expect(toHex(ctx.xor(nonce, 7, new Uint8Array(100)))).toBe(toHex(c.chacha20(new Uint8Array(32).fill(3), nonce, 7, new Uint8Array(100))));
    expect(ctx.xor(nonce, 0, new Uint8Array(0))).toHaveLength(0);
  });
  it('ChaCha20 context refuses what chacha20 refuses, and an out of the wrong length', () => {
    expect(() => c.chacha20Context(new Uint8Array(16))).toThrow(RangeError);
    expect(() => c.chacha20Context(new Uint8Array(33))).toThrow(RangeError);
    const ctx = c.chacha20Context(new Uint8Array(32));
    const nonce = new Uint8Array(12);
    for (const bad of [-1, 2 ** 32 - 1, 2 ** 32, 1.5]) {
      expect(() => ctx.xor(nonce, bad, new Uint8Array(1))).toThrow(RangeError);
    }
    expect(ctx.xor(nonce, 2 ** 32 - 2, new Uint8Array(64))).toHaveLength(64);
    expect(ctx.xor(nonce, 2 ** 32 - 3, new Uint8Array(128))).toHaveLength(128);
    expect(() => ctx.xor(nonce, 2 ** 32 - 2, new Uint8Array(65))).toThrow(RangeError);
    expect(() => ctx.xor(nonce, 2 ** 32 - 12, new Uint8Array(1000))).toThrow(RangeError);
    expect(() => ctx.xor(new Uint8Array(8), 0, new Uint8Array(1))).toThrow(RangeError);
    const data = new Uint8Array(10).fill(9);
    expect(() => ctx.xor(nonce, 0, data, new Uint8Array(9))).toThrow(RangeError);
    expect(() => ctx.xor(nonce, 0, data, new Uint8Array(11))).toThrow(RangeError);
    expect(toHex(data)).toBe('09'.repeat(10)); // refused before any work
  });
}
