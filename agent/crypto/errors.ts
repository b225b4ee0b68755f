import { Ip2Error } from '../errors.ts';

export type CryptoErrorCode = 'AEAD_AUTH_FAILED' | 'X25519_LOW_ORDER' | 'INVALID_POINT' | 'INVALID_KEY';

/**
 * A cryptographic operation refused its input. Branch on `code`, never on the message.
 * Every code is caused by bytes a user or a peer supplied, so `badInput` is true.
 */
export class CryptoError extends Ip2Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause, badInput: true });
  }
}

/** Throws a TypeError for a non-Uint8Array and a RangeError unless it has exactly `length` bytes. */
export function expectLength(what: string, bytes: Uint8Array, length: number): void {
  expectBytes(what, bytes);
  if (bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

/** Like `expectLength` but accepts any of the listed lengths. */
export function expectLengthOneOf(what: string, bytes: Uint8Array, lengths: readonly number[]): void {
  expectBytes(what, bytes);
  if (!lengths.includes(bytes.length)) {
    throw new RangeError(`${what} must be ${lengths.join(' or ')} bytes, got ${bytes.length}`);
  }
}

/** Throws a TypeError unless `bytes` is a Uint8Array (any length). */
export function expectBytes(what: string, bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

/** Throws a RangeError unless `n` is an integer in [min, max]. */
export function expectInteger(what: string, n: number, min: number, max: number): void {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new RangeError(`${what} must be an integer in [${min}, ${max}], got ${String(n)}`);
  }
}
