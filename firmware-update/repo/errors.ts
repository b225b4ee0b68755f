import { Ip2Error } from '../../agent/errors.ts';

export type RepoErrorCode =
  /** A key file is missing, unreadable or not an ed25519 private key. */
  | 'BAD_KEY'
  /** The repository directory has no metadata yet (run `ip2 fw repo init`) or already has. */
  | 'REPO_STATE'
  /** A release argument is invalid (version already released, counter not increasing). */
  | 'BAD_RELEASE'
  /** The key given is not authorised for the role it is asked to sign. */
  | 'NOT_AUTHORISED';

export class RepoError extends Ip2Error {
  override readonly name = 'RepoError';
  constructor(readonly code: RepoErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? true });
  }
}
