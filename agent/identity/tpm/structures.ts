/**
 * TPM structures the client marshals or parses (TPM 2.0 Library Part 2). Only the shapes
 * ip2-agent uses are supported: ECC and KEYEDHASH objects; parsing anything else is a typed
 * `TPM_UNEXPECTED_OBJECT` error, never a guess.
 */
import { PCR_SELECT_SIZE, TPM_ALG, TPM_ECC_NIST_P256, TPMA_OBJECT } from './constants.ts';
import { TpmError } from './errors.ts';
import { type Reader, Writer } from './marshal.ts';

export interface PcrSelection {
  readonly hash: number;
  readonly pcrs: readonly number[];
}

/** Part 2 §10.9.7 TPML_PCR_SELECTION of §10.6.2 TPMS_PCR_SELECTION (bitmap, 3 bytes for PCR 0–23). */
export function writePcrSelection(w: Writer, selections: readonly PcrSelection[]): void {
  w.u32(selections.length);
  for (const s of selections) {
    const bitmap = new Uint8Array(PCR_SELECT_SIZE);
    for (const p of s.pcrs) {
      if (!Number.isInteger(p) || p < 0 || p >= PCR_SELECT_SIZE * 8) throw new RangeError(`PCR ${p} out of range`);
      bitmap[p >> 3] = (bitmap[p >> 3] ?? 0) | (1 << (p & 7));
    }
    w.u16(s.hash).u8(PCR_SELECT_SIZE).raw(bitmap);
  }
}

export function readPcrSelection(r: Reader): PcrSelection[] {
  const n = r.count(3, 16);
  const out: PcrSelection[] = [];
  for (let i = 0; i < n; i++) {
    const hash = r.u16();
    const bitmap = r.raw(r.u8());
    const pcrs: number[] = [];
    bitmap.forEach((byte, j) => {
      for (let b = 0; b < 8; b++) if ((byte >> b) & 1) pcrs.push(j * 8 + b);
    });
    out.push({ hash, pcrs });
  }
  return out;
}

/** The parts of a TPMT_PUBLIC (Part 2 §12.2.4) we read back. */
export interface PublicArea {
  readonly type: number;
  readonly nameAlg: number;
  readonly attributes: number;
  readonly authPolicy: Uint8Array;
  readonly ecc?: { readonly curve: number; readonly scheme: number; readonly schemeHash: number; readonly x: Uint8Array; readonly y: Uint8Array };
}

/** A template for Create/CreatePrimary; marshalled by `writePublic`. */
export type PublicTemplate =
  | { readonly kind: 'storage-primary' }
  | { readonly kind: 'p256-signing' }
  | { readonly kind: 'sealed-data'; readonly authPolicy: Uint8Array };

/** Part 2 §12.2.4 TPMT_PUBLIC, §12.2.3.6 TPMS_ECC_PARMS, §11.1.7 TPMT_SYM_DEF_OBJECT. */
export function writePublic(w: Writer, t: PublicTemplate): void {
  const A = TPMA_OBJECT;
  if (t.kind === 'sealed-data') {
    // §12.2.3.3 TPMS_KEYEDHASH_PARMS with TPM_ALG_NULL scheme; no userWithAuth → policy only.
    w.u16(TPM_ALG.KEYEDHASH).u16(TPM_ALG.SHA256).u32(A.fixedTPM | A.fixedParent | A.noDA);
    w.tpm2b(t.authPolicy).u16(TPM_ALG.NULL).tpm2b(new Uint8Array(0));
    return;
  }
  const base = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth;
  if (t.kind === 'storage-primary') {
    // Same template as tpm2-tools' `tpm2_createprimary -C o -g sha256 -G ecc256:aes128cfb`, so it
    // derives the same primary key (cross-checked in test/identity/tpm).
    w.u16(TPM_ALG.ECC).u16(TPM_ALG.SHA256).u32(base | A.restricted | A.decrypt).tpm2b(new Uint8Array(0));
    w.u16(TPM_ALG.AES).u16(128).u16(TPM_ALG.CFB).u16(TPM_ALG.NULL);
  } else {
    w.u16(TPM_ALG.ECC).u16(TPM_ALG.SHA256).u32(base | A.sign).tpm2b(new Uint8Array(0));
    w.u16(TPM_ALG.NULL).u16(TPM_ALG.ECDSA).u16(TPM_ALG.SHA256);
  }
  w.u16(TPM_ECC_NIST_P256).u16(TPM_ALG.NULL);
  w.tpm2b(new Uint8Array(0)).tpm2b(new Uint8Array(0));
}

