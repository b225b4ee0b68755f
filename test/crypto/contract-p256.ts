/** The P-256 part of the crypto port contract (port.ts `P256`). */
import { expect, it } from 'vitest';
import type { CryptoPort } from '../../agent/crypto/port.ts';
import type { P256Vectors } from './vectors.ts';
import { hex, loadVectors, toHex, utf8 } from './vectors.ts';
import { expectCryptoError, flipS, modPow, P256_N, P256_P, p256Rhs, sOf } from './helpers.ts';

const HALF_N = P256_N >> 1n;

/** The first x ≥ 1 with no point on the curve (x³ − 3x + b a non-residue, Euler's criterion). */
function firstXOffCurve(): bigint {
  for (let x = 1n; ; x++) {
    if (modPow(p256Rhs(x), (P256_P - 1n) / 2n, P256_P) === P256_P - 1n) return x;
  }
}

function compressedOf(x: bigint, odd: boolean): Uint8Array {
  return hex((odd ? '03' : '02') + x.toString(16).padStart(64, '0'));
}

interface Fixture {
  readonly v: P256Vectors;
  readonly d: Uint8Array;
  readonly compressed: Uint8Array;
  readonly uncompressed: Uint8Array;
}

function fixture(): Fixture {
  const v = loadVectors<P256Vectors>('rfc6979-p256.json');
  const yOdd = (BigInt('0x' + v.uy) & 1n) === 1n;
  return {
    v,
    d: hex(v.privateKey),
    compressed: hex((yOdd ? '03' : '02') + v.ux),
    uncompressed: hex('04' + v.ux + v.uy),
  };
}

export function p256Contract(c: CryptoPort): void {
  p256Signatures(c, fixture());
  p256Points(c, fixture());
}

function p256Signatures(c: CryptoPort, { v, d, compressed, uncompressed }: Fixture): void {

  it('P-256 RFC 6979 A.2.5: public key from x, decompress to (Ux, Uy)', () => {
    expect(toHex(c.p256.publicKey(d))).toBe(toHex(compressed));
    expect(toHex(c.p256.decompress(compressed))).toBe(toHex(uncompressed));
  });
  it.each(v.signatures)('P-256 RFC 6979 A.2.5 SHA-256 "$messageUtf8": (r, s) and (r, n − s) verify', (sv) => {
    const sig = hex(sv.r + sv.s);
    const msg = utf8(sv.messageUtf8);
    for (const pub of [compressed, uncompressed]) {
      expect(c.p256.verify(pub, msg, sig)).toBe(true);
      expect(c.p256.verify(pub, msg, flipS(sig))).toBe(true);
      expect(c.p256.verify(pub, utf8(sv.messageUtf8 + '!'), sig)).toBe(false);
    }
  });
  it('P-256 the RFC "sample" signature is high-S, and verify accepts it (TPMs emit such)', () => {
    const sv = v.signatures.find((s) => s.messageUtf8 === 'sample')!;
    expect(BigInt('0x' + sv.s) > HALF_N).toBe(true);
    expect(c.p256.verify(compressed, utf8('sample'), hex(sv.r + sv.s))).toBe(true);
  });
  it('P-256 sign emits low-S signatures that verify, and their high-S twins verify too', () => {
    for (let i = 0; i < 24; i++) {
      const msg = utf8(`message ${i}`);
      const sig = c.p256.sign(d, msg);
      expect(sig).toHaveLength(64);
      expect(sOf(sig) <= HALF_N).toBe(true);
      expect(c.p256.verify(compressed, msg, sig)).toBe(true);
      const high = flipS(sig);
      expect(sOf(high) > HALF_N).toBe(true);
      expect(c.p256.verify(uncompressed, msg, high)).toBe(true);
    }
  });
  it('P-256 verify is false, never a throw, for garbage signatures', () => {
    const msg = utf8('sample');
    const sv = v.signatures[0]!;
    const nHex = P256_N.toString(16);
    for (const bad of [new Uint8Array(64), new Uint8Array(64).fill(0xff), hex(sv.r + nHex), hex(nHex + sv.s), hex(sv.r + sv.s).subarray(0, 63), new Uint8Array(72)]) {
      expect(c.p256.verify(compressed, msg, bad)).toBe(false);
    }
  });
}

function p256Points(c: CryptoPort, { v, compressed, uncompressed }: Fixture): void {
  it('P-256 points not on the curve: decompress throws INVALID_POINT, verify is false', () => {
    const x = firstXOffCurve();
    const sig = hex(v.signatures[0]!.r + v.signatures[0]!.s);
    for (const bad of [compressedOf(x, false), compressedOf(x, true), compressedOf(P256_P, false)]) {
      expectCryptoError(() => c.p256.decompress(bad), 'INVALID_POINT');
      expect(c.p256.verify(bad, utf8('sample'), sig)).toBe(false);
    }
    const wrongPrefix = Uint8Array.from(compressed);
    wrongPrefix[0] = 0x04;
    expectCryptoError(() => c.p256.decompress(wrongPrefix), 'INVALID_POINT');
    const offCurve = Uint8Array.from(uncompressed);
    offCurve[64]! ^= 1;
    expect(c.p256.verify(offCurve, utf8('sample'), sig)).toBe(false);
  });
  it('P-256 decompress gives y with y² = x³ − 3x + b and the requested parity', () => {
    for (let x = 1n; x < 12n; x++) {
      const rhs = p256Rhs(x);
      if (modPow(rhs, (P256_P - 1n) / 2n, P256_P) !== 1n) continue;
      for (const odd of [false, true]) {
        const out = c.p256.decompress(compressedOf(x, odd));
        const y = BigInt('0x' + toHex(out.subarray(33)));
        expect((y * y) % P256_P).toBe(rhs);
        expect((y & 1n) === 1n).toBe(odd);
      }
    }
  });
  it('P-256 refuses wrong lengths (RangeError) and scalars outside [1, n − 1] (INVALID_KEY)', () => {
    expect(() => c.p256.publicKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => c.p256.sign(new Uint8Array(33), utf8('x'))).toThrow(RangeError);
    expect(() => c.p256.verify(new Uint8Array(64), utf8('x'), new Uint8Array(64))).toThrow(RangeError);
    expect(() => c.p256.decompress(uncompressed)).toThrow(RangeError);
    for (const bad of [new Uint8Array(32), hex(P256_N.toString(16)), new Uint8Array(32).fill(0xff)]) {
      expectCryptoError(() => c.p256.publicKey(bad), 'INVALID_KEY');
      expectCryptoError(() => c.p256.sign(bad, utf8('x')), 'INVALID_KEY');
    }
    expect(c.p256.publicKey(hex((P256_N - 1n).toString(16)))).toHaveLength(33);
  });
}
