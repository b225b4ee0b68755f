import { Ip2Error } from '../errors.ts';

/**
 * Every failure the overlay reports. Callers branch on `code`; the peer-profile layer records
 * the code as the typed reason for a failure or a ban.
 */
export type OverlayErrorCode =
  // transport
  | 'CONNECT_FAILED'
  | 'CLOSED'
  | 'ADDRESS_IN_USE'
  | 'BAD_ADDRESS'
  // handshake
  | 'HANDSHAKE_FAILED'
  | 'HANDSHAKE_TIMEOUT'
  | 'HANDSHAKE_TRUNCATED'
  | 'REPLAY'
  | 'CLOCK_SKEW'
  | 'NONCE_EXHAUSTED'
  | 'BAD_STATE'
  // framing
  | 'FRAME_TOO_LARGE'
  | 'FRAME_MALFORMED'
  | 'AEAD_FAILED'
  | 'RATE_LIMITED'
  | 'IDLE_TIMEOUT'
  | 'LINK_LIMIT'
  // netDb
  | 'ROUTERINFO_INVALID'
  | 'ROUTERINFO_TOO_LARGE'
  | 'ROUTERINFO_EXPIRED'
  | 'WRONG_NETWORK'
  | 'MESSAGE_INVALID'
  | 'LOOKUP_FAILED'
  | 'TIMEOUT'
  | 'SEED_INVALID';

export class OverlayError extends Ip2Error {
  override readonly name = 'OverlayError';
  constructor(
    readonly code: OverlayErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, options);
  }
}

export function isOverlayError(err: unknown, code?: OverlayErrorCode): err is OverlayError {
  return err instanceof OverlayError && (code === undefined || err.code === code);
}
