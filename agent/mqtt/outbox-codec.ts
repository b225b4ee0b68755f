/**
 * The outbox record format (PROTOCOL.md § MQTT topics and payloads, "Outbox files"). All integers
 * big-endian. One segment file is a sequence of records:
 *
 *   offset  size  field
 *   0       1     magic 0xA5
 *   1       1     version 1
 *   2       4     body length L (1 ≤ L ≤ MAX_BODY_BYTES)
 *   6       4     CRC-32 (ISO-HDLC, zlib's) of the body
 *   10      L     body: u64 seq · u8 flags (bit 0 retain, bits 1-2 QoS) · u16 topic length T ·
 *                 T bytes UTF-8 topic · payload (the rest)
 *
 * `decodeSegment` is total: any bytes give the records that check out, in file order, plus an
 * account of the damage. After a damaged span it resynchronises on the next position where a
 * whole record checks out (magic, version, length and CRC), so one bad sector loses only the
 * records it touched, and a tail torn by power loss loses only the record being written.
 */
import { crc32 } from 'node:zlib';
import { MqttError } from './errors.ts';

export const RECORD_MAGIC = 0xa5;
export const RECORD_VERSION = 1;
export const HEADER_BYTES = 10;
const BODY_FIXED = 8 + 1 + 2;
/** Largest topic we store, bytes (MQTT allows 65535; ours are short). */
export const MAX_TOPIC_BYTES = 1024;
/** Largest payload we store, bytes: readings and events are small JSON. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = BODY_FIXED + MAX_TOPIC_BYTES + MAX_PAYLOAD_BYTES;

export type Qos = 0 | 1 | 2;

export interface OutboxMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: Qos;
  readonly retain: boolean;
}

export interface OutboxRecord extends OutboxMessage {
  readonly seq: number;
}

export interface DecodedSegment {
  readonly records: OutboxRecord[];
  /** End offset of the last record of the undamaged prefix (the file is whole up to here). */
  readonly validPrefixEnd: number;
  /** Bytes that were not part of any valid record (0 for an undamaged file). */
  readonly damagedBytes: number;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeRecord(r: OutboxRecord): Uint8Array {
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) throw new RangeError('seq must be a non-negative safe integer');
  const topic = utf8.encode(r.topic);
  if (topic.length === 0 || topic.length > MAX_TOPIC_BYTES) throw new MqttError('OUTBOX_TOO_LARGE', `topic of ${topic.length} bytes`);
  if (r.payload.length > MAX_PAYLOAD_BYTES) throw new MqttError('OUTBOX_TOO_LARGE', `payload of ${r.payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  const bodyLen = BODY_FIXED + topic.length + r.payload.length;
  const out = new Uint8Array(HEADER_BYTES + bodyLen);
  const dv = new DataView(out.buffer);
  out[0] = RECORD_MAGIC;
  out[1] = RECORD_VERSION;
  dv.setUint32(2, bodyLen);
  dv.setBigUint64(HEADER_BYTES, BigInt(r.seq));
  out[HEADER_BYTES + 8] = (r.retain ? 1 : 0) | (r.qos << 1);
  dv.setUint16(HEADER_BYTES + 9, topic.length);
  out.set(topic, HEADER_BYTES + BODY_FIXED);
  out.set(r.payload, HEADER_BYTES + BODY_FIXED + topic.length);
  dv.setUint32(6, crc32(out.subarray(HEADER_BYTES)) >>> 0);
  return out;
}

/** The record starting at `at`, with its length, or null if none checks out there. */
function recordAt(buf: Uint8Array, at: number): { record: OutboxRecord; length: number } | null {
  if (buf.length - at < HEADER_BYTES || buf[at] !== RECORD_MAGIC || buf[at + 1] !== RECORD_VERSION) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset + at);
  const bodyLen = dv.getUint32(2);
  if (bodyLen < BODY_FIXED || bodyLen > MAX_BODY_BYTES || buf.length - at - HEADER_BYTES < bodyLen) return null;
  const body = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + bodyLen);
  if ((crc32(body) >>> 0) !== dv.getUint32(6)) return null;
  const bdv = new DataView(body.buffer, body.byteOffset, body.length);
  const seq = bdv.getBigUint64(0);
  const flags = body[8] ?? 0xff;
  const topicLen = bdv.getUint16(9);
  const qos = (flags >> 1) & 3;
  if (seq > BigInt(Number.MAX_SAFE_INTEGER) || flags > 5 || qos > 2) return null;
  if (topicLen === 0 || topicLen > MAX_TOPIC_BYTES || BODY_FIXED + topicLen > bodyLen) return null;
  let topic: string;
  try {
    topic = strictUtf8.decode(body.subarray(BODY_FIXED, BODY_FIXED + topicLen));
  } catch {
    return null;
  }
  const payload = body.slice(BODY_FIXED + topicLen);
  return { record: { seq: Number(seq), topic, qos: qos as Qos, retain: (flags & 1) === 1, payload }, length: HEADER_BYTES + bodyLen };
}

/** Decodes a whole segment file; never throws. Time: linear over whole records; a damaged span
 * costs at most one CRC over ≤ MAX_BODY_BYTES per byte of it (segments are small, see outbox.ts). */
export function decodeSegment(buf: Uint8Array): DecodedSegment {
  const records: OutboxRecord[] = [];
  let at = 0;
  let validPrefixEnd = 0;
  let damagedBytes = 0;
  let damaged = false;
  while (at < buf.length) {
    const hit = recordAt(buf, at);
    if (hit === null) {
      damaged = true;
      damagedBytes += 1;
      at += 1;
      continue;
    }
    records.push(hit.record);
    at += hit.length;
    if (!damaged) validPrefixEnd = at;
  }
  return { records, validPrefixEnd, damagedBytes };
}
