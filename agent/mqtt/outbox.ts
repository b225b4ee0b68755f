/**
 * The durable outbox: readings and events wait here until the broker acknowledged them.
 *
 * On disk (`dir`): append-only segment files `seg-<first seq, 16 digits>.log` in the record format
 * of outbox-codec.ts, and `cursor.json` `{"v":1,"acked":N,"dropped":M}` (replaced atomically).
 * - Appends go to the newest segment. `fsync: 'always'` syncs each append before it resolves;
 *   `'interval'` (the SD-card friendly default) syncs at most once per `syncIntervalMs`, so a
 *   power cut loses at most that window of readings, never a record already synced.
 * - Each open starts a fresh segment: nothing is ever appended after a tail torn by power loss.
 * - Delivery is at-least-once and in sequence order. The cursor is persisted at most once per
 *   `syncIntervalMs` (and on close), so after a crash a few delivered records may be sent again;
 *   their `seq` lets a consumer drop duplicates.
 * - Bounded: when the segments would exceed `maxBytes`, the oldest whole segment is dropped and
 *   its undelivered records are added to `dropped` (the drop policy: oldest first, a segment at a
 *   time). A fully delivered segment is deleted after the cursor covering it is durable.
 * - Damaged files (bad CRC, torn tail) are decoded totally: valid records are kept, the damage is
 *   counted in `corruptBytes` and logged; nothing throws at open for damaged content.
 */
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../drivers/port.ts';
import { syncDir, writeFileAtomic } from '../fs/atomic.ts';
import type { Log } from '../overlay/log.ts';
import { MqttError } from './errors.ts';
import { decodeSegment, encodeRecord, MAX_BODY_BYTES, HEADER_BYTES, type OutboxMessage, type OutboxRecord } from './outbox-codec.ts';

export interface OutboxOptions {
  readonly dir: string;
  /** Upper bound of all segment files together, bytes. Default 8 MiB. */
  readonly maxBytes?: number;
  /** A segment is closed once it reaches this size, bytes. Default 256 KiB, at most maxBytes / 4. */
  readonly segmentBytes?: number;
  readonly fsync?: 'always' | 'interval';
  readonly syncIntervalMs?: number;
  readonly clock: Clock;
  readonly log: Log;
}

export interface OutboxStats {
  readonly pending: number;
  readonly bytes: number;
  readonly dropped: number;
  readonly corruptBytes: number;
  readonly acked: number;
}

interface Segment {
  readonly name: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

const SEGMENT_RE = /^seg-(\d{16})\.log$/;
const CURSOR = 'cursor.json';

function segmentName(seq: number): string {
  return `seg-${String(seq).padStart(16, '0')}.log`;
}

function ioError(what: string, cause: unknown): MqttError {
  return new MqttError('OUTBOX_IO', `outbox: ${what}`, { cause });
}

/** Reads cursor.json; a missing or unreadable cursor means "nothing acknowledged yet". */
async function readCursor(dir: string, log: Log): Promise<{ acked: number; dropped: number }> {
  let text: string;
  try {
    text = await readFile(join(dir, CURSOR), 'utf8');
  } catch {
    return { acked: 0, dropped: 0 };
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null) {
      const { acked, dropped } = v as Record<string, unknown>;
      if (Number.isSafeInteger(acked) && Number.isSafeInteger(dropped) && (acked as number) >= 0 && (dropped as number) >= 0) {
        return { acked: acked as number, dropped: dropped as number };
      }
    }
  } catch {
    // fall through: a cursor torn by power loss is treated as absent (redelivery, never loss)
  }
  log.log('warn', 'outbox.cursor_invalid', { dir });
  return { acked: 0, dropped: 0 };
}

export class Outbox {
  readonly #o: Required<Omit<OutboxOptions, 'clock' | 'log'>> & Pick<OutboxOptions, 'clock' | 'log'>;
  readonly #segments: Segment[] = [];
  readonly #queue: OutboxRecord[] = [];
  readonly #waiters: (() => void)[] = [];
  #current: { seg: Segment; fh: FileHandle } | null = null;
  #chain: Promise<void> = Promise.resolve();
  #nextSeq = 1;
  #acked = 0;
  #persistedAcked = 0;
  #dropped = 0;
  #corruptBytes = 0;
  #dirty = false;
  #timer: unknown = null;
  #closed = false;

