import { Ip2Error } from '../errors.ts';

/**
 * Stable codes of MQTT link failures. Callers branch on these, never on messages.
 * - BAD_CONFIG: an option is invalid (found at start-up, before any connection).
 * - BAD_ID: a node, driver or component id is not `[a-zA-Z0-9_-]+` (Home Assistant's regex).
 * - OUTBOX_CORRUPT: an outbox file holds bytes that are not a valid record (recovered where possible).
 * - OUTBOX_TOO_LARGE: one record is larger than the outbox accepts.
 * - OUTBOX_IO: the outbox folder could not be read or written.
 * - NOT_CONNECTED: the broker link is down.
 * - PUBLISH_FAILED: the broker client reported an error for a publish.
 * - BROKER_ERROR: the connection failed or the broker refused it (network, TLS, CONNACK code).
 * - CLOSED: the link or outbox was stopped.
 */
export type MqttErrorCode =
  | 'BAD_CONFIG'
  | 'BAD_ID'
  | 'OUTBOX_CORRUPT'
  | 'OUTBOX_TOO_LARGE'
  | 'OUTBOX_IO'
  | 'NOT_CONNECTED'
  | 'PUBLISH_FAILED'
  | 'BROKER_ERROR'
  | 'CLOSED';

const BAD_INPUT: ReadonlySet<MqttErrorCode> = new Set(['BAD_CONFIG', 'BAD_ID', 'OUTBOX_TOO_LARGE']);

export class MqttError extends Ip2Error {
  override readonly name = 'MqttError';
  constructor(
    readonly code: MqttErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause, badInput: BAD_INPUT.has(code) });
  }
}

export function isMqttError(err: unknown, code?: MqttErrorCode): err is MqttError {
  return err instanceof MqttError && (code === undefined || err.code === code);
}
