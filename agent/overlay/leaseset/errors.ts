import { Ip2Error } from '../../errors.ts';

export type LeaseSetErrorCode = 'LEASESET_INVALID' | 'LEASESET_EXPIRED' | 'LEASESET_TOO_LARGE';

export class LeaseSetError extends Ip2Error {
  override readonly name = 'LeaseSetError';
  constructor(readonly code: LeaseSetErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, options);
  }
}
