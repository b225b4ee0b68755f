import { Ip2Error } from '../../errors.ts';

/**
 * Every reason the tunnel layer drops or refuses something. A dropped cell, record or message is
 * counted under its code (`TunnelStats.drops`), never matched on text.
 */
export type TunnelErrorCode =
  | 'CELL_MALFORMED'
  | 'CELL_REPLAY'
  | 'CELL_CHECKSUM'
  | 'UNKNOWN_TUNNEL'
  | 'FRAGMENT_MALFORMED'
  | 'REASSEMBLY_OVERFLOW'
  | 'RECORD_MALFORMED'
  | 'RECORD_NOT_FOUND'
  | 'RECORD_AUTH_FAILED'
  | 'RECORD_REPLAY'
  | 'RECORD_EXPIRED'
  | 'BUILD_MALFORMED'
  | 'BUILD_REJECTED'
  | 'BUILD_TIMEOUT'
  | 'TRANSIT_CAP'
  | 'RATE_LIMITED'
  | 'EARLY_DROP'
  | 'NO_ROUTE'
  | 'NO_TUNNEL'
  | 'MESSAGE_TOO_LARGE';

export class TunnelError extends Ip2Error {
  override readonly name = 'TunnelError';
  constructor(readonly code: TunnelErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, options);
  }
}

export function isTunnelError(err: unknown, code?: TunnelErrorCode): err is TunnelError {
  return err instanceof TunnelError && (code === undefined || err.code === code);
}
