/** Helpers shared by the crypto tests: P-256 facts typed from the spec, error assertions. */
import { expect } from 'vitest';
import { CryptoError } from '../../agent/crypto/errors.ts';
import { hex, toHex } from './vectors.ts';

/** SEC 2 v2 §2.4.2: P-256 field prime p, coefficient b and group order n (a = −3). */
export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
export const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export function sOf(sig: Uint8Array): bigint {
  return BigInt('0x' + toHex(sig.subarray(32)));
}

/** The other valid signature (r, n − s): high-S when the input is low-S and vice versa. */
export function flipS(sig: Uint8Array): Uint8Array {
  const out = Uint8Array.from(sig);
  out.set(hex((P256_N - sOf(sig)).toString(16).padStart(64, '0')), 32);
  return out;
}

export function expectCryptoError(fn: () => unknown, code: CryptoError['code']): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CryptoError);
  expect((caught as CryptoError).code).toBe(code);
  expect((caught as CryptoError).badInput).toBe(true);
}

/** a^e mod m by square-and-multiply (test reference only; not constant-time). */
export function modPow(a: bigint, e: bigint, m: bigint): bigint {
  let result = 1n;
  let base = ((a % m) + m) % m;
  for (let x = e; x > 0n; x >>= 1n) {
    if ((x & 1n) === 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

/** y² = x³ − 3x + b over P-256's field (SEC 2 §2.4.2). */
export function p256Rhs(x: bigint): bigint {
  return (((x * x * x - 3n * x + P256_B) % P256_P) + P256_P) % P256_P;
}
