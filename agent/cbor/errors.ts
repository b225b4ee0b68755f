import { Ip2Error } from '../errors.ts';

export type CborErrorCode =
  | 'CBOR_TOO_LARGE'
  | 'CBOR_TRUNCATED'
  | 'CBOR_TRAILING_BYTES'
  | 'CBOR_TOO_DEEP'
  | 'CBOR_TOO_MANY_ITEMS'
  | 'CBOR_INDEFINITE_LENGTH'
  | 'CBOR_UNSUPPORTED'
  | 'CBOR_DUPLICATE_KEY'
  | 'CBOR_INVALID';

/** Untrusted bytes that are not CBOR this agent accepts. Always bad input. */
export class CborError extends Ip2Error {
  override readonly name = 'CborError';
  constructor(
    readonly code: CborErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, badInput: true });
  }
}
