/**
 * Garlic messages (`ecies.rst` New Session, simplified; PROTOCOL.md § Garlic):
 *
 *   garlic  = ephemeral X25519 32 ‖ ChaCha20-Poly1305(k, n = 0, ad = h, payload)
 *   Noise N to the destination's static X25519 key, prologue "IP2 garlic v1":
 *     h = SHA-256(name padded to 32); h = SHA-256(h ‖ prologue); h = SHA-256(h ‖ rs); h = SHA-256(h ‖ e)
 *     (ck, k) = HKDF(ck = name, DH(e, rs))
 *   payload = block…, block = type u8 ‖ size u16 ‖ data:
 *     0 DateTime: u32 seconds (first, exactly once) · 11 Clove (1..16) · 254 Padding (last, 0..15)
 *   clove   = delivery u8 (0 LOCAL, 1 DESTINATION ‖ hash 32, 2 ROUTER ‖ hash 32, 3 TUNNEL ‖
 *             tunnelId u32 ‖ router 32) ‖ type u8 ‖ msgId u32 ‖ expiration u32 (s) ‖ body
 *
 * The receiver refuses a replayed ephemeral key within 5 minutes and a DateTime outside
 * −5…+2 minutes. IP2: no static-key section (senders are anonymous; a reply LeaseSet clove says
 * where to answer) and no ratchet/Existing Session tags yet.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { KeyPair } from '../noise.ts';
import { ReplayCache } from '../replay.ts';
import {
  BLOCK, CLOVE_DELIVERY, GARLIC_OVERHEAD, GARLIC_PROLOGUE, GARLIC_PROTOCOL, MAX_CLOVES, MAX_FUTURE_MS, MAX_GARLIC, MAX_PADDING,
  MAX_PAST_MS, NS_REPLAY_WINDOW_MS,
} from './constants.ts';
import { GarlicError } from './errors.ts';

export type CloveDelivery =
  | { readonly type: 'local' }
  | { readonly type: 'destination' | 'router'; readonly hash: Uint8Array }
  | { readonly type: 'tunnel'; readonly tunnelId: number; readonly router: Uint8Array };

export interface Clove {
  readonly delivery: CloveDelivery;
  readonly type: number;
  readonly msgId: number;
  readonly expirationSec: number;
  readonly body: Uint8Array;
}

const te = new TextEncoder();

function keys(crypto: CryptoPort, ePub: Uint8Array, rs: Uint8Array, dh: Uint8Array) {
  const name = new Uint8Array(32);
  name.set(te.encode(GARLIC_PROTOCOL));
  const h = crypto.sha256(crypto.sha256(crypto.sha256(name, te.encode(GARLIC_PROLOGUE)), rs), ePub);
  const okm = crypto.hkdfSha256(dh, name, new Uint8Array(0), 64);
  return { h, k: okm.slice(32) };
}

function encodeClove(c: Clove): Uint8Array {
  const d = c.delivery;
  const dlen = d.type === 'local' ? 0 : d.type === 'tunnel' ? 36 : 32;
  const out = new Uint8Array(1 + dlen + 9 + c.body.length);
  const dv = new DataView(out.buffer);
  out[0] = CLOVE_DELIVERY[d.type];
  if (d.type === 'tunnel') {
    dv.setUint32(1, d.tunnelId >>> 0);
    out.set(d.router, 5);
  } else if (d.type !== 'local') out.set(d.hash, 1);
  out[1 + dlen] = c.type;
  dv.setUint32(2 + dlen, c.msgId >>> 0);
  dv.setUint32(6 + dlen, c.expirationSec >>> 0);
  out.set(c.body, 10 + dlen);
  return out;
}

function decodeClove(b: Uint8Array): Clove {
  const bad = () => new GarlicError('GARLIC_MALFORMED', 'malformed clove');
  const t = b[0];
  const dlen = t === 0 ? 0 : t === 1 || t === 2 ? 32 : t === 3 ? 36 : -1;
  if (dlen < 0 || b.length < 1 + dlen + 9) throw bad();
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const delivery: CloveDelivery = t === 0 ? { type: 'local' } : t === 3 ? { type: 'tunnel', tunnelId: dv.getUint32(1), router: b.slice(5, 37) } : { type: t === 1 ? 'destination' : 'router', hash: b.slice(1, 33) };
  return { delivery, type: b[1 + dlen] as number, msgId: dv.getUint32(2 + dlen), expirationSec: dv.getUint32(6 + dlen), body: b.slice(10 + dlen) };
}

function block(type: number, data: Uint8Array): Uint8Array {
  if (data.length > 0xffff) throw new GarlicError('GARLIC_TOO_LARGE', 'block over 65535 bytes', { badInput: false });
  const out = new Uint8Array(3 + data.length);
  out[0] = type;
  new DataView(out.buffer).setUint16(1, data.length);
  out.set(data, 3);
  return out;
}

/** Seals cloves to the destination's X25519 key. `ePriv` for vectors only. */
export function sealGarlic(crypto: CryptoPort, to: Uint8Array, cloves: readonly Clove[], nowMs: number, ePriv = crypto.randomBytes(32)): Uint8Array {
  if (cloves.length < 1 || cloves.length > MAX_CLOVES) throw new RangeError('1..16 cloves');
  const dt = new Uint8Array(4);
  new DataView(dt.buffer).setUint32(0, Math.floor(nowMs / 1000) >>> 0);
  const padLen = (crypto.randomBytes(1)[0] as number) % (MAX_PADDING + 1);
  const parts = [block(BLOCK.dateTime, dt), ...cloves.map((c) => block(BLOCK.clove, encodeClove(c))), block(BLOCK.padding, new Uint8Array(padLen))];
  const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    payload.set(p, off);
    off += p.length;
  }
  if (payload.length + GARLIC_OVERHEAD > MAX_GARLIC) throw new GarlicError('GARLIC_TOO_LARGE', 'garlic message over 16 KiB', { badInput: false });
  const e = crypto.x25519.publicKey(ePriv);
  const { h, k } = keys(crypto, e, to, crypto.x25519.sharedSecret(ePriv, to));
  const sealed = crypto.chacha20poly1305.seal(k, new Uint8Array(12), payload, h);
  const out = new Uint8Array(32 + sealed.length);
  out.set(e);
  out.set(sealed, 32);
  return out;
}

