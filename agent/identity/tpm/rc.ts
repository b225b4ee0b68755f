/**
 * Decoding of TPM_RC response codes (TPM 2.0 Library Part 2 §6.6). Total: every u32 decodes to a
 * name; codes we do not know become `TPM_RC_UNKNOWN` with the raw number kept.
 */

/** Part 2 §6.6.3 format-one codes: RC_FMT1 (0x080) + error number (bits 5:0). */
const FMT1 = {
  0x001: 'TPM_RC_ASYMMETRIC', 0x002: 'TPM_RC_ATTRIBUTES', 0x003: 'TPM_RC_HASH',
  0x004: 'TPM_RC_VALUE', 0x005: 'TPM_RC_HIERARCHY', 0x007: 'TPM_RC_KEY_SIZE',
  0x008: 'TPM_RC_MGF', 0x009: 'TPM_RC_MODE', 0x00a: 'TPM_RC_TYPE', 0x00b: 'TPM_RC_HANDLE',
  0x00c: 'TPM_RC_KDF', 0x00d: 'TPM_RC_RANGE', 0x00e: 'TPM_RC_AUTH_FAIL',
  0x00f: 'TPM_RC_NONCE', 0x010: 'TPM_RC_PP', 0x012: 'TPM_RC_SCHEME', 0x015: 'TPM_RC_SIZE',
  0x016: 'TPM_RC_SYMMETRIC', 0x017: 'TPM_RC_TAG', 0x018: 'TPM_RC_SELECTOR',
  0x01a: 'TPM_RC_INSUFFICIENT', 0x01b: 'TPM_RC_SIGNATURE', 0x01c: 'TPM_RC_KEY',
  0x01d: 'TPM_RC_POLICY_FAIL', 0x01f: 'TPM_RC_INTEGRITY', 0x020: 'TPM_RC_TICKET',
  0x021: 'TPM_RC_RESERVED_BITS', 0x022: 'TPM_RC_BAD_AUTH', 0x023: 'TPM_RC_EXPIRED',
  0x024: 'TPM_RC_POLICY_CC', 0x025: 'TPM_RC_BINDING', 0x026: 'TPM_RC_CURVE',
  0x027: 'TPM_RC_ECC_POINT',
} as const;

/** Part 2 §6.6.3 format-zero errors: RC_VER1 (0x100) + error number (bits 6:0). */
const VER1 = {
  0x000: 'TPM_RC_INITIALIZE', 0x001: 'TPM_RC_FAILURE', 0x003: 'TPM_RC_SEQUENCE',
  0x00b: 'TPM_RC_PRIVATE', 0x019: 'TPM_RC_HMAC', 0x020: 'TPM_RC_DISABLED',
  0x021: 'TPM_RC_EXCLUSIVE', 0x024: 'TPM_RC_AUTH_TYPE', 0x025: 'TPM_RC_AUTH_MISSING',
  0x026: 'TPM_RC_POLICY', 0x027: 'TPM_RC_PCR', 0x028: 'TPM_RC_PCR_CHANGED',
  0x02d: 'TPM_RC_UPGRADE', 0x02e: 'TPM_RC_TOO_MANY_CONTEXTS', 0x02f: 'TPM_RC_AUTH_UNAVAILABLE',
  0x030: 'TPM_RC_REBOOT', 0x031: 'TPM_RC_UNBALANCED', 0x042: 'TPM_RC_COMMAND_SIZE',
  0x043: 'TPM_RC_COMMAND_CODE', 0x044: 'TPM_RC_AUTHSIZE', 0x045: 'TPM_RC_AUTH_CONTEXT',
  0x046: 'TPM_RC_NV_RANGE', 0x047: 'TPM_RC_NV_SIZE', 0x048: 'TPM_RC_NV_LOCKED',
  0x049: 'TPM_RC_NV_AUTHORIZATION', 0x04a: 'TPM_RC_NV_UNINITIALIZED', 0x04b: 'TPM_RC_NV_SPACE',
  0x04c: 'TPM_RC_NV_DEFINED', 0x050: 'TPM_RC_BAD_CONTEXT', 0x051: 'TPM_RC_CPHASH',
  0x052: 'TPM_RC_PARENT', 0x053: 'TPM_RC_NEEDS_TEST', 0x054: 'TPM_RC_NO_RESULT',
  0x055: 'TPM_RC_SENSITIVE',
} as const;

