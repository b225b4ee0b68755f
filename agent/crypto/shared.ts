/** Checks and transforms both adapters share, so that they refuse and normalise alike. */
import {
  P256_COMPRESSED_LENGTH,
  CHACHA_BLOCK_LENGTH,
  CHACHA_NONCE_LENGTH,
  CHACHA_MAX_COUNTER,
  P256_HALF_ORDER,
  P256_ORDER,
  P256_SIGNATURE_LENGTH,
} from './constants.ts';
import { CryptoError, expectBytes, expectInteger, expectLength } from './errors.ts';

const ORDER_BYTES = bigIntTo32(P256_ORDER);

/** Constant-time: true when every byte is zero (the time does not depend on the contents). */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

/**
 * Throws `CryptoError` `INVALID_KEY` unless the 32-byte big-endian scalar d has 1 ≤ d < n
 * (SEC 1 v2 §3.2.1). Constant-time in d: a byte-wise borrow chain of d − n, no early exit.
 */
export function checkP256Scalar(d: Uint8Array): void {
  let borrow = 0;
  for (let i = d.length - 1; i >= 0; i--) borrow = ((d[i]! - ORDER_BYTES[i]! - borrow) >> 8) & 1;
  const belowOrder = borrow === 1;
  if (isAllZero(d) || !belowOrder) {
    throw new CryptoError('INVALID_KEY', 'P-256 private key must be in [1, n - 1]');
  }
}

/**
 * ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. Returns a copy of the raw
 * r ‖ s signature with s replaced by n − s when s > n/2 (the "low-S" rule, BIP 62 / RFC 6979
 * does not fix it, so we do). Signatures are public; this need not be constant-time.
 */
export function toLowS(sig: Uint8Array): Uint8Array {
  const out = Uint8Array.from(sig);
  const s = bytesToBigInt(sig.subarray(32, P256_SIGNATURE_LENGTH));
  if (s > P256_HALF_ORDER) out.set(bigIntTo32(P256_ORDER - s), 32);
  return out;
}

/**
 * RFC 8439 §2.4: the 32-bit block counter must not wrap within one message. Throws a
 * RangeError for a counter outside [0, 2³² − 2] or when the message would need the block
 * counter 2³² − 1 or beyond (constants.ts `CHACHA_MAX_COUNTER`).
 */
export function checkChaChaCounter(counter: number, dataLength: number): void {
  expectInteger('ChaCha20 counter', counter, 0, CHACHA_MAX_COUNTER);
  const blocks = Math.ceil(dataLength / CHACHA_BLOCK_LENGTH);
  if (counter + blocks > CHACHA_MAX_COUNTER + 1) {
    throw new RangeError('ChaCha20 block counter would wrap (RFC 8439 §2.4)');
  }
}

/**
 * The checks of `ChaCha20Context.xor` (port.ts), before any work: nonce length, data, counter
 * range and wrap, and an `out` of exactly `data.length` bytes. Returns the array to write into.
 */
export function chachaXorTarget(nonce: Uint8Array, counter: number, data: Uint8Array, out: Uint8Array | undefined): Uint8Array {
  expectLength('ChaCha20 nonce', nonce, CHACHA_NONCE_LENGTH);
  expectBytes('data', data);
  checkChaChaCounter(counter, data.length);
  if (out === undefined) return new Uint8Array(data.length);
  expectLength('ChaCha20 output', out, data.length);
  return out;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function bigIntTo32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The length and prefix of a SEC1 compressed P-256 point (SEC 1 §2.3.3), before any curve math. */
export function expectCompressedP256(pub: Uint8Array): void {
  expectLength('P-256 compressed public key', pub, P256_COMPRESSED_LENGTH);
  if (pub[0] !== 0x02 && pub[0] !== 0x03) {
    throw new CryptoError('INVALID_POINT', 'P-256 compressed point must start with 0x02 or 0x03');
  }
}
