/**
 * P-256 helpers for TPM output: SEC1 point compression (SEC 1 v2 §2.3.3) and low-S
 * normalisation (s > n/2 → n − s; both verify, only low-S passes strict verifiers).
 */
import { P256_N } from './constants.ts';
import { TpmError } from './errors.ts';

function toBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
}

/** Left-pads a TPM2B_ECC_PARAMETER (TPMs may drop leading zeros) to exactly 32 bytes. */
export function fixed32(b: Uint8Array, what: string): Uint8Array {
  let start = 0;
  while (b.length - start > 32 && b[start] === 0) start++;
  if (b.length - start > 32) throw new TpmError('TPM_RESPONSE_MALFORMED', `${what}: ${b.length} bytes`);
  const out = new Uint8Array(32);
  out.set(b.subarray(start), 32 - (b.length - start));
  return out;
}

function toBytes32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function compressP256(x: Uint8Array, y: Uint8Array): Uint8Array {
  const xs = fixed32(x, 'ECC point x');
  const ys = fixed32(y, 'ECC point y');
  const out = new Uint8Array(33);
  out[0] = ((ys[31] ?? 0) & 1) === 0 ? 0x02 : 0x03;
  out.set(xs, 1);
  return out;
}

/** raw r ‖ s (64 bytes) with s ≤ n/2. Refuses r or s outside [1, n−1]. */
export function lowSRaw(r: Uint8Array, s: Uint8Array): Uint8Array {
  const rv = toBigInt(fixed32(r, 'ECDSA r'));
  let sv = toBigInt(fixed32(s, 'ECDSA s'));
  if (rv === 0n || rv >= P256_N || sv === 0n || sv >= P256_N) {
    throw new TpmError('TPM_RESPONSE_MALFORMED', 'ECDSA signature component out of range');
  }
  if (sv > P256_N >> 1n) sv = P256_N - sv;
  const out = new Uint8Array(64);
  out.set(toBytes32(rv), 0);
  out.set(toBytes32(sv), 32);
  return out;
}
