/**
 * The append side of the audit log: records are chained in call order, written in batches
 * (group commit: everything appended while one write is in flight goes out in the next write),
 * and every N records or T minutes the chain head is signed into a checkpoint.
 * No timers: the cadence is checked on append, and `close()` writes a final checkpoint.
 */
import { open, readFile, truncate } from 'node:fs/promises';
import type { CryptoPort } from '../crypto/port.ts';
import { signCose1, type Signer } from '../identity/cose.ts';
import {
  CHECKPOINT_CONTENT_TYPE, CHECKPOINT_EVERY_MS, CHECKPOINT_EVERY_RECORDS, GENESIS_HASH, KIND_CHECKPOINT, KIND_RECORD,
} from './constants.ts';
import { AuditError } from './errors.ts';
import { type AuditRecord, checkpointPayload, decodeRecord, encodeRecord, frameEntry, splitEntries } from './format.ts';

/** The file operations the log needs (node:fs by default; tests may pass their own). */
export interface AuditFs {
  readFile(path: string): Promise<Uint8Array | null>;
  truncate(path: string, length: number): Promise<void>;
  /** Appends and, when `sync`, makes the bytes durable before resolving. */
  append(path: string, data: Uint8Array, sync: boolean): Promise<void>;
}

export const nodeAuditFs: AuditFs = {
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  },
  truncate: (path, length) => truncate(path, length),
  async append(path, data, sync) {
    const fh = await open(path, 'a', 0o600);
    try {
      await fh.write(data);
      if (sync) await fh.datasync();
    } finally {
      await fh.close();
    }
  },
};

export type NewRecord = Omit<AuditRecord, 'seq' | 'prevHash'>;

export interface AuditLogOptions {
  readonly path: string;
  readonly crypto: CryptoPort;
  readonly signer: Signer;
  readonly clock: { now(): number };
  readonly fs?: AuditFs;
  readonly sync?: boolean;
  readonly checkpointEvery?: number;
  readonly checkpointMs?: number;
}

export interface AuditLog {
  /** Chains the record now; resolves once its batch is written. */
  append(record: NewRecord): Promise<AuditRecord>;
  /** Signs the current head into a checkpoint (no-op when nothing is new). */
  checkpoint(): Promise<void>;
  /** Writes what is pending and a final checkpoint. */
  close(): Promise<void>;
  readonly seq: number;
}

/** Opens (or creates) the log, recovering the head; a torn final entry from a crash is cut off. */
export async function openAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  const fs = opts.fs ?? nodeAuditFs;
  const existing = await fs.readFile(opts.path);
  let nextSeq = 0;
  let head: Uint8Array = GENESIS_HASH;
  if (existing !== null) {
    const { entries, tornAt } = splitEntries(existing);
    if (tornAt !== null) await fs.truncate(opts.path, tornAt);
    for (const e of entries) {
      if (e.kind !== KIND_RECORD) continue;
      nextSeq = decodeRecord(e.body, e.offset).seq + 1;
      head = opts.crypto.sha256(e.body);
    }
  }
  return createWriter(opts, fs, nextSeq, head);
}

/** Longer than ~60 lines on purpose: the writer's state (head, seq, batch, waiters) lives in one closure. */
function createWriter(opts: AuditLogOptions, fs: AuditFs, startSeq: number, startHead: Uint8Array): AuditLog {
  const every = opts.checkpointEvery ?? CHECKPOINT_EVERY_RECORDS;
  const everyMs = opts.checkpointMs ?? CHECKPOINT_EVERY_MS;
  let seq = startSeq;
  let head = startHead;
  let signedSeq = startSeq - 1;
  let lastCheckpointAt = opts.clock.now();
  let pending: Uint8Array[] = [];
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let writing: Promise<void> | null = null;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      const batchWaiters = waiters;
      pending = [];
      waiters = [];
      const data = new Uint8Array(batch.reduce((n, b) => n + b.length, 0));
      let at = 0;
      for (const b of batch) {
        data.set(b, at);
        at += b.length;
      }
      try {
        await fs.append(opts.path, data, opts.sync ?? true);
        for (const w of batchWaiters) w.resolve();
      } catch (err) {
        for (const w of batchWaiters) w.reject(err);
      }
    }
  };
  const enqueue = (entry: Uint8Array): Promise<void> => {
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    pending.push(entry);
    writing ??= flush().finally(() => {
      writing = null;
    });
    return done;
  };
  const checkpoint = async (): Promise<void> => {
    if (seq - 1 <= signedSeq) return;
    const c = { seq: seq - 1, head, t: Math.floor(opts.clock.now() / 1000) };
    signedSeq = c.seq;
    lastCheckpointAt = opts.clock.now();
    const body = await signCose1(checkpointPayload(c), opts.signer, { contentType: CHECKPOINT_CONTENT_TYPE });
    await enqueue(frameEntry(KIND_CHECKPOINT, body));
  };

  return {
    get seq() {
      return seq;
    },
    async append(record) {
      if (closed) throw new AuditError('AUDIT_CLOSED', 'the audit log is closed');
      const full: AuditRecord = { ...record, seq, prevHash: head };
      const body = encodeRecord(full);
      seq++;
      head = opts.crypto.sha256(body);
      const written = enqueue(frameEntry(KIND_RECORD, body));
      if (seq - 1 - signedSeq >= every || opts.clock.now() - lastCheckpointAt >= everyMs) await Promise.all([written, checkpoint()]);
      else await written;
      return full;
    },
    checkpoint,
    async close() {
      if (closed) return;
      await checkpoint();
      closed = true;
      await writing;
    },
  };
}
