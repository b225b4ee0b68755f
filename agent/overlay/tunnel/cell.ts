/**
 * Tunnel cells (`tunnel-message.rst`, PROTOCOL.md § Tunnels): 1028 bytes,
 *
 *   tunnelId u32 BE ‖ nonce 16 ‖ body 1008
 *   body (plaintext) = checksum 4 ‖ padding (non-zero bytes) ‖ 0x00 ‖ fragment…
 *   checksum = SHA-256(body after the 0x00 ‖ nonce)[0..4], nonce as the endpoint sees it
 *   fragment = flags u8 ‖ msgId u32 ‖ index u8 ‖ len u16 ‖ [delivery, only in index 0] ‖ data
 *     flags bits 0–1: delivery (0 LOCAL, 1 ROUTER: hash 32, 2 TUNNEL: tunnelId u32 ‖ hash 32)
 *     flags bit 7: last fragment of the message; other bits must be zero
 *
 * Decoders are total: any 1028 bytes give a value or a TunnelError with a code.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import {
  CELL_BODY_LEN, CELL_LEN, CELL_NONCE_LEN, CELL_TUNNEL_ID_LEN, CHECKSUM_LEN, DELIVERY, FRAGMENT_HEADER_LEN, MAX_FRAGMENTS, MAX_TUNNEL_MESSAGE,
} from './constants.ts';
import { TunnelError } from './errors.ts';

export type Delivery =
  | { readonly type: 'local' }
  | { readonly type: 'router'; readonly router: Uint8Array }
  | { readonly type: 'tunnel'; readonly tunnelId: number; readonly router: Uint8Array };

export interface Fragment {
  readonly msgId: number;
  readonly index: number;
  readonly last: boolean;
  /** Present on index 0 only. */
  readonly delivery: Delivery | undefined;
  readonly data: Uint8Array;
}

/** Views into a cell buffer (no copies). */
export interface CellView {
  readonly tunnelId: number;
  readonly nonce: Uint8Array;
  readonly body: Uint8Array;
}

export function viewCell(cell: Uint8Array): CellView {
  if (cell.length !== CELL_LEN) throw new TunnelError('CELL_MALFORMED', `cell must be ${CELL_LEN} bytes`);
  const tunnelId = new DataView(cell.buffer, cell.byteOffset, 4).getUint32(0);
  const nonceEnd = CELL_TUNNEL_ID_LEN + CELL_NONCE_LEN;
  return { tunnelId, nonce: cell.subarray(CELL_TUNNEL_ID_LEN, nonceEnd), body: cell.subarray(nonceEnd) };
}

export function setCellTunnelId(cell: Uint8Array, tunnelId: number): void {
  new DataView(cell.buffer, cell.byteOffset, 4).setUint32(0, tunnelId >>> 0);
}

function deliveryLen(d: Delivery | undefined): number {
  if (d === undefined || d.type === 'local') return 0;
  return d.type === 'router' ? 32 : 36;
}

/** Room for data in one cell with one fragment (995 for LOCAL, 959 for TUNNEL). */
export function fragmentCapacity(delivery: Delivery | undefined): number {
  return CELL_BODY_LEN - CHECKSUM_LEN - 1 - FRAGMENT_HEADER_LEN - deliveryLen(delivery);
}

/** Splits a message into fragments that each fit one cell. */
export function fragmentMessage(msgId: number, message: Uint8Array, delivery: Delivery): Fragment[] {
  if (message.length === 0 || message.length > MAX_TUNNEL_MESSAGE) throw new TunnelError('MESSAGE_TOO_LARGE', 'tunnel message must be 1..16384 bytes', { badInput: false });
  const out: Fragment[] = [];
  let off = 0;
  while (off < message.length) {
    const first = out.length === 0;
    const room = fragmentCapacity(first ? delivery : undefined);
    const data = message.subarray(off, Math.min(message.length, off + room));
    off += data.length;
    out.push({ msgId, index: out.length, last: off >= message.length, delivery: first ? delivery : undefined, data });
  }
  if (out.length > MAX_FRAGMENTS) throw new TunnelError('MESSAGE_TOO_LARGE', 'too many fragments', { badInput: false });
  return out;
}

function encodeFragment(f: Fragment): Uint8Array {
  const dl = f.index === 0 ? deliveryLen(f.delivery) : 0;
  const out = new Uint8Array(FRAGMENT_HEADER_LEN + dl + f.data.length);
  const dv = new DataView(out.buffer);
  const type = f.index === 0 && f.delivery !== undefined ? DELIVERY[f.delivery.type] : 0;
  out[0] = type | (f.last ? 0x80 : 0);
  dv.setUint32(1, f.msgId >>> 0);
  out[5] = f.index;
  dv.setUint16(6, f.data.length);
  let off = FRAGMENT_HEADER_LEN;
  if (f.index === 0 && f.delivery !== undefined && f.delivery.type !== 'local') {
    if (f.delivery.type === 'tunnel') {
      dv.setUint32(off, f.delivery.tunnelId >>> 0);
      off += 4;
    }
    out.set(f.delivery.router, off);
    off += 32;
  }
  out.set(f.data, off);
  return out;
}

