import { Ip2Error } from '../../agent/errors.ts';

export type UpdateErrorCode =
  /** The server sent more bytes than the signed length (endless data, TUF §5.7.3). */
  | 'LENGTH_EXCEEDED'
  /** Downloaded bytes do not have the signed length and SHA-256 (arbitrary software, §5.7.3). */
  | 'HASH_MISMATCH'
  /** A transfer failed (connection refused or reset, HTTP status other than 200/206/404). */
  | 'TRANSFER'
  /** The file does not exist in the repository. */
  | 'NOT_FOUND'
  /** Nothing newer for this device. */
  | 'NO_UPDATE'
  /** The written slot does not hash to the target's SHA-256. */
  | 'SLOT_MISMATCH'
  /** The local policies refused the `firmware.apply` intent. */
  | 'REFUSED_BY_POLICY'
  /** The update state machine was asked for a step its phase does not allow. */
  | 'WRONG_PHASE';

export class UpdateError extends Ip2Error {
  override readonly name = 'UpdateError';
  constructor(readonly code: UpdateErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? code !== 'TRANSFER' });
  }
}

export function isUpdateError(err: unknown, code?: UpdateErrorCode): err is UpdateError {
  return err instanceof UpdateError && (code === undefined || err.code === code);
}
