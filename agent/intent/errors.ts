import { Ip2Error } from '../errors.ts';

/**
 * Stable reason codes of every refusal (PROTOCOL.md § Intents: reason codes). A policy denial is
 * reported as `denied_by_policy:<id>`; its `code` is `denied_by_policy`.
 */
export type ReasonCode =
  | 'malformed'
  | 'too_large'
  | 'wrong_audience'
  | 'lifetime_too_long'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_before_boot'
  | 'replay'
  | 'replay_cache_full'
  | 'clock_untrusted'
  | 'challenge_required'
  | 'bad_challenge'
  | 'bad_signature'
  | 'chain_broken'
  | 'chain_too_deep'
  | 'not_attenuated'
  | 'revoked'
  | 'not_granted'
  | 'condition_failed'
  | 'unknown_command'
  | 'not_paired'
  | 'denied_by_policy'
  | 'no_matching_permit'
  | 'action_failed'
  | 'bad_request'
  | 'not_allowed_here'
  | 'pairing_inactive'
  | 'pairing_locked'
  | 'pairing_bad_code'
  | 'already_paired'
  | 'last_controller';

/** A refusal of a request from a peer: always bad input, never a crash. */
export class IntentError extends Ip2Error {
  override readonly name = 'IntentError';
  constructor(
    readonly code: ReasonCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, { ...options, badInput: options?.badInput ?? true });
  }
}

export function isIntentError(err: unknown): err is IntentError {
  return err instanceof IntentError;
}

export type ClientErrorCode = 'NOT_RUNNING' | 'CONNECTION_FAILED' | 'FRAME_TOO_LARGE' | 'BAD_RESPONSE' | 'REFUSED';

/** Failures of the client side (`ip2 intent`, `ip2 pair`): no daemon, a refused request. */
export class IntentClientError extends Ip2Error {
  override readonly name = 'IntentClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown; badInput?: boolean },
  ) {
    super(message, { ...options, badInput: options?.badInput ?? false });
  }
}