/** Writes a plaintext body (checksum over `nonce`) for one fragment into `body` (1008 bytes). */
export function writePlainBody(crypto: CryptoPort, body: Uint8Array, nonce: Uint8Array, fragment: Fragment): void {
  const frag = encodeFragment(fragment);
  const padLen = CELL_BODY_LEN - CHECKSUM_LEN - 1 - frag.length;
  if (padLen < 0) throw new RangeError('fragment does not fit a cell');
  const pad = crypto.randomBytes(padLen);
  for (let i = 0; i < pad.length; i++) if (pad[i] === 0) pad[i] = 1;
  body.set(pad, CHECKSUM_LEN);
  body[CHECKSUM_LEN + padLen] = 0;
  body.set(frag, CHECKSUM_LEN + padLen + 1);
  body.set(crypto.sha256(frag, nonce).subarray(0, CHECKSUM_LEN), 0);
}

/** A whole plaintext cell for `fragment` (the endpoint will see `nonce`). */
export function plainCell(crypto: CryptoPort, tunnelId: number, nonce: Uint8Array, fragment: Fragment): Uint8Array {
  const cell = new Uint8Array(CELL_LEN);
  setCellTunnelId(cell, tunnelId);
  cell.set(nonce, CELL_TUNNEL_ID_LEN);
  const v = viewCell(cell);
  writePlainBody(crypto, v.body, v.nonce, fragment);
  return cell;
}

/** Checks the checksum and parses the fragments of a plaintext body. Total. */
export function readPlainBody(crypto: CryptoPort, body: Uint8Array, nonce: Uint8Array): Fragment[] {
  if (body.length !== CELL_BODY_LEN || nonce.length !== CELL_NONCE_LEN) throw new TunnelError('CELL_MALFORMED', 'bad body or nonce length');
  const zero = body.indexOf(0, CHECKSUM_LEN);
  if (zero < 0) throw new TunnelError('CELL_MALFORMED', 'no 0x00 after the padding');
  const content = body.subarray(zero + 1);
  const sum = crypto.sha256(content, nonce);
  for (let i = 0; i < CHECKSUM_LEN; i++) if (sum[i] !== body[i]) throw new TunnelError('CELL_CHECKSUM', 'cell checksum mismatch');
  const out: Fragment[] = [];
  let off = 0;
  while (off < content.length) {
    const [f, next] = readFragment(content, off);
    out.push(f);
    off = next;
  }
  if (out.length === 0) throw new TunnelError('FRAGMENT_MALFORMED', 'cell carries no fragment');
  return out;
}

function readFragment(b: Uint8Array, off: number): [Fragment, number] {
  const bad = (m: string) => new TunnelError('FRAGMENT_MALFORMED', m);
  if (off + FRAGMENT_HEADER_LEN > b.length) throw bad('truncated fragment header');
  const dv = new DataView(b.buffer, b.byteOffset + off);
  const flags = b[off] as number;
  if ((flags & 0x7c) !== 0 || (flags & 0x03) === 3) throw bad('unknown fragment flags');
  const msgId = dv.getUint32(1);
  const index = b[off + 5] as number;
  const len = dv.getUint16(6);
  if (index >= MAX_FRAGMENTS || len === 0) throw bad('fragment index or length out of range');
  const type = flags & 0x03;
  if (index > 0 && type !== 0) throw bad('delivery on a follow-on fragment');
  let p = off + FRAGMENT_HEADER_LEN;
  let delivery: Delivery | undefined;
  if (index === 0) {
    const need = type === DELIVERY.tunnel ? 36 : type === DELIVERY.router ? 32 : 0;
    if (p + need > b.length) throw bad('truncated delivery instructions');
    if (type === DELIVERY.tunnel) delivery = { type: 'tunnel', tunnelId: new DataView(b.buffer, b.byteOffset + p).getUint32(0), router: b.slice(p + 4, p + 36) };
    else if (type === DELIVERY.router) delivery = { type: 'router', router: b.slice(p, p + 32) };
    else delivery = { type: 'local' };
    p += need;
  }
  if (p + len > b.length) throw bad('fragment longer than the cell');
  return [{ msgId, index, last: (flags & 0x80) !== 0, delivery, data: b.slice(p, p + len) }, p + len];
}
