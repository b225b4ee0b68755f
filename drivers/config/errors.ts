import { Ip2Error } from '../../agent/errors.ts';

/**
 * Stable codes of configuration failures, found at start-up:
 * - BAD_JSON: drivers.json is not JSON.
 * - BAD_FIELD: a field has the wrong type or value (the message names it, e.g. `drivers[2].pin`).
 * - UNKNOWN_FIELD: a field the kind does not take (a typo would otherwise be ignored).
 * - UNKNOWN_KIND: `kind` is not a driver we have.
 * - DUPLICATE_ID: two drivers share an id.
 * - BAD_SPEC: a `--driver KIND:ARG` flag does not parse.
 * - UNKNOWN_DRIVER: no driver with the requested id.
 */
export type ConfigErrorCode = 'BAD_JSON' | 'BAD_FIELD' | 'UNKNOWN_FIELD' | 'UNKNOWN_KIND' | 'DUPLICATE_ID' | 'BAD_SPEC' | 'UNKNOWN_DRIVER';

export class ConfigError extends Ip2Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    /** Where: `drivers[2].pin`, or the flag text. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, { cause: options?.cause, badInput: true });
  }
}
