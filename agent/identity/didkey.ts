/**
 * did:key for the two key types this agent accepts (w3c-ccg did:key method, "did:key Format"):
 *
 *   did:key:z<base58btc( varint(multicodec) ‖ raw public key )>
 *
 *   Ed25519  multicodec 0xed   → varint ed 01, 32-byte key,            DIDs start z6Mk
 *   P-256    multicodec 0x1200 → varint 80 24, 33-byte compressed key, DIDs start zDn
 *
 * Everything else (other codecs, wrong lengths, points not on the curve, other methods) is
 * refused with a DidError. research/identity.md §1.2 has the vectors this was checked against.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { CryptoPort, SignatureAlgorithm } from '../crypto/port.ts';
import { base58Decode, base58Encode } from './base58.ts';
import { DidError } from './errors.ts';

const PREFIX = 'did:key:';
/** Multicodec table entries, as varint bytes (multiformats/multicodec table.csv). */
const CODEC = {
  'Ed25519': { varint: [0xed, 0x01], keyLength: 32 },
  'P-256': { varint: [0x80, 0x24], keyLength: 33 },
} as const satisfies Record<SignatureAlgorithm, { varint: readonly number[]; keyLength: number }>;
/** A did:key of ours is at most ~60 characters; anything far longer is refused before decoding. */
const MAX_DID_LENGTH = 128;

export interface DidKey {
  readonly did: string;
  readonly algorithm: SignatureAlgorithm;
  /** Raw key: Ed25519 32 bytes, P-256 33 bytes compressed. */
  readonly publicKey: Uint8Array;
  /** The multibase value after `did:key:`, also the fragment of its verification method. */
  readonly fingerprint: string;
}

export function didKeyFromPublicKey(algorithm: SignatureAlgorithm, publicKey: Uint8Array): string {
  const codec = CODEC[algorithm];
  if (publicKey.length !== codec.keyLength) {
    throw new RangeError(`${algorithm} public key must be ${codec.keyLength} bytes, got ${publicKey.length}`);
  }
  const bytes = new Uint8Array(2 + publicKey.length);
  bytes.set(codec.varint, 0);
  bytes.set(publicKey, 2);
  return `${PREFIX}z${base58Encode(bytes)}`;
}

/**
 * Parses and validates a did:key (a DID URL with a fragment is accepted, the fragment must be
 * the key's own fingerprint). P-256 points are checked to be on the curve through the crypto
 * port; Ed25519 points are checked to decode to a curve point.
 */
export function parseDidKey(input: string, crypto: CryptoPort): DidKey {
  if (typeof input !== 'string' || input.length > MAX_DID_LENGTH * 2 + 1) {
    throw new DidError('DID_MALFORMED', 'not a DID: too long or not a string');
  }
  const hash = input.indexOf('#');
  const did = hash < 0 ? input : input.slice(0, hash);
  if (!did.startsWith('did:')) throw new DidError('DID_MALFORMED', `not a DID: ${clip(input)}`);
  if (!did.startsWith(PREFIX)) {
    throw new DidError('DID_UNSUPPORTED_METHOD', `only did:key is supported, got ${clip(did.split(':').slice(0, 2).join(':'))}`);
  }
  const fingerprint = did.slice(PREFIX.length);
  if (hash >= 0 && input.slice(hash + 1) !== fingerprint) {
    throw new DidError('DID_MALFORMED', 'the DID URL fragment is not the key fingerprint');
  }
  if (fingerprint.length > MAX_DID_LENGTH || !fingerprint.startsWith('z')) {
    throw new DidError('DID_MALFORMED', 'did:key value must be multibase base58btc (prefix z)');
  }
  const bytes = base58Decode(fingerprint.slice(1));
  if (bytes === undefined) throw new DidError('DID_MALFORMED', 'did:key value is not valid base58btc');
  const algorithm = algorithmOf(bytes);
  const publicKey = bytes.slice(2);
  const expected = CODEC[algorithm].keyLength;
  if (publicKey.length !== expected) {
    throw new DidError('DID_BAD_KEY_LENGTH', `${algorithm} did:key must carry ${expected} key bytes, got ${publicKey.length}`);
  }
  checkPoint(algorithm, publicKey, crypto);
  return { did, algorithm, publicKey, fingerprint };
}

function algorithmOf(bytes: Uint8Array): SignatureAlgorithm {
  for (const [name, codec] of Object.entries(CODEC) as [SignatureAlgorithm, (typeof CODEC)[SignatureAlgorithm]][]) {
    if (bytes[0] === codec.varint[0] && bytes[1] === codec.varint[1]) return name;
  }
  const shown = Array.from(bytes.slice(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DidError('DID_UNSUPPORTED_KEY_TYPE', `unsupported did:key multicodec (bytes ${shown}); only Ed25519 and P-256 are accepted`);
}

function checkPoint(algorithm: SignatureAlgorithm, publicKey: Uint8Array, crypto: CryptoPort): void {
  try {
    if (algorithm === 'P-256') crypto.p256.decompress(publicKey);
    else {
      ed25519.Point.fromBytes(publicKey);
    }
  } catch (cause) {
    throw new DidError('DID_INVALID_POINT', `${algorithm} key in did:key is not a point on the curve`, { cause });
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
