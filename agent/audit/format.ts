/**
 * Audit log bytes: a sequence of `kind u8 ‖ length u32 BE ‖ body` entries.
 *
 *   record     (kind 1): CBOR {seq, t, clockState, reqHash, iss, cmd, args, decision,
 *                              determining, reason, prevHash}; prevHash = SHA-256 of the
 *                              previous record's body, 32 zero bytes for the first.
 *   checkpoint (kind 2): COSE_Sign1 by the device over CBOR {v: 1, seq, head, t}, where head is
 *                        the SHA-256 of the body of record `seq`.
 *
 * Decoders here are total and bounded: any bytes give entries or an AuditError.
 */
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { verifyCose1 } from '../identity/cose.ts';
import { CHECKPOINT_CONTENT_TYPE, ENTRY_HEADER_BYTES, GENESIS_HASH, KIND_CHECKPOINT, KIND_RECORD, MAX_ENTRY_BYTES } from './constants.ts';
import { AuditError } from './errors.ts';

export type AuditDecision = 'allow' | 'deny';

export interface AuditRecord {
  readonly seq: number;
  /** Seconds since the epoch by the device clock (the floor while the clock is untrusted). */
  readonly t: number;
  readonly clockState: string;
  readonly reqHash: Uint8Array;
  readonly iss: string | null;
  readonly cmd: string | null;
  /** Intent args with sensitive values masked. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly decision: AuditDecision;
  readonly determining: readonly string[];
  readonly reason: string | null;
  readonly prevHash: Uint8Array;
}

export interface Entry {
  readonly kind: number;
  readonly offset: number;
  readonly body: Uint8Array;
}

export function frameEntry(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(ENTRY_HEADER_BYTES + body.length);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, body.length);
  out.set(body, ENTRY_HEADER_BYTES);
  return out;
}

/** Splits the file into entries; a torn final entry (a crash mid-write) is reported as `tornAt`. */
export function splitEntries(bytes: Uint8Array): { entries: Entry[]; tornAt: number | null } {
  const entries: Entry[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < ENTRY_HEADER_BYTES) return { entries, tornAt: at };
    const kind = bytes[at]!;
    const len = view.getUint32(at + 1);
    if (kind !== KIND_RECORD && kind !== KIND_CHECKPOINT) throw new AuditError('AUDIT_BAD_ENTRY', `unknown entry kind ${kind} at byte ${at}`);
    if (len > MAX_ENTRY_BYTES) throw new AuditError('AUDIT_BAD_ENTRY', `entry of ${len} bytes at byte ${at}`);
    if (bytes.length - at - ENTRY_HEADER_BYTES < len) return { entries, tornAt: at };
    entries.push({ kind, offset: at, body: bytes.subarray(at + ENTRY_HEADER_BYTES, at + ENTRY_HEADER_BYTES + len) });
    at += ENTRY_HEADER_BYTES + len;
  }
  return { entries, tornAt: null };
}

export function encodeRecord(r: AuditRecord): Uint8Array {
  return encodeCbor({ ...r, determining: [...r.determining] });
}

export function decodeRecord(body: Uint8Array, offset: number): AuditRecord {
  let o: unknown;
  try {
    o = decodeCbor(body, { maxBytes: MAX_ENTRY_BYTES, maxDepth: 4, maxItems: 256 });
  } catch (cause) {
    throw new AuditError('AUDIT_BAD_ENTRY', `record at byte ${offset} is not CBOR`, { cause });
  }
  const r = o as Partial<Record<keyof AuditRecord, unknown>>;
  const ok =
    typeof o === 'object' && o !== null && Number.isSafeInteger(r.seq) && Number.isSafeInteger(r.t) &&
    typeof r.clockState === 'string' && r.reqHash instanceof Uint8Array && r.prevHash instanceof Uint8Array &&
    r.prevHash.length === 32 && (r.decision === 'allow' || r.decision === 'deny') && Array.isArray(r.determining) &&
    (r.reason === null || typeof r.reason === 'string') && (r.iss === null || typeof r.iss === 'string') &&
    (r.cmd === null || typeof r.cmd === 'string') && typeof r.args === 'object' && r.args !== null;
  if (!ok) throw new AuditError('AUDIT_BAD_ENTRY', `record at byte ${offset} lacks its fields`);
  return o as AuditRecord;
}