function readSymDefObject(r: Reader): void {
  if (r.u16() !== TPM_ALG.NULL) {
    r.u16();
    r.u16();
  }
}

/** TPMT_ECC_SCHEME / TPMT_KDF_SCHEME: scheme, then hashAlg unless NULL (ECDAA adds a u16 count). */
function readScheme(r: Reader): { scheme: number; hash: number } {
  const scheme = r.u16();
  if (scheme === TPM_ALG.NULL) return { scheme, hash: TPM_ALG.NULL };
  const hash = r.u16();
  if (scheme === TPM_ALG.ECDAA) r.u16();
  return { scheme, hash };
}

/** Part 2 §12.2.4 TPMT_PUBLIC (inside a TPM2B_PUBLIC, §12.2.5). */
export function readPublic(r: Reader): PublicArea {
  const type = r.u16();
  const nameAlg = r.u16();
  const attributes = r.u32();
  const authPolicy = r.tpm2b(64);
  if (type === TPM_ALG.ECC) {
    readSymDefObject(r);
    const { scheme, hash } = readScheme(r);
    const curve = r.u16();
    readScheme(r); // kdf: TPMT_KDF_SCHEME has the same shape
    const x = r.tpm2b(66);
    const y = r.tpm2b(66);
    return { type, nameAlg, attributes, authPolicy, ecc: { curve, scheme, schemeHash: hash, x, y } };
  }
  if (type === TPM_ALG.KEYEDHASH) {
    // TPMT_KEYEDHASH_SCHEME (Part 2 §11.1.23): HMAC → hashAlg; XOR → hashAlg + kdf.
    const s = r.u16();
    if (s === TPM_ALG.HMAC) r.u16();
    else if (s === TPM_ALG.XOR) r.raw(4);
    else if (s !== TPM_ALG.NULL) throw new TpmError('TPM_UNEXPECTED_OBJECT', `keyedhash scheme 0x${s.toString(16)}`);
    r.tpm2b(64);
    return { type, nameAlg, attributes, authPolicy };
  }
  throw new TpmError('TPM_UNEXPECTED_OBJECT', `object type 0x${type.toString(16)} is not ECC or KEYEDHASH`);
}

/** Part 2 §11.1.15 TPMS_SENSITIVE_CREATE inside TPM2B_SENSITIVE_CREATE: empty userAuth, data. */
export function writeSensitiveCreate(w: Writer, data: Uint8Array = new Uint8Array(0)): void {
  w.sized((s) => s.tpm2b(new Uint8Array(0)).tpm2b(data));
}

/** Part 3 §12.1 / §24.1 Create and CreatePrimary share the parameter list after the handle. */
export function createParams(template: PublicTemplate, data?: Uint8Array): Uint8Array {
  const w = new Writer();
  writeSensitiveCreate(w, data);
  w.sized((p) => writePublic(p, template));
  w.tpm2b(new Uint8Array(0)); // outsideInfo
  writePcrSelection(w, []); // creationPCR
  return w.finish();
}

/** Skips TPM2B_CREATION_DATA, TPM2B_DIGEST creationHash and TPMT_TK_CREATION (Part 2 §15.2, §10.7.3). */
export function skipCreationTrailer(r: Reader): void {
  r.tpm2b();
  r.tpm2b();
  r.u16();
  r.u32();
  r.tpm2b();
}
