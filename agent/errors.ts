/**
 * The base of every typed error in ip2-agent (STYLE.md § Errors and logs).
 *
 * Each folder's `errors.ts` subclasses this with its own `code` union. Callers branch on `code`
 * or on `badInput`, never on message text. `badInput` marks errors caused by what the user or a
 * peer sent (a malformed DID, a truncated envelope, a key file with loose permissions); the CLI
 * maps those to exit status 2 and everything else to 1.
 */
export abstract class Ip2Error extends Error {
  abstract readonly code: string;
  readonly badInput: boolean;

  constructor(message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.badInput = options?.badInput ?? true;
  }
}

export function isIp2Error(err: unknown): err is Ip2Error {
  return err instanceof Ip2Error;
}