export interface Checkpoint {
  readonly seq: number;
  readonly head: Uint8Array;
  readonly t: number;
}

export function checkpointPayload(c: Checkpoint): Uint8Array {
  return encodeCbor({ v: 1, seq: c.seq, head: c.head, t: c.t });
}

export function verifyCheckpoint(body: Uint8Array, deviceDid: string, crypto: CryptoPort, offset: number): Checkpoint {
  try {
    const v = verifyCose1(body, { crypto, maxBytes: MAX_ENTRY_BYTES, kid: deviceDid });
    if (v.contentType !== CHECKPOINT_CONTENT_TYPE) throw new TypeError('not a checkpoint');
    const o = decodeCbor(v.payload, { maxBytes: 256, maxDepth: 2, maxItems: 16 }) as Partial<Checkpoint & { v: number }>;
    if (o.v !== 1 || !Number.isSafeInteger(o.seq) || !(o.head instanceof Uint8Array) || o.head.length !== 32 || !Number.isSafeInteger(o.t)) {
      throw new TypeError('checkpoint fields');
    }
    return { seq: o.seq!, head: o.head, t: o.t! };
  } catch (cause) {
    throw new AuditError('AUDIT_BAD_CHECKPOINT', `checkpoint at byte ${offset} does not verify for ${deviceDid}`, { cause });
  }
}

export interface VerifyReport {
  readonly records: number;
  readonly checkpoints: number;
  /** Seq of the newest record covered by a valid checkpoint, or -1. */
  readonly signedThrough: number;
  /** Records after the last checkpoint: chained, not yet signed. */
  readonly unsignedTail: number;
  readonly head: Uint8Array;
  readonly tornBytes: number;
}

/**
 * Verifies the whole file: contiguous `seq` from 0, each `prevHash` the hash of the previous
 * record, and every checkpoint signed by the device over the hash of the record it names.
 * An edited, removed or reordered record breaks one of these; throws AuditError naming it.
 */
export function verifyAuditBytes(bytes: Uint8Array, deviceDid: string, crypto: CryptoPort): VerifyReport {
  const { entries, tornAt } = splitEntries(bytes);
  const hashes: Uint8Array[] = [];
  let prev: Uint8Array = GENESIS_HASH;
  let checkpoints = 0;
  let signedThrough = -1;
  for (const e of entries) {
    if (e.kind === KIND_RECORD) {
      const r = decodeRecord(e.body, e.offset);
      if (r.seq !== hashes.length) throw new AuditError('AUDIT_BAD_SEQUENCE', `record at byte ${e.offset} has seq ${r.seq}, expected ${hashes.length}`);
      if (!equal(r.prevHash, prev)) throw new AuditError('AUDIT_CHAIN_BROKEN', `record ${r.seq} does not chain to record ${r.seq - 1}`);
      prev = crypto.sha256(e.body);
      hashes.push(prev);
    } else {
      const c = verifyCheckpoint(e.body, deviceDid, crypto, e.offset);
      const h = hashes[c.seq];
      if (h === undefined || !equal(h, c.head)) throw new AuditError('AUDIT_BAD_CHECKPOINT', `checkpoint at byte ${e.offset} does not match record ${c.seq}`);
      checkpoints++;
      signedThrough = Math.max(signedThrough, c.seq);
    }
  }
  return {
    records: hashes.length, checkpoints, signedThrough, unsignedTail: hashes.length - 1 - signedThrough, head: prev,
    tornBytes: tornAt === null ? 0 : bytes.length - tornAt,
  };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
