import { Ip2Error } from '../errors.ts';

export type AuditErrorCode =
  | 'AUDIT_TRUNCATED'
  | 'AUDIT_BAD_ENTRY'
  | 'AUDIT_BAD_SEQUENCE'
  | 'AUDIT_CHAIN_BROKEN'
  | 'AUDIT_BAD_CHECKPOINT'
  | 'AUDIT_CLOSED';

export class AuditError extends Ip2Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, { ...options, badInput: options?.badInput ?? false });
  }
}