/** The receiving side of one destination: its key and its NS replay filter (instance-scoped). */
export class GarlicReceiver {
  readonly #replay = new ReplayCache(NS_REPLAY_WINDOW_MS, 16_384);
  constructor(private readonly crypto: CryptoPort, private readonly key: KeyPair) {}

  /** Total: returns the cloves or throws a GarlicError with a code. */
  open(message: Uint8Array, nowMs: number): Clove[] {
    if (message.length < GARLIC_OVERHEAD + 7 || message.length > MAX_GARLIC) throw new GarlicError('GARLIC_MALFORMED', 'garlic length out of range');
    const e = message.subarray(0, 32);
    let payload: Uint8Array;
    try {
      const { h, k } = keys(this.crypto, e, this.key.publicKey, this.crypto.x25519.sharedSecret(this.key.privateKey, e));
      payload = this.crypto.chacha20poly1305.open(k, new Uint8Array(12), message.subarray(32), h);
    } catch (cause) {
      throw new GarlicError('GARLIC_AUTH_FAILED', 'garlic does not open', { cause });
    }
    const cloves = parsePayload(payload, nowMs);
    if (!this.#replay.checkAndAdd(e, nowMs)) throw new GarlicError('GARLIC_REPLAY', 'replayed New Session ephemeral key');
    return cloves;
  }
}

function parsePayload(p: Uint8Array, nowMs: number): Clove[] {
  const bad = (m: string) => new GarlicError('GARLIC_MALFORMED', m);
  const dv = new DataView(p.buffer, p.byteOffset, p.length);
  const cloves: Clove[] = [];
  let off = 0;
  let first = true;
  let sawPadding = false;
  while (off < p.length) {
    if (off + 3 > p.length || sawPadding) throw bad('truncated block or block after padding');
    const type = p[off] as number;
    const size = dv.getUint16(off + 1);
    const data = p.subarray(off + 3, off + 3 + size);
    if (data.length !== size) throw bad('block longer than the payload');
    if (first !== (type === BLOCK.dateTime)) throw bad('DateTime must come first, once');
    if (type === BLOCK.dateTime) {
      if (size !== 4) throw bad('DateTime must be 4 bytes');
      const t = dv.getUint32(off + 3) * 1000;
      if (t < nowMs - MAX_PAST_MS || t > nowMs + MAX_FUTURE_MS) throw new GarlicError('GARLIC_CLOCK_SKEW', 'garlic DateTime outside −5…+2 min');
    } else if (type === BLOCK.clove) {
      if (cloves.length >= MAX_CLOVES) throw bad('too many cloves');
      cloves.push(decodeClove(data));
    } else if (type === BLOCK.padding) sawPadding = true;
    else throw bad('unknown block type');
    first = false;
    off += 3 + size;
  }
  if (cloves.length === 0) throw bad('no clove');
  return cloves;
}
