/**
 * The hot-path COSE_Sign1 check of the intent verifier: the envelope is opened once (outer
 * array and protected header, RFC 9052 §4.2 and §3.1), its payload read for the cheap checks,
 * and the signature verified later over the same bytes, with parsed signer keys memoised by
 * kid (parsing a did:key validates the curve point, which costs about as much as a verify).
 *
 * Same acceptance as identity/cose.ts `verifyCose1` (the reference), proven by a differential
 * property test (test/intent/cose-fast.test.ts); only the work is shared differently.
 */
import { decodeCborMaps } from '../cbor/index.ts';
import type { CryptoPort, SignatureAlgorithm } from '../crypto/port.ts';
import { COSE_ALG } from '../identity/cose.ts';
import { type DidKey, parseDidKey } from '../identity/didkey.ts';
import { IntentError } from './errors.ts';

const TAG_SIGN1 = 18;
const HEADER = { alg: 1, crit: 2, contentType: 3, kid: 4 } as const;
const UNDERSTOOD = new Set<number>([1, 2, 3, 4]);
const SIGNATURE1 = new TextEncoder().encode('Signature1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface OpenedCose {
  readonly bytes: Uint8Array;
  readonly protectedBytes: Uint8Array;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly alg: number;
  /** The signer's DID URL from the protected header. */
  readonly kid: string;
  readonly contentType: string | number | undefined;
}

function bad(what: string, cause?: unknown): IntentError {
  return new IntentError('malformed', what, cause === undefined ? undefined : { cause });
}

type Header = { alg: number; kid: string; contentType: string | number | undefined };

/**
 * Parsed protected headers, keyed by their bytes: every intent of one signer carries the same
 * header, so the steady state decodes it once. Bounded; instance-scoped (createHeaderMemo).
 */
export interface HeaderMemo {
  get(p: Uint8Array): Header;
}

export function createHeaderMemo(maxEntries: number): HeaderMemo {
  const memo = new Map<string, Header>();
  return {
    get(p) {
      const key = p.length <= 512 ? Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('latin1') : null;
      const hit = key === null ? undefined : memo.get(key);
      if (hit !== undefined) return hit;
      const h = header(p);
      if (key !== null) {
        if (memo.size >= maxEntries) memo.delete(memo.keys().next().value!);
        memo.set(key, h);
      }
      return h;
    },
  };
}

const noMemo: HeaderMemo = { get: (p) => header(p) };

/** Opens a COSE_Sign1 without checking its signature; total and bounded. */
export function openCose1(bytes: Uint8Array, maxBytes: number, headers: HeaderMemo = noMemo): OpenedCose {
  if (bytes.length > maxBytes) throw new IntentError('too_large', `envelope of ${bytes.length} bytes exceeds ${maxBytes}`);
  let v: unknown;
  try {
    v = decodeCborMaps(bytes, { maxBytes, maxDepth: 4, maxItems: 64, tags: [TAG_SIGN1] });
  } catch (cause) {
    throw bad('not a COSE_Sign1 envelope', cause);
  }
  const arr = typeof v === 'object' && v !== null && 'tag' in v && 'value' in v ? (v as { value: unknown }).value : v;
  if (!Array.isArray(arr) || arr.length !== 4) throw bad('COSE_Sign1 must be an array of 4 items');
  const [p, u, payload, signature] = arr as unknown[];
  if (!(p instanceof Uint8Array) || !(u instanceof Map) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw bad('COSE_Sign1 items must be bstr, map, bstr, bstr');
  }
  return { bytes, protectedBytes: p, payload, signature, ...headers.get(p) };
}

function header(p: Uint8Array): Header {
  let m: unknown;
  try {
    m = decodeCborMaps(p, { maxBytes: 1024, maxDepth: 2, maxItems: 32 });
  } catch (cause) {
    throw bad('protected header is not CBOR', cause);
  }
  if (!(m instanceof Map)) throw bad('protected header must be a map');
  const crit = m.get(HEADER.crit) as unknown;
  if (crit !== undefined && (!Array.isArray(crit) || crit.length === 0 || !crit.every((l) => typeof l === 'number' && UNDERSTOOD.has(l)))) {
    throw bad('a critical header is not understood');
  }
  const alg = m.get(HEADER.alg) as unknown;
  if (alg !== COSE_ALG.EdDSA && alg !== COSE_ALG.ES256) throw bad('alg must be EdDSA (-8) or ES256 (-7)');
  const kid = m.get(HEADER.kid) as unknown;
  if (!(kid instanceof Uint8Array) || kid.length === 0 || kid.length > 256) throw bad('kid must be the signer DID URL');
  const ct = m.get(HEADER.contentType) as unknown;
  if (ct !== undefined && typeof ct !== 'string' && typeof ct !== 'number') throw bad('content type must be text or an integer');
  let kidText: string;
  try {
    kidText = utf8.decode(kid);
  } catch (cause) {
    throw bad('kid is not UTF-8', cause);
  }
  return { alg, kid: kidText, contentType: ct };
}

/** A bounded memo of parsed signer keys (a did:key parse validates the curve point). */
export interface KeyMemo {
  get(kid: string, crypto: CryptoPort): DidKey;
}

export function createKeyMemo(maxEntries: number): KeyMemo {
  const keys = new Map<string, DidKey>();
  return {
    get(kid, crypto) {
      const hit = keys.get(kid);
      if (hit !== undefined) return hit;
      const k = parseDidKey(kid, crypto);
      if (keys.size >= maxEntries) keys.delete(keys.keys().next().value!);
      keys.set(kid, k);
      return k;
    },
  };
}

/**
 * Checks the signature of an opened envelope: signer must be `expectedDid`, alg must match its
 * key type, and the signature must verify over Sig_structure (RFC 9052 §4.4). Never throws.
 */
export function verifyOpened(c: OpenedCose, expectedDid: string, crypto: CryptoPort, keys: KeyMemo): boolean {
  let key: DidKey;
  try {
    key = keys.get(c.kid, crypto);
  } catch {
    return false;
  }
  if (key.did !== expectedDid || c.signature.length !== 64) return false;
  const algorithm: SignatureAlgorithm = c.alg === COSE_ALG.EdDSA ? 'Ed25519' : 'P-256';
  if (algorithm !== key.algorithm) return false;
  const message = sigStructure(c.protectedBytes, c.payload);
  return algorithm === 'Ed25519' ? crypto.ed25519.verify(key.publicKey, message, c.signature) : crypto.p256.verify(key.publicKey, message, c.signature);
}

function head(major: number, length: number): number[] {
  const m = major << 5;
  if (length < 24) return [m | length];
  if (length < 0x100) return [m | 24, length];
  if (length < 0x10000) return [m | 25, length >> 8, length & 0xff];
  return [m | 26, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** ["Signature1", protected, h'', payload] with definite lengths. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const a = [0x84, ...head(3, SIGNATURE1.length)];
  const b = head(2, protectedBytes.length);
  const c = [0x40, ...head(2, payload.length)];
  const out = new Uint8Array(a.length + SIGNATURE1.length + b.length + protectedBytes.length + c.length + payload.length);
  let at = 0;
  for (const part of [Uint8Array.from(a), SIGNATURE1, Uint8Array.from(b), protectedBytes, Uint8Array.from(c), payload]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
