/**
 * LeaseSets (I2P LeaseSet2, simplified; PROTOCOL.md § LeaseSets): a destination's signed list of
 * inbound gateways, a COSE_Sign1 (DESIGN.md §3) by the destination's own Ed25519 did:key —
 * unlinkable to the router's identity — over the CBOR map
 *
 *   { "v": 1, "enc": bstr 32 (X25519 key garlic is sealed to), "pub": uint (ms),
 *     "leases": [ { "gw": bstr 32 (gateway router hash), "tid": uint32, "exp": uint (ms) } … ] }  1..16
 *
 * The destination hash is SHA-256 of the signer's DID (UTF-8), like a router hash. Verification
 * checks the signature first, then the exact shape, then that no lease ends more than 11 min
 * ahead and at least one is live.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import { decodeCbor, encodeCbor } from '../../cbor/index.ts';
import { signCose1, verifyCose1, type Signer } from '../../identity/cose.ts';
import { LEASESET_CONTENT_TYPE, MAX_LEASE_AHEAD_MS, MAX_LEASES, MAX_LEASESET_BYTES } from './constants.ts';
import { LeaseSetError } from './errors.ts';

export interface Lease {
  readonly gateway: Uint8Array;
  readonly tunnelId: number;
  readonly expires: number;
}

export interface LeaseSet {
  readonly encryptionKey: Uint8Array;
  readonly published: number;
  readonly leases: readonly Lease[];
}

export interface VerifiedLeaseSet extends LeaseSet {
  readonly did: string;
  readonly destination: Uint8Array;
  readonly bytes: Uint8Array;
}

export function destinationHash(crypto: CryptoPort, did: string): Uint8Array {
  return crypto.sha256(new TextEncoder().encode(did));
}

export async function signLeaseSet(ls: LeaseSet, signer: Signer): Promise<Uint8Array> {
  if (ls.leases.length < 1 || ls.leases.length > MAX_LEASES || ls.encryptionKey.length !== 32) throw new RangeError('1..16 leases and a 32-byte key');
  const payload = encodeCbor({
    v: 1, enc: ls.encryptionKey, pub: ls.published,
    leases: ls.leases.map((l) => ({ gw: l.gateway, tid: l.tunnelId, exp: l.expires })),
  });
  return signCose1(payload, signer, { contentType: LEASESET_CONTENT_TYPE });
}

const bad = (m: string, cause?: unknown) => new LeaseSetError('LEASESET_INVALID', m, cause === undefined ? {} : { cause });
const isUint = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isHash = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length === 32;

function exact(o: unknown, keys: string[]): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o) || o instanceof Uint8Array) throw bad('not a map');
  const r = o as Record<string, unknown>;
  const have = Object.keys(r);
  if (have.length !== keys.length || !keys.every((k) => k in r)) throw bad(`fields must be exactly ${keys.join(', ')}`);
  return r;
}

function parseLease(v: unknown): Lease {
  const l = exact(v, ['gw', 'tid', 'exp']);
  if (!isHash(l['gw']) || !isUint(l['tid'], 0xffffffff) || !isUint(l['exp'])) throw bad('lease malformed');
  return { gateway: l['gw'], tunnelId: l['tid'], expires: l['exp'] };
}

/** Total: a verified LeaseSet or a LeaseSetError. */
export function verifyLeaseSet(bytes: Uint8Array, opts: { crypto: CryptoPort; now: number }): VerifiedLeaseSet {
  if (bytes.length > MAX_LEASESET_BYTES) throw new LeaseSetError('LEASESET_TOO_LARGE', 'LeaseSet over 2 KiB');
  let verified;
  let raw: unknown;
  try {
    verified = verifyCose1(bytes, { crypto: opts.crypto, maxBytes: MAX_LEASESET_BYTES });
    raw = decodeCbor(verified.payload, { maxBytes: MAX_LEASESET_BYTES, maxDepth: 4, maxItems: 128 });
  } catch (cause) {
    throw bad('LeaseSet signature or encoding invalid', cause);
  }
  if (verified.contentType !== LEASESET_CONTENT_TYPE) throw bad('not a LeaseSet');
  const o = exact(raw, ['v', 'enc', 'pub', 'leases']);
  const leasesRaw = o['leases'];
  if (o['v'] !== 1 || !isHash(o['enc']) || !isUint(o['pub']) || !Array.isArray(leasesRaw) || leasesRaw.length < 1 || leasesRaw.length > MAX_LEASES) throw bad('LeaseSet malformed');
  const leases = leasesRaw.map(parseLease);
  if (leases.some((l) => l.expires > opts.now + MAX_LEASE_AHEAD_MS)) throw bad('a lease ends too far ahead');
  if (leases.every((l) => l.expires <= opts.now)) throw new LeaseSetError('LEASESET_EXPIRED', 'every lease has expired');
  return { did: verified.did, destination: destinationHash(opts.crypto, verified.did), bytes, encryptionKey: o['enc'], published: o['pub'], leases };
}
