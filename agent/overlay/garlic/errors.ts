import { Ip2Error } from '../../errors.ts';

export type GarlicErrorCode = 'GARLIC_MALFORMED' | 'GARLIC_AUTH_FAILED' | 'GARLIC_REPLAY' | 'GARLIC_CLOCK_SKEW' | 'GARLIC_TOO_LARGE';

export class GarlicError extends Ip2Error {
  override readonly name = 'GarlicError';
  constructor(readonly code: GarlicErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, options);
  }
}

export function isGarlicError(err: unknown, code?: GarlicErrorCode): err is GarlicError {
  return err instanceof GarlicError && (code === undefined || err.code === code);
}
