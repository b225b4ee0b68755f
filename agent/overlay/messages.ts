/**
 * netDb messages, one CBOR map per `message` block (PROTOCOL.md § netDb messages):
 *
 *   store   { t: "store",  id: u32 (0 = no ack), ri: bstr, flood: bool }
 *   ack     { t: "ack",    id }
 *   lookup  { t: "lookup", id, key: bstr 32, x: bool (exploratory) }
 *   found   { t: "found",  id, ri: bstr }
 *   reply   { t: "reply",  id, peers: [bstr …] ≤ 8 }   closer floodfills (or, for x, any routers)
 *
 * The decoder is total and bounded: at most MAX_NETDB_MESSAGE bytes, shapes checked exactly,
 * anything else is OverlayError MESSAGE_INVALID.
 */
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import { MAX_NETDB_MESSAGE, MAX_ROUTERINFO_BYTES } from './constants.ts';
import { OverlayError } from './errors.ts';

export const MAX_REPLY_PEERS = 8;

export type NetDbMessage =
  | { readonly t: 'store'; readonly id: number; readonly ri: Uint8Array; readonly flood: boolean }
  | { readonly t: 'ack'; readonly id: number }
  | { readonly t: 'lookup'; readonly id: number; readonly key: Uint8Array; readonly x: boolean }
  | { readonly t: 'found'; readonly id: number; readonly ri: Uint8Array }
  | { readonly t: 'reply'; readonly id: number; readonly peers: readonly Uint8Array[] };

export function encodeMessage(m: NetDbMessage): Uint8Array {
  const out = encodeCbor({ ...m, ...('peers' in m ? { peers: [...m.peers] } : {}) });
  if (out.length > MAX_NETDB_MESSAGE) throw new RangeError('netDb message over the size limit');
  return out;
}

const bad = (msg: string, cause?: unknown) => new OverlayError('MESSAGE_INVALID', msg, cause === undefined ? {} : { cause });

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

function isRi(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length > 0 && v.length <= MAX_ROUTERINFO_BYTES;
}

function exactKeys(o: Record<string, unknown>, keys: string[]): void {
  const have = Object.keys(o);
  if (have.length !== keys.length || !keys.every((k) => k in o)) throw bad(`fields must be exactly ${keys.join(', ')}`);
}

export function decodeMessage(bytes: Uint8Array): NetDbMessage {
  let raw: unknown;
  try {
    raw = decodeCbor(bytes, { maxBytes: MAX_NETDB_MESSAGE, maxDepth: 3, maxItems: 64 });
  } catch (cause) {
    throw bad('netDb message is not valid CBOR', cause);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) throw bad('netDb message is not a map');
  const o = raw as Record<string, unknown>;
  if (!isId(o['id'])) throw bad('netDb message id malformed');
  const id = o['id'];
  switch (o['t']) {
    case 'store':
      exactKeys(o, ['t', 'id', 'ri', 'flood']);
      if (!isRi(o['ri']) || typeof o['flood'] !== 'boolean') throw bad('store malformed');
      return { t: 'store', id, ri: o['ri'], flood: o['flood'] };
    case 'ack':
      exactKeys(o, ['t', 'id']);
      return { t: 'ack', id };
    case 'lookup': {
      exactKeys(o, ['t', 'id', 'key', 'x']);
      const key = o['key'];
      if (!(key instanceof Uint8Array) || key.length !== 32 || typeof o['x'] !== 'boolean') throw bad('lookup malformed');
      return { t: 'lookup', id, key, x: o['x'] };
    }
    case 'found':
      exactKeys(o, ['t', 'id', 'ri']);
      if (!isRi(o['ri'])) throw bad('found malformed');
      return { t: 'found', id, ri: o['ri'] };
    case 'reply': {
      exactKeys(o, ['t', 'id', 'peers']);
      const peers = o['peers'];
      if (!Array.isArray(peers) || peers.length > MAX_REPLY_PEERS || !peers.every(isRi)) throw bad('reply malformed');
      return { t: 'reply', id, peers };
    }
    default:
      throw bad('unknown netDb message type');
  }
}
