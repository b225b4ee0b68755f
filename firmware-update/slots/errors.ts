import { Ip2Error } from '../../agent/errors.ts';

export type SlotErrorCode =
  /** The update state file is missing or damaged beyond recovery. */
  | 'BAD_STATE'
  /** A step was asked for in a phase that does not allow it (e.g. confirm with no trial). */
  | 'WRONG_PHASE'
  /** A slot image archive is malformed or tries to write outside its slot. */
  | 'BAD_ARCHIVE'
  /** autoboot.txt is not in the shape the tryboot backend writes. */
  | 'BAD_BOOT_CONFIG';

export class SlotError extends Ip2Error {
  override readonly name = 'SlotError';
  constructor(readonly code: SlotErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? false });
  }
}

export function isSlotError(err: unknown, code?: SlotErrorCode): err is SlotError {
  return err instanceof SlotError && (code === undefined || err.code === code);
}
