/**
 * The build message (i2np ShortTunnelBuild, type 25; PROTOCOL.md § Tunnels):
 *
 *   msgId u32 ‖ count u8 (4..8) ‖ count × record 218
 *
 * Creator side: `prepareBuild` seals one record per hop at a random slot, fills the other slots
 * with random fake records, and pre-applies the XOR layers the earlier hops will add, so each hop
 * finds its record as sealed (`tunnel-creation-ecies.rst` "Record Encryption"). `readReplies`
 * peels the later hops' layers and opens each hop's reply. Hop side: `processRecord`.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { KeyPair } from '../noise.ts';
import {
  FLAG_IBGW, FLAG_OBEP, LAYER_CHACHA20, MAX_RECORDS, MIN_RECORDS, RECORD_LEN, RECORD_PLAINTEXT_LEN, RECORD_TO_PEER_LEN,
  TUNNEL_LIFETIME_MS,
} from './constants.ts';
import { TunnelError } from './errors.ts';
import { encodeRequest, openRecord, openReply, sealRecord, sealReply, xorRecord, type BuildRequest, type RecordKeys } from './record.ts';

export interface BuildMessage {
  readonly msgId: number;
  readonly records: Uint8Array[];
}

export function encodeBuild(m: BuildMessage): Uint8Array {
  const out = new Uint8Array(5 + m.records.length * RECORD_LEN);
  new DataView(out.buffer).setUint32(0, m.msgId >>> 0);
  out[4] = m.records.length;
  m.records.forEach((r, i) => out.set(r, 5 + i * RECORD_LEN));
  return out;
}

/** Total: exactly 5 + count × 218 bytes with 4 ≤ count ≤ 8, or BUILD_MALFORMED. */
export function decodeBuild(b: Uint8Array): BuildMessage {
  if (b.length < 5) throw new TunnelError('BUILD_MALFORMED', 'build message too short');
  const count = b[4] as number;
  if (count < MIN_RECORDS || count > MAX_RECORDS || b.length !== 5 + count * RECORD_LEN) throw new TunnelError('BUILD_MALFORMED', 'bad record count or length');
  const records: Uint8Array[] = [];
  for (let i = 0; i < count; i++) records.push(b.slice(5 + i * RECORD_LEN, 5 + (i + 1) * RECORD_LEN));
  return { msgId: new DataView(b.buffer, b.byteOffset, 4).getUint32(0), records };
}

export interface HopSpec {
  readonly hash: Uint8Array;
  readonly staticKey: Uint8Array;
}

export interface BuildPlan {
  readonly inbound: boolean;
  readonly hops: readonly HopSpec[];
  /** Receive tunnel id chosen for each hop (creator-chosen, as in I2P). */
  readonly receiveIds: readonly number[];
  /** Where the last hop sends: the creator (inbound) or the reply gateway (outbound). */
  readonly finalRouter: Uint8Array;
  readonly finalTunnelId: number;
  /** Message id of each hop's outgoing build message; the last one is what the creator awaits. */
  readonly msgIds: readonly number[];
  readonly now: number;
}

export interface PreparedBuild {
  readonly message: BuildMessage;
  readonly slots: readonly number[];
  readonly keys: readonly RecordKeys[];
}

export function randomU32(crypto: CryptoPort): number {
  for (;;) {
    const b = crypto.randomBytes(4);
    const v = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
    if (v !== 0) return v;
  }
}

/** Fisher–Yates with the crypto port's randomness. */
export function shuffle<T>(crypto: CryptoPort, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomU32(crypto) % (i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function requestFor(plan: BuildPlan, i: number): BuildRequest {
  const last = i === plan.hops.length - 1;
  return {
    receiveTunnelId: plan.receiveIds[i] as number,
    nextTunnelId: last ? plan.finalTunnelId : (plan.receiveIds[i + 1] as number),
    nextRouter: last ? plan.finalRouter : (plan.hops[i + 1] as HopSpec).hash,
    flags: (plan.inbound && i === 0 ? FLAG_IBGW : 0) | (!plan.inbound && last ? FLAG_OBEP : 0),
    layerType: LAYER_CHACHA20,
    requestTimeMin: Math.floor(plan.now / 60_000),
    expirationSec: TUNNEL_LIFETIME_MS / 1000,
    nextMsgId: plan.msgIds[i + 1] as number,
  };
}

export function prepareBuild(crypto: CryptoPort, plan: BuildPlan): PreparedBuild {
  const n = plan.hops.length;
  if (n < 1 || n > MAX_RECORDS || plan.receiveIds.length !== n || plan.msgIds.length !== n + 1) throw new RangeError('bad build plan');
  const count = Math.max(MIN_RECORDS, n);
  const slots = shuffle(crypto, [...Array(count).keys()]).slice(0, n);
  const records: Uint8Array[] = Array.from({ length: count }, () => crypto.randomBytes(RECORD_LEN));
  const keys: RecordKeys[] = [];
  plan.hops.forEach((hop, i) => {
    const padding = crypto.randomBytes(RECORD_PLAINTEXT_LEN - 56);
    const sealed = sealRecord(crypto, hop.hash, hop.staticKey, encodeRequest(requestFor(plan, i), padding));
    keys.push(sealed.keys);
    let rec = sealed.record;
    const slot = slots[i] as number;
    for (let k = 0; k < i; k++) rec = xorRecord(crypto, (keys[k] as RecordKeys).replyKey, slot, rec);
    records[slot] = rec;
  });
  return { message: { msgId: plan.msgIds[0] as number, records }, slots, keys };
}

/** Creator side: each hop's reply code, in hop order. Throws RECORD_AUTH_FAILED when one is forged. */
export function readReplies(crypto: CryptoPort, prepared: PreparedBuild, message: BuildMessage): number[] {
  if (message.records.length !== prepared.message.records.length) throw new TunnelError('BUILD_MALFORMED', 'reply has a different record count');
  return prepared.keys.map((keys, j) => {
    const slot = prepared.slots[j] as number;
    let rec = message.records[slot] as Uint8Array;
    for (let k = prepared.keys.length - 1; k > j; k--) rec = xorRecord(crypto, (prepared.keys[k] as RecordKeys).replyKey, slot, rec);
    return openReply(crypto, keys, slot, rec);
  });
}

export interface ProcessedRecord {
  readonly request: BuildRequest;
  readonly keys: RecordKeys;
  readonly ephemeral: Uint8Array;
  readonly slot: number;
}

/** Hop side, step 1: find and open our record (`toPeer` = first 16 bytes of our router hash). */
export function findRecord(crypto: CryptoPort, own: { hash: Uint8Array; staticKey: KeyPair }, message: BuildMessage): ProcessedRecord {
  const prefix = own.hash.subarray(0, RECORD_TO_PEER_LEN);
  const slot = message.records.findIndex((r) => prefix.every((v, i) => r[i] === v));
  if (slot < 0) throw new TunnelError('RECORD_NOT_FOUND', 'no record for this router');
  const opened = openRecord(crypto, own.staticKey, message.records[slot] as Uint8Array);
  return { ...opened, slot };
}

/** Hop side, step 2: replace our record by the reply, XOR the others, renumber the message. */
export function answerRecord(crypto: CryptoPort, message: BuildMessage, rec: ProcessedRecord, code: number): BuildMessage {
  const records = message.records.map((r, i) => (i === rec.slot ? sealReply(crypto, rec.keys, i, code) : xorRecord(crypto, rec.keys.replyKey, i, r)));
  return { msgId: rec.request.nextMsgId, records };
}
