/**
 * COSE_Sign1 (RFC 9052 §4.2) over CBOR payloads: the one envelope of every signed object.
 *
 *   COSE_Sign1 = #6.18([ protected: bstr .cbor {1: alg, 4: kid}, unprotected: {}, payload: bstr, signature: bstr ])
 *
 * alg is -8 (EdDSA, Ed25519) or -7 (ES256, P-256 raw r ‖ s); kid is the signer's DID URL
 * (`did:key:z…#z…`, UTF-8). The signature covers Sig_structure (RFC 9052 §4.4):
 * ["Signature1", protected, h'', payload], built from the exact bytes received; nothing is
 * re-encoded before verifying, and the payload is returned only after the signature verifies.
 */
import type { CryptoPort, SignatureAlgorithm } from '../crypto/port.ts';
import { CborError, decodeCborMaps, encodeCbor } from '../cbor/index.ts';
import { verificationMethodId } from './did-document.ts';
import { parseDidKey } from './didkey.ts';
import { CoseError } from './errors.ts';

/** RFC 9053 §2.1 (ES256) and §2.2 (EdDSA). */
export const COSE_ALG = { EdDSA: -8, ES256: -7 } as const;
/** RFC 9052 §3.1 common header labels. */
const HEADER = { alg: 1, crit: 2, contentType: 3, kid: 4 } as const;
const UNDERSTOOD = new Set<number>([HEADER.alg, HEADER.crit, HEADER.contentType, HEADER.kid]);
const TAG_SIGN1 = 18;
export const DEFAULT_MAX_COSE_BYTES = 64 * 1024;