/** Part 2 §6.6.3 format-zero warnings: RC_WARN (0x900) + error number (bits 6:0). */
const WARN = {
  0x001: 'TPM_RC_CONTEXT_GAP', 0x002: 'TPM_RC_OBJECT_MEMORY', 0x003: 'TPM_RC_SESSION_MEMORY',
  0x004: 'TPM_RC_MEMORY', 0x005: 'TPM_RC_SESSION_HANDLES', 0x006: 'TPM_RC_OBJECT_HANDLES',
  0x007: 'TPM_RC_LOCALITY', 0x008: 'TPM_RC_YIELDED', 0x009: 'TPM_RC_CANCELED',
  0x00a: 'TPM_RC_TESTING', 0x010: 'TPM_RC_REFERENCE_H0', 0x011: 'TPM_RC_REFERENCE_H1',
  0x012: 'TPM_RC_REFERENCE_H2', 0x013: 'TPM_RC_REFERENCE_H3', 0x014: 'TPM_RC_REFERENCE_H4',
  0x015: 'TPM_RC_REFERENCE_H5', 0x016: 'TPM_RC_REFERENCE_H6', 0x018: 'TPM_RC_REFERENCE_S0',
  0x019: 'TPM_RC_REFERENCE_S1', 0x01a: 'TPM_RC_REFERENCE_S2', 0x01b: 'TPM_RC_REFERENCE_S3',
  0x01c: 'TPM_RC_REFERENCE_S4', 0x01d: 'TPM_RC_REFERENCE_S5', 0x01e: 'TPM_RC_REFERENCE_S6',
  0x020: 'TPM_RC_NV_RATE', 0x021: 'TPM_RC_LOCKOUT', 0x022: 'TPM_RC_RETRY',
  0x023: 'TPM_RC_NV_UNAVAILABLE',
} as const;

export type TpmRcName =
  | (typeof FMT1)[keyof typeof FMT1]
  | (typeof VER1)[keyof typeof VER1]
  | (typeof WARN)[keyof typeof WARN]
  | 'TPM_RC_BAD_TAG'
  | 'TPM_RC_VENDOR'
  | 'TPM_RC_UNKNOWN';

export interface DecodedRc {
  readonly rc: number;
  readonly name: TpmRcName;
  readonly format: 'zero' | 'one';
  readonly warning: boolean;
  /** Format one: which handle (1–7), parameter (1–15) or session (1–7) the error refers to. */
  readonly subject?: { readonly kind: 'handle' | 'parameter' | 'session'; readonly index: number };
}

function lookup(table: Readonly<Record<number, TpmRcName>>, n: number): TpmRcName {
  return table[n] ?? 'TPM_RC_UNKNOWN';
}

/** Part 2 §6.6.2 Figure 26/27: bit 7 selects format one; bits 8, 10, 11 qualify format zero. */
export function decodeRc(rc: number): DecodedRc {
  const code = rc >>> 0;
  if ((code & 0x080) !== 0) {
    const name = lookup(FMT1, code & 0x03f);
    const n = (code >>> 8) & 0x0f;
    if ((code & 0x040) !== 0) return { rc: code, name, format: 'one', warning: false, subject: { kind: 'parameter', index: n } };
    if (n === 0) return { rc: code, name, format: 'one', warning: false };
    const kind = (n & 0x08) !== 0 ? 'session' : 'handle';
    return { rc: code, name, format: 'one', warning: false, subject: { kind, index: n & 0x07 } };
  }
  if ((code & 0x100) === 0) {
    // Part 2 §6.6.2: V = 0 is a TPM 1.2 code; 0x01E is what a TPM 2.0 sends for a bad tag.
    return { rc: code, name: code === 0x01e ? 'TPM_RC_BAD_TAG' : 'TPM_RC_UNKNOWN', format: 'zero', warning: false };
  }
  if ((code & 0x400) !== 0) return { rc: code, name: 'TPM_RC_VENDOR', format: 'zero', warning: false };
  const warning = (code & 0x800) !== 0;
  const name = lookup(warning ? WARN : VER1, code & 0x07f);
  return { rc: code, name, format: 'zero', warning };
}
