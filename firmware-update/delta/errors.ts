import { Ip2Error } from '../../agent/errors.ts';

export type DeltaErrorCode =
  /** The patch bytes are not a valid FWD1 patch (bad magic, lying lengths, bad op). */
  | 'MALFORMED_PATCH'
  /** The patch ended before a complete header or operation. */
  | 'TRUNCATED_PATCH'
  /** A decompressed stream is larger than its operation allows (decompression bomb) or invalid. */
  | 'BAD_COMPRESSION'
  /** An operation reads outside the source image or its declared window. */
  | 'SOURCE_OUT_OF_RANGE'
  /** The old image's length or SHA-256 is not the one the patch was made from. */
  | 'SOURCE_MISMATCH'
  /** An operation's output does not hash to the SHA-256 the patch carries. */
  | 'OP_HASH_MISMATCH'
  /** The finished target does not hash to the header's target SHA-256. */
  | 'TARGET_MISMATCH'
  /** The journal belongs to another patch or is corrupt beyond its torn tail. */
  | 'JOURNAL_MISMATCH'
  /** Reading or writing a file failed. */
  | 'IO';

/** A delta patch could not be made or applied. Branch on `code`. */
export class DeltaError extends Ip2Error {
  override readonly name = 'DeltaError';
  constructor(
    readonly code: DeltaErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? code !== 'IO' });
  }
}

export function isDeltaError(err: unknown): err is DeltaError {
  return err instanceof DeltaError;
}
