/**
 * Command and response framing (TPM 2.0 Library Part 1 §18: command/response structure;
 * Part 3 §5 and §4.4 for handle, parameter and authorization areas).
 *
 * `buildCommand` and `parseResponse` are pure functions; the client wires them to a transport.
 * `parseResponse` is total: any byte string yields a parsed response or a typed error.
 */
import { TPM_HEADER_SIZE, TPM_RS_PW, TPM_ST_NO_SESSIONS, TPM_ST_SESSIONS } from './constants.ts';
import { TpmError, TpmResponseError } from './errors.ts';
import { Reader, Writer } from './marshal.ts';

/** One entry of the authorization area (Part 1 §18.7, TPMS_AUTH_COMMAND in Part 2 §10.13.2). */
export interface AuthCommand {
  readonly handle: number;
  readonly nonce: Uint8Array;
  readonly attributes: number;
  readonly hmac: Uint8Array;
}

/** Password authorization with an empty password (TPM_RS_PW, Part 2 §7.4; Part 1 §19 authorizations). */
export const EMPTY_PASSWORD: AuthCommand = {
  handle: TPM_RS_PW,
  nonce: new Uint8Array(0),
  attributes: 0,
  hmac: new Uint8Array(0),
};

export interface CommandSpec {
  /** TPM_CC name, used in errors (`TPM2_Unseal failed: …`). */
  readonly name: string;
  readonly code: number;
  readonly handles?: readonly number[];
  /** Authorizations, one per handle that needs one; none → TPM_ST_NO_SESSIONS. */
  readonly auths?: readonly AuthCommand[];
  readonly params?: Uint8Array;
  /** How many handles the response carries (CreatePrimary, Load, StartAuthSession: 1). */
  readonly responseHandles?: number;
}

export interface ParsedResponse {
  readonly handles: readonly number[];
  /** The response parameters; the caller parses them and calls `end()`. */
  readonly params: Reader;
}

export function buildCommand(spec: CommandSpec): Uint8Array {
  const auths = spec.auths ?? [];
  const body = new Writer();
  for (const h of spec.handles ?? []) body.u32(h);
  if (auths.length > 0) {
    const area = new Writer();
    for (const a of auths) area.u32(a.handle).tpm2b(a.nonce).u8(a.attributes).tpm2b(a.hmac);
    body.u32(area.size).raw(area.finish());
  }
  if (spec.params) body.raw(spec.params);
  const out = new Writer()
    .u16(auths.length > 0 ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS)
    .u32(TPM_HEADER_SIZE + body.size)
    .u32(spec.code)
    .raw(body.finish());
  return out.finish();
}

/** Part 1 §18.3 response: header, handles, [parameterSize], parameters, [authorization area]. */
export function parseResponse(bytes: Uint8Array, spec: CommandSpec): ParsedResponse {
  const r = new Reader(bytes, `TPM2_${spec.name} response`);
  const tag = r.u16();
  const size = r.u32();
  const rc = r.u32();
  if (size !== bytes.length) {
    throw new TpmError('TPM_RESPONSE_MALFORMED', `TPM2_${spec.name}: size field ${size}, got ${bytes.length} bytes`);
  }
  if (rc !== 0) {
    if (size !== TPM_HEADER_SIZE) {
      throw new TpmError('TPM_RESPONSE_MALFORMED', `TPM2_${spec.name}: error response carries ${size - TPM_HEADER_SIZE} extra bytes`);
    }
    throw new TpmResponseError(spec.name, rc);
  }
  const sessions = (spec.auths ?? []).length;
  const wantTag = sessions > 0 ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS;
  if (tag !== wantTag) {
    throw new TpmError('TPM_RESPONSE_MALFORMED', `TPM2_${spec.name}: tag 0x${tag.toString(16)}, expected 0x${wantTag.toString(16)}`);
  }
  const handles: number[] = [];
  for (let i = 0; i < (spec.responseHandles ?? 0); i++) handles.push(r.u32());
  if (sessions === 0) return { handles, params: new Reader(r.raw(r.remaining), `TPM2_${spec.name} parameters`) };
  const paramSize = r.u32();
  const params = new Reader(r.raw(paramSize), `TPM2_${spec.name} parameters`);
  for (let i = 0; i < sessions; i++) {
    // TPMS_AUTH_RESPONSE (Part 2 §10.13.3): nonceTPM, sessionAttributes, hmac.
    r.tpm2b();
    r.u8();
    r.tpm2b();
  }
  r.end();
  return { handles, params };
}