  private constructor(o: OutboxOptions) {
    const maxBytes = o.maxBytes ?? 8 * 1024 * 1024;
    const segmentBytes = o.segmentBytes ?? 256 * 1024;
    if (!(maxBytes >= 4 * (HEADER_BYTES + MAX_BODY_BYTES))) throw new MqttError('BAD_CONFIG', 'outbox maxBytes is too small');
    if (!(segmentBytes > 0 && segmentBytes <= maxBytes / 4)) throw new MqttError('BAD_CONFIG', 'outbox segmentBytes must be within (0, maxBytes / 4]');
    this.#o = { maxBytes, segmentBytes, fsync: o.fsync ?? 'interval', syncIntervalMs: o.syncIntervalMs ?? 1_000, ...o };
  }

  /** Opens (creating if needed) the outbox in `dir` and loads every undelivered record. */
  static async open(o: OutboxOptions): Promise<Outbox> {
    const box = new Outbox(o);
    try {
      await mkdir(o.dir, { recursive: true, mode: 0o700 });
      await box.#load();
    } catch (err) {
      throw err instanceof MqttError ? err : ioError(`cannot open ${o.dir}`, err);
    }
    return box;
  }

  async #load(): Promise<void> {
    const { dir, log } = this.#o;
    const cursor = await readCursor(dir, log);
    this.#acked = this.#persistedAcked = cursor.acked;
    this.#dropped = cursor.dropped;
    const names = (await readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    let maxSeq = cursor.acked;
    for (const name of names) {
      const buf = await readFile(join(dir, name));
      const decoded = decodeSegment(buf);
      if (decoded.damagedBytes > 0) {
        this.#corruptBytes += decoded.damagedBytes;
        log.log('warn', 'outbox.segment_damaged', { segment: name, damagedBytes: decoded.damagedBytes, validPrefixEnd: decoded.validPrefixEnd });
      }
      const seg: Segment = { name, firstSeq: Infinity, lastSeq: 0, bytes: buf.length };
      for (const r of decoded.records) {
        if (r.seq <= maxSeq) continue; // delivered, or out of order after damage: never reorder
        maxSeq = r.seq;
        seg.firstSeq = Math.min(seg.firstSeq, r.seq);
        seg.lastSeq = r.seq;
        this.#queue.push(r);
      }
      // Nothing pending in it (delivered, or wholly damaged): remove, so names never collide.
      if (seg.lastSeq === 0) await rm(join(dir, name), { force: true });
      else this.#segments.push(seg);
    }
    this.#nextSeq = maxSeq + 1;
  }

  get stats(): OutboxStats {
    return {
      pending: this.#queue.length,
      bytes: this.#segments.reduce((n, s) => n + s.bytes, 0),
      dropped: this.#dropped,
      corruptBytes: this.#corruptBytes,
      acked: this.#acked,
    };
  }

  /** The oldest undelivered record, or undefined. */
  peek(): OutboxRecord | undefined {
    return this.#queue[0];
  }