export interface Signer {
  readonly did: string;
  readonly algorithm: SignatureAlgorithm;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface VerifiedCose {
  readonly payload: Uint8Array;
  /** The signer's DID (without fragment). */
  readonly did: string;
  readonly algorithm: SignatureAlgorithm;
  readonly alg: number;
  readonly contentType?: string | number;
}

export interface VerifyOptions {
  readonly crypto: CryptoPort;
  readonly maxBytes?: number;
  /** When given, the signer must be this DID (or DID URL). */
  readonly kid?: string;
}

export async function signCose1(
  payload: Uint8Array,
  signer: Signer,
  opts: { contentType?: string | number } = {},
): Promise<Uint8Array> {
  const header = new Map<number, unknown>([
    [HEADER.alg, signer.algorithm === 'Ed25519' ? COSE_ALG.EdDSA : COSE_ALG.ES256],
    [HEADER.kid, new TextEncoder().encode(verificationMethodId(signer.did))],
  ]);
  if (opts.contentType !== undefined) header.set(HEADER.contentType, opts.contentType);
  const protectedBytes = encodeCbor(header);
  const signature = await signer.sign(sigStructure(protectedBytes, payload));
  return concat([
    Uint8Array.of(0xc0 | TAG_SIGN1, 0x84),
    bstrHead(protectedBytes.length), protectedBytes,
    Uint8Array.of(0xa0),
    bstrHead(payload.length), payload,
    bstrHead(signature.length), signature,
  ]);
}

export function verifyCose1(bytes: Uint8Array, opts: VerifyOptions): VerifiedCose {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_COSE_BYTES;
  if (bytes.length > maxBytes) throw new CoseError('COSE_TOO_LARGE', `COSE_Sign1 of ${bytes.length} bytes exceeds ${maxBytes}`);
  const [protectedBytes, payload, signature] = outer(bytes, maxBytes);
  const header = protectedHeader(protectedBytes);
  const key = signerKey(header.kid, opts);
  const expectedAlg = key.algorithm === 'Ed25519' ? COSE_ALG.EdDSA : COSE_ALG.ES256;
  if (header.alg !== expectedAlg) {
    throw new CoseError('COSE_ALG_KEY_MISMATCH', `alg ${header.alg} does not match the ${key.algorithm} key of ${key.did}`);
  }
  const message = sigStructure(protectedBytes, payload);
  const ok =
    key.algorithm === 'Ed25519'
      ? opts.crypto.ed25519.verify(key.publicKey, message, signature)
      : opts.crypto.p256.verify(key.publicKey, message, signature);
  if (!ok) throw new CoseError('COSE_BAD_SIGNATURE', `signature does not verify for ${key.did}`);
  return {
    payload,
    did: key.did,
    algorithm: key.algorithm,
    alg: header.alg,
    ...(header.contentType === undefined ? {} : { contentType: header.contentType }),
  };
}

function outer(bytes: Uint8Array, maxBytes: number): [Uint8Array, Uint8Array, Uint8Array] {
  let value: unknown;
  try {
    value = decodeCborMaps(bytes, { maxBytes, maxDepth: 4, maxItems: 64, tags: [TAG_SIGN1] });
  } catch (cause) {
    throw new CoseError('COSE_MALFORMED', `not a COSE_Sign1: ${(cause as Error).message}`, { cause });
  }
  // cbor-x yields the tagged array itself for tag 18, or a Tag object; accept both forms.
  const arr = isTag(value) ? value.value : value;
  if (!Array.isArray(arr) || arr.length !== 4) throw new CoseError('COSE_MALFORMED', 'COSE_Sign1 must be an array of 4 items');
  const [p, u, payload, sig] = arr as unknown[];
  if (!(p instanceof Uint8Array) || !(u instanceof Map) || !(sig instanceof Uint8Array)) {
    throw new CoseError('COSE_MALFORMED', 'COSE_Sign1 items must be bstr, map, bstr, bstr');
  }
  if (!(payload instanceof Uint8Array)) throw new CoseError('COSE_MALFORMED', 'detached or non-bstr payloads are not accepted');
  if (sig.length !== 64) throw new CoseError('COSE_BAD_SIGNATURE', `signature must be 64 bytes, got ${sig.length}`);
  return [p, payload, sig];
}

interface ProtectedHeader {
  readonly alg: number;
  readonly kid: string;
  readonly contentType?: string | number;
}

function protectedHeader(bytes: Uint8Array): ProtectedHeader {
  let map: unknown;
  try {
    map = decodeCborMaps(bytes, { maxBytes: 1024, maxDepth: 2, maxItems: 32 });
  } catch (cause) {
    if (cause instanceof CborError) throw new CoseError('COSE_MALFORMED', `protected header: ${cause.message}`, { cause });
    throw cause;
  }
  if (!(map instanceof Map)) throw new CoseError('COSE_MALFORMED', 'protected header must be a map');
  const crit = map.get(HEADER.crit) as unknown;
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) throw new CoseError('COSE_MALFORMED', 'crit must be a non-empty array');
    for (const label of crit) {
      if (typeof label !== 'number' || !UNDERSTOOD.has(label)) {
        throw new CoseError('COSE_UNKNOWN_CRITICAL', `critical header ${String(label)} is not understood`);
      }
    }
  }
  const alg = map.get(HEADER.alg) as unknown;
  if (alg !== COSE_ALG.EdDSA && alg !== COSE_ALG.ES256) {
    throw new CoseError('COSE_UNSUPPORTED_ALG', `alg ${String(alg)} is not supported (EdDSA -8, ES256 -7)`);
  }
  const kid = map.get(HEADER.kid) as unknown;
  if (!(kid instanceof Uint8Array) || kid.length === 0 || kid.length > 256) {
    throw new CoseError('COSE_MALFORMED', 'protected header must carry kid, the signer DID URL, as a bstr');
  }
  const contentType = map.get(HEADER.contentType) as unknown;
  if (contentType !== undefined && typeof contentType !== 'string' && typeof contentType !== 'number') {
    throw new CoseError('COSE_MALFORMED', 'content type must be a text string or an integer');
  }
  let kidText: string;
  try {
    kidText = new TextDecoder('utf-8', { fatal: true }).decode(kid);
  } catch (cause) {
    throw new CoseError('COSE_MALFORMED', 'kid is not UTF-8', { cause });
  }
  return { alg, kid: kidText, ...(contentType === undefined ? {} : { contentType }) };
}

function signerKey(kid: string, opts: VerifyOptions): ReturnType<typeof parseDidKey> {
  let key: ReturnType<typeof parseDidKey>;
  try {
    key = parseDidKey(kid, opts.crypto);
  } catch (cause) {
    throw new CoseError('COSE_MALFORMED', `kid is not an acceptable did:key: ${(cause as Error).message}`, { cause });
  }
  if (opts.kid !== undefined && opts.kid.split('#')[0] !== key.did) {
    throw new CoseError('COSE_KID_MISMATCH', `signed by ${key.did}, expected ${opts.kid.split('#')[0]}`);
  }
  return key;
}

/** RFC 9052 §4.4 Sig_structure for COSE_Sign1, with empty external_aad. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const context = new TextEncoder().encode('Signature1');
  return concat([
    Uint8Array.of(0x84, 0x60 | context.length), context,
    bstrHead(protectedBytes.length), protectedBytes,
    Uint8Array.of(0x40),
    bstrHead(payload.length), payload,
  ]);
}

function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function isTag(v: unknown): v is { tag: number; value: unknown } {
  return typeof v === 'object' && v !== null && 'tag' in v && 'value' in v;
}
