export type CryptoErrorCode = 'AEAD_AUTH_FAILED' | 'X25519_LOW_ORDER' | 'INVALID_POINT' | 'INVALID_KEY';

/** A cryptographic operation refused its input. Branch on `code`, never on the message. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throws a RangeError unless `bytes` has exactly `length` bytes. */
export function expectLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}