  /** Resolves when a record is pending (at once if one is), or when the outbox closes. */
  waitForRecord(): Promise<void> {
    if (this.#queue.length > 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Appends a message (or builds it from its sequence number, so a payload can carry its `seq`);
   * resolves with the sequence number once written (and synced, per the fsync policy).
   */
  append(msg: OutboxMessage | ((seq: number) => OutboxMessage)): Promise<number> {
    if (this.#closed) return Promise.reject(new MqttError('CLOSED', 'outbox is closed'));
    const seq = this.#nextSeq;
    let record: OutboxRecord;
    let bytes: Uint8Array;
    try {
      record = { ...(typeof msg === 'function' ? msg(seq) : msg), seq };
      bytes = encodeRecord(record); // throws OUTBOX_TOO_LARGE before any state changes
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    this.#nextSeq += 1;
    const done = this.#serial(async () => {
      await this.#makeRoom(bytes.length);
      const cur = await this.#writable(record.seq);
      await cur.fh.write(bytes);
      cur.seg.bytes += bytes.length;
      cur.seg.firstSeq = Math.min(cur.seg.firstSeq, record.seq);
      cur.seg.lastSeq = record.seq;
      this.#queue.push(record);
      for (const w of this.#waiters.splice(0)) w();
      if (this.#o.fsync === 'always') await cur.fh.sync();
      else this.#markDirty();
    });
    return done.then(() => record.seq);
  }

  /** Marks the head record delivered. Acks must come in order: `seq` must be the head's. */
  ack(seq: number): void {
    const head = this.#queue[0];
    if (head === undefined || head.seq !== seq) return; // dropped meanwhile, or a duplicate ack
    this.#queue.shift();
    this.#acked = seq;
    this.#markDirty();
  }

  /** Syncs the current segment, persists the cursor, deletes fully delivered segments. */
  flush(): Promise<void> {
    return this.#serial(() => this.#flushNow());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w();
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    await this.#serial(async () => {
      await this.#flushNow();
      if (this.#current !== null) await this.#current.fh.close();
      this.#current = null;
    });
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(op);
    this.#chain = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      throw err instanceof MqttError ? err : ioError('write failed', err);
    });
  }

  #markDirty(): void {
    this.#dirty = true;
    if (this.#timer !== null || this.#closed) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      this.flush().catch((err: unknown) => this.#o.log.log('error', 'outbox.flush_failed', { code: (err as MqttError).code }));
    }, this.#o.syncIntervalMs);
  }

  async #flushNow(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    if (this.#current !== null) await this.#current.fh.sync();
    if (this.#acked !== this.#persistedAcked) {
      await writeFileAtomic(join(this.#o.dir, CURSOR), JSON.stringify({ v: 1, acked: this.#acked, dropped: this.#dropped }), 0o600);
      this.#persistedAcked = this.#acked;
    }
    await this.#deleteSegments((s) => s.lastSeq <= this.#persistedAcked);
  }

  /** Deletes non-current segments matching `pred`, oldest first, stopping at the first that does not. */
  async #deleteSegments(pred: (s: Segment) => boolean): Promise<number> {
    let removed = 0;
    while (this.#segments.length > 0) {
      const s = this.#segments[0];
      if (s === undefined || s === this.#current?.seg || !pred(s)) break;
      await rm(join(this.#o.dir, s.name), { force: true });
      this.#segments.shift();
      removed += 1;
    }
    if (removed > 0) await syncDir(this.#o.dir);
    return removed;
  }

  /** Drop policy: while full, drop the oldest whole segment and count its undelivered records. */
  async #makeRoom(incoming: number): Promise<void> {
    const total = (): number => this.#segments.reduce((n, s) => n + s.bytes, 0);
    while (total() + incoming > this.#o.maxBytes && this.#segments.length > 0) {
      if (this.#segments[0] === this.#current?.seg) await this.#roll();
      const oldest = this.#segments[0];
      if (oldest === undefined) break;
      let lost = 0;
      while ((this.#queue[0]?.seq ?? Infinity) <= oldest.lastSeq) {
        this.#queue.shift();
        lost += 1;
      }
      if (lost > 0) {
        this.#dropped += lost;
        this.#acked = Math.max(this.#acked, oldest.lastSeq);
        this.#o.log.log('warn', 'outbox.dropped', { records: lost, segment: oldest.name, dropped: this.#dropped });
      }
      await writeFileAtomic(join(this.#o.dir, CURSOR), JSON.stringify({ v: 1, acked: this.#acked, dropped: this.#dropped }), 0o600);
      this.#persistedAcked = this.#acked;
      await this.#deleteSegments((s) => s === oldest);
    }
  }

  async #roll(): Promise<void> {
    if (this.#current === null) return;
    await this.#current.fh.sync();
    await this.#current.fh.close();
    this.#current = null;
  }

  async #writable(seq: number): Promise<{ seg: Segment; fh: FileHandle }> {
    if (this.#current !== null && this.#current.seg.bytes >= this.#o.segmentBytes) await this.#roll();
    if (this.#current === null) {
      const seg: Segment = { name: segmentName(seq), firstSeq: seq, lastSeq: seq, bytes: 0 };
      const fh = await open(join(this.#o.dir, seg.name), 'a', 0o600);
      await syncDir(this.#o.dir);
      this.#segments.push(seg);
      this.#current = { seg, fh };
    }
    return this.#current;
  }
}
