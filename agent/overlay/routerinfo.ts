/**
 * RouterInfo: a COSE_Sign1 (agent/identity/cose.ts) over a CBOR map (PROTOCOL.md):
 *
 *   { "v": 1, "did": did:key text, "x": X25519 static key (32 bytes),
 *     "a": [[host, port], …] (≤ 4), "ff": floodfill bool, "bw": "L"|"M"|"H"|"X",
 *     "pub": published ms since the epoch, "net": network id u32 }
 *
 * Verified before use: size bound before any decoding, signature before the payload is read,
 * the signer must be the DID inside, the network id must be ours, and it must not be expired.
 * The router hash is SHA-256 of the DID's UTF-8 (stable across republishing).
 */
import type { CryptoPort } from '../crypto/port.ts';
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import { signCose1, verifyCose1, type Signer } from '../identity/cose.ts';
import { MAX_CLOCK_SKEW_MS, MAX_ROUTER_ADDRESSES, MAX_ROUTERINFO_BYTES, ROUTERINFO_MAX_AGE_MS } from './constants.ts';
import { OverlayError } from './errors.ts';

export type BandwidthClass = 'L' | 'M' | 'H' | 'X';

export interface RouterAddress {
  readonly host: string;
  readonly port: number;
}

export interface RouterInfo {
  readonly did: string;
  readonly staticKey: Uint8Array;
  readonly addresses: readonly RouterAddress[];
  readonly floodfill: boolean;
  readonly bandwidth: BandwidthClass;
  readonly published: number;
  readonly netId: number;
}

export interface VerifiedRouterInfo {
  readonly info: RouterInfo;
  /** The exact signed bytes (stored and forwarded as received). */
  readonly bytes: Uint8Array;
  /** SHA-256(UTF-8 did), 32 bytes. */
  readonly hash: Uint8Array;
}

export function routerHash(crypto: CryptoPort, did: string): Uint8Array {
  return crypto.sha256(new TextEncoder().encode(did));
}

export async function signRouterInfo(info: RouterInfo, signer: Signer): Promise<Uint8Array> {
  if (info.did !== signer.did) throw new RangeError('RouterInfo did must be the signer DID');
  const payload = encodeCbor({
    v: 1, did: info.did, x: info.staticKey, a: info.addresses.map((a) => [a.host, a.port]),
    ff: info.floodfill, bw: info.bandwidth, pub: info.published, net: info.netId,
  });
  const bytes = await signCose1(payload, signer);
  if (bytes.length > MAX_ROUTERINFO_BYTES) throw new RangeError('RouterInfo over the size limit');
  return bytes;
}

export interface VerifyRouterInfoOptions {
  readonly crypto: CryptoPort;
  readonly netId: number;
  readonly now: number;
  readonly maxAgeMs?: number;
}

const invalid = (msg: string, cause?: unknown) => new OverlayError('ROUTERINFO_INVALID', msg, cause === undefined ? {} : { cause });

export function verifyRouterInfo(bytes: Uint8Array, opts: VerifyRouterInfoOptions): VerifiedRouterInfo {
  if (!(bytes instanceof Uint8Array)) throw invalid('RouterInfo must be bytes');
  if (bytes.length > MAX_ROUTERINFO_BYTES) throw new OverlayError('ROUTERINFO_TOO_LARGE', `RouterInfo of ${bytes.length} bytes exceeds ${MAX_ROUTERINFO_BYTES}`);
  let verified;
  try {
    verified = verifyCose1(bytes, { crypto: opts.crypto, maxBytes: MAX_ROUTERINFO_BYTES });
  } catch (cause) {
    throw invalid('RouterInfo signature or envelope invalid', cause);
  }
  let raw: unknown;
  try {
    raw = decodeCbor(verified.payload, { maxBytes: MAX_ROUTERINFO_BYTES, maxDepth: 4, maxItems: 64 });
  } catch (cause) {
    throw invalid('RouterInfo payload is not valid CBOR', cause);
  }
  const info = parsePayload(raw);
  if (info.did !== verified.did) throw invalid('RouterInfo is not signed by its own identity');
  if (info.netId !== opts.netId) throw new OverlayError('WRONG_NETWORK', `RouterInfo of network ${info.netId}, we are ${opts.netId}`);
  if (info.published > opts.now + MAX_CLOCK_SKEW_MS) throw invalid('RouterInfo published in the future');
  if (opts.now - info.published > (opts.maxAgeMs ?? ROUTERINFO_MAX_AGE_MS)) throw new OverlayError('ROUTERINFO_EXPIRED', 'RouterInfo expired');
  return { info, bytes: Uint8Array.from(bytes), hash: routerHash(opts.crypto, info.did) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function parseAddresses(a: unknown): RouterAddress[] {
  if (!Array.isArray(a) || a.length > MAX_ROUTER_ADDRESSES) throw invalid('RouterInfo addresses malformed');
  return a.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 2) throw invalid('RouterInfo address malformed');
    const [host, port] = entry as unknown[];
    if (typeof host !== 'string' || host.length === 0 || host.length > 255) throw invalid('RouterInfo address host malformed');
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw invalid('RouterInfo address port malformed');
    return { host, port };
  });
}

function parsePayload(raw: unknown): RouterInfo {
  if (!isRecord(raw)) throw invalid('RouterInfo payload is not a map');
  const known = new Set(['v', 'did', 'x', 'a', 'ff', 'bw', 'pub', 'net']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw invalid(`RouterInfo has unknown field ${k}`);
  const { v, did, x, a, ff, bw, pub, net } = raw;
  if (v !== 1) throw invalid('RouterInfo version must be 1');
  if (typeof did !== 'string' || !did.startsWith('did:key:') || did.length > 256) throw invalid('RouterInfo did malformed');
  if (!(x instanceof Uint8Array) || x.length !== 32) throw invalid('RouterInfo static key must be 32 bytes');
  if (typeof ff !== 'boolean') throw invalid('RouterInfo floodfill flag malformed');
  if (bw !== 'L' && bw !== 'M' && bw !== 'H' && bw !== 'X') throw invalid('RouterInfo bandwidth class malformed');
  if (typeof pub !== 'number' || !Number.isSafeInteger(pub) || pub < 0) throw invalid('RouterInfo published time malformed');
  if (typeof net !== 'number' || !Number.isInteger(net) || net < 0 || net > 0xffffffff) throw invalid('RouterInfo network id malformed');
  return { did, staticKey: Uint8Array.from(x), addresses: parseAddresses(a), floodfill: ff, bandwidth: bw, published: pub, netId: net };
}
