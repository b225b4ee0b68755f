import { Ip2Error } from '../../agent/errors.ts';

export type TrustErrorCode =
  /** Bytes are not JSON, not canonical where they must be, or do not have the TUF shape (§4). */
  | 'MALFORMED_METADATA'
  /** `_type` is not the role that was asked for (§5.3.5 and the like). */
  | 'WRONG_ROLE'
  /** Fewer distinct authorised keys signed than the role's threshold (§5.3.4, §5.4.2). */
  | 'THRESHOLD_NOT_MET'
  /** A role's metadata has expired against the trusted reference time (freeze attack, §5.4.4). */
  | 'EXPIRED'
  /** A version went down against trusted metadata (rollback attack, §5.3.5, §5.4.3, §5.5.5). */
  | 'ROLLBACK'
  /** A version differs from the one the snapshot or timestamp pins (mix-and-match, §5.5.4, §5.6.3). */
  | 'VERSION_MISMATCH'
  /** More bytes than the declared or maximum length (endless data, §5.2). */
  | 'LENGTH_EXCEEDED'
  /** Bytes whose length or SHA-256 is not the one the signed metadata gives (§5.5.2, §5.7.3). */
  | 'HASH_MISMATCH'
  /** A target meant for other hardware (Uptane §5.4.4.4 hardware identifier check). */
  | 'WRONG_HARDWARE'
  /** A target whose releaseCounter is below the device's high-water mark (Uptane release counter). */
  | 'RELEASE_ROLLBACK'
  /** No such target in the trusted targets metadata. */
  | 'UNKNOWN_TARGET'
  /** No trusted root on the device or a repository missing a role. */
  | 'MISSING_METADATA';

/** Update metadata could not be trusted. Branch on `code`. */
export class TrustError extends Ip2Error {
  override readonly name = 'TrustError';
  constructor(
    readonly code: TrustErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? true });
  }
}

export function isTrustError(err: unknown, code?: TrustErrorCode): err is TrustError {
  return err instanceof TrustError && (code === undefined || err.code === code);
}
