import { Ip2Error } from '../errors.ts';

export type DidErrorCode =
  | 'DID_MALFORMED'
  | 'DID_UNSUPPORTED_METHOD'
  | 'DID_UNSUPPORTED_KEY_TYPE'
  | 'DID_BAD_KEY_LENGTH'
  | 'DID_INVALID_POINT';

/** A DID that this agent cannot accept. Always bad input. */
export class DidError extends Ip2Error {
  override readonly name = 'DidError';
  constructor(
    readonly code: DidErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, badInput: true });
  }
}

export type KeyStoreErrorCode =
  | 'IDENTITY_MISSING'
  | 'IDENTITY_EXISTS'
  | 'IDENTITY_CORRUPT'
  | 'KEY_FILE_PERMISSIONS'
  | 'KEY_FILE_NOT_REGULAR'
  | 'KEYSTORE_CLOSED'
  | 'KEYSTORE_UNSUPPORTED';

export class KeyStoreError extends Ip2Error {
  override readonly name = 'KeyStoreError';
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, options);
  }
}

export type CoseErrorCode =
  | 'COSE_TOO_LARGE'
  | 'COSE_MALFORMED'
  | 'COSE_UNSUPPORTED_ALG'
  | 'COSE_ALG_KEY_MISMATCH'
  | 'COSE_UNKNOWN_CRITICAL'
  | 'COSE_KID_MISMATCH'
  | 'COSE_BAD_SIGNATURE';

export class CoseError extends Ip2Error {
  override readonly name = 'CoseError';
  constructor(
    readonly code: CoseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, badInput: true });
  }
}
