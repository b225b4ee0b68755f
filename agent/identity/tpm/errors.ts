/** Typed errors of the TPM client and the `tpm` / `sealed` key stores (STYLE.md § Errors). */
import { Ip2Error } from '../../errors.ts';
import { decodeRc, type DecodedRc, type TpmRcName } from './rc.ts';

export type TpmErrorCode =
  /** No TPM at the address (ENOENT, ECONNREFUSED) or it went away. */
  | 'TPM_UNAVAILABLE'
  /** Read or write on the byte stream failed, or no answer within the timeout. */
  | 'TPM_TRANSPORT'
  /** The response bytes do not parse: truncated, oversized, wrong tag, trailing bytes. */
  | 'TPM_RESPONSE_MALFORMED'
  /** The TPM answered with something valid but not what we can use (e.g. an RSA key). */
  | 'TPM_UNEXPECTED_OBJECT'
  /** The client (or a key store built on it) was closed. */
  | 'TPM_CLOSED'
  | 'KEYSTORE_CLOSED'
  /** No key at the persistent handle and `create` was false. */
  | 'TPM_KEY_NOT_FOUND'
  /** The sealed blob file is missing or not ours. */
  | 'SEALED_BLOB_INVALID'
  /** The PCRs no longer match the policy the seed was sealed under. */
  | 'SEALED_PCR_MISMATCH';

export class TpmError extends Ip2Error {
  override readonly name = 'TpmError';
  readonly code: TpmErrorCode;

  constructor(code: TpmErrorCode, message: string, options?: { cause?: unknown; badInput?: boolean }) {
    super(message, { cause: options?.cause, badInput: options?.badInput ?? false });
    this.code = code;
  }
}

/** A response code other than TPM_RC_SUCCESS; `code` is the TPM's own name for it. */
export class TpmResponseError extends Ip2Error {
  override readonly name = 'TpmResponseError';
  readonly code: TpmRcName;
  readonly rc: number;
  readonly decoded: DecodedRc;
  /** The command that failed, by its TPM_CC name (e.g. `Unseal`). */
  readonly command: string;

  constructor(command: string, rc: number) {
    const decoded = decodeRc(rc);
    const where = decoded.subject ? ` (${decoded.subject.kind} ${decoded.subject.index})` : '';
    const hex = `0x${rc.toString(16).padStart(3, '0')}`;
    super(`TPM2_${command} failed: ${decoded.name}${where} [${hex}]`, { badInput: false });
    this.code = decoded.name;
    this.rc = rc;
    this.decoded = decoded;
    this.command = command;
  }
}

export function isTpmRc(err: unknown, name: TpmRcName): err is TpmResponseError {
  return err instanceof TpmResponseError && err.code === name;
}
