/**
 * The signed envelope of TUF §4.2 (`{"signatures": [{keyid, sig}], "signed": ROLE}`), key ids,
 * signing and threshold verification. Verify-before-parse: the caller bounds the length, then
 * `verifyRole` checks signatures over the canonical bytes of `signed`, and only then is the role
 * parsed into its typed shape.
 */
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { canonicalBytes } from './canonical.ts';
import { TrustError } from './errors.ts';
import type { PublicKey, RoleKeys } from './metadata.ts';
import { KEYTYPE_ED25519, SCHEME_ED25519 } from './constants.ts';

export interface Signature {
  readonly keyid: string;
  readonly sig: string;
}

export interface Envelope {
  readonly signatures: readonly Signature[];
  readonly signed: unknown;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** TUF §4.2: the key id is the hex SHA-256 of the canonical JSON of the public key object. */
export function keyId(crypto: CryptoPort, key: PublicKey): string {
  return toHex(crypto.sha256(canonicalBytes(key)));
}

export function ed25519Key(publicKey: Uint8Array): PublicKey {
  return { keytype: KEYTYPE_ED25519, scheme: SCHEME_ED25519, keyval: { public: toHex(publicKey) } };
}

/** JSON text → envelope, total: any bytes give an envelope or `MALFORMED_METADATA`. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new TrustError('MALFORMED_METADATA', 'metadata is not UTF-8 JSON', { cause: err });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TrustError('MALFORMED_METADATA', 'metadata is not an object');
  const o = v as Record<string, unknown>;
  const sigs = o['signatures'];
  if (!Array.isArray(sigs) || sigs.length > 64) throw new TrustError('MALFORMED_METADATA', 'signatures is not a list of at most 64');
  const signatures = sigs.map((s): Signature => {
    const so = s as Record<string, unknown> | null;
    if (typeof so !== 'object' || so === null || typeof so['keyid'] !== 'string' || typeof so['sig'] !== 'string' || so['sig'].length > 256) {
      throw new TrustError('MALFORMED_METADATA', 'a signature is not {keyid, sig}');
    }
    return { keyid: so['keyid'], sig: so['sig'] };
  });
  if (typeof o['signed'] !== 'object' || o['signed'] === null) throw new TrustError('MALFORMED_METADATA', 'signed is not an object');
  return { signatures, signed: o['signed'] };
}

export function encodeEnvelope(env: Envelope): Uint8Array {
  // Stored and served in canonical form too, so the bytes on disk are exactly what was hashed.
  return canonicalBytes({ signatures: env.signatures, signed: env.signed });
}

/**
 * TUF §5.3.4 and the like: at least `role.threshold` distinct keys of `role.keyids`, known in
 * `keys`, signed the canonical bytes of `env.signed`. Several signatures by one key, or one
 * public key under two key ids, count once. Throws `THRESHOLD_NOT_MET`.
 */
export function verifyRole(
  crypto: CryptoPort, env: Envelope, role: RoleKeys, keys: Readonly<Record<string, PublicKey>>, name: string,
): void {
  const message = canonicalBytes(env.signed);
  const allowed = new Set(role.keyids);
  const good = new Set<string>();
  for (const s of env.signatures) {
    if (!allowed.has(s.keyid)) continue;
    const key = keys[s.keyid];
    if (key === undefined || keyId(crypto, key) !== s.keyid || !/^[0-9a-f]{128}$/.test(s.sig)) continue;
    if (crypto.ed25519.verify(fromHex(key.keyval.public), message, fromHex(s.sig))) good.add(key.keyval.public);
  }
  if (good.size < role.threshold) {
    throw new TrustError('THRESHOLD_NOT_MET', `${name}: ${good.size} valid signature(s), threshold ${role.threshold}`);
  }
}

/** Adds (or replaces) the signature of `seed`'s key over `env.signed`. */
export function signEnvelope(crypto: CryptoPort, env: Envelope, seed: Uint8Array): Envelope {
  const key = ed25519Key(crypto.ed25519.publicKey(seed));
  const keyid = keyId(crypto, key);
  const sig = toHex(crypto.ed25519.sign(seed, canonicalBytes(env.signed)));
  return { signed: env.signed, signatures: [...env.signatures.filter((s) => s.keyid !== keyid), { keyid, sig }] };
}
