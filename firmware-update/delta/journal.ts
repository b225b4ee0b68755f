/**
 * The apply journal (§D.7): one fixed-size record per completed operation, appended and
 * fsync'ed only after the operation's bytes were written and fsync'ed to the target, so the
 * journal never claims more than what is on disk. A torn last record fails its check and is
 * dropped; the apply then redoes that one operation.
 */
import { createHash } from 'node:crypto';
import { JOURNAL_HEADER_LENGTH, JOURNAL_MAGIC, JOURNAL_RECORD_LENGTH } from './constants.ts';
import { DeltaError } from './errors.ts';
import type { DeltaFile, DeltaFs } from './fs.ts';
import { readFully } from './fs.ts';

export interface JournalRecord {
  readonly index: number;
  /** Target offset just past the operation's output. */
  readonly targetEnd: number;
  /** Patch offset of the next operation. */
  readonly patchOffset: number;
  readonly sha256: Uint8Array;
}

export interface Journal {
  /** The last complete record, if any. */
  readonly last: JournalRecord | undefined;
  append(r: JournalRecord): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the journal at `path`. With `resume`, valid records of the same patch (bound by the
 * SHA-256 of its header) are kept; a journal of another patch is refused. Without `resume`,
 * any old journal is replaced.
 */
export async function openJournal(fs: DeltaFs, path: string, headerHash: Uint8Array, resume: boolean): Promise<Journal> {
  const file = await fs.open(path, resume ? 'update' : 'create');
  try {
    const size = await file.size();
    let last: JournalRecord | undefined;
    let end = JOURNAL_HEADER_LENGTH;
    if (size < JOURNAL_HEADER_LENGTH) {
      await file.truncate(0);
      await file.write(journalHeader(headerHash), 0, JOURNAL_HEADER_LENGTH, 0);
      await file.sync();
    } else {
      const head = new Uint8Array(JOURNAL_HEADER_LENGTH);
      await readFully(file, head, 0);
      if (!equal(head, journalHeader(headerHash))) {
        throw new DeltaError('JOURNAL_MISMATCH', `journal ${path} belongs to another patch; remove it or apply without --resume`);
      }
      ({ last, end } = await scan(file, headerHash, size));
      if (end < size) await file.truncate(end);
    }
    return makeJournal(file, headerHash, last, end);
  } catch (err) {
    await file.close();
    throw err;
  }
}

async function scan(file: DeltaFile, headerHash: Uint8Array, size: number): Promise<{ last: JournalRecord | undefined; end: number }> {
  const buf = new Uint8Array(JOURNAL_RECORD_LENGTH);
  let last: JournalRecord | undefined;
  let end = JOURNAL_HEADER_LENGTH;
  while (end + JOURNAL_RECORD_LENGTH <= size) {
    await readFully(file, buf, end);
    const r = decodeRecord(buf, headerHash);
    if (r === undefined || r.index !== (last === undefined ? 0 : last.index + 1)) break;
    if (last !== undefined && (r.targetEnd <= last.targetEnd || r.patchOffset <= last.patchOffset)) break;
    last = r;
    end += JOURNAL_RECORD_LENGTH;
  }
  return { last, end };
}

function makeJournal(file: DeltaFile, headerHash: Uint8Array, initial: JournalRecord | undefined, initialEnd: number): Journal {
  let last = initial;
  let end = initialEnd;
  return {
    get last() {
      return last;
    },
    async append(r) {
      await file.write(encodeRecord(r, headerHash), 0, JOURNAL_RECORD_LENGTH, end);
      await file.sync();
      end += JOURNAL_RECORD_LENGTH;
      last = r;
    },
    close: () => file.close(),
  };
}

function journalHeader(headerHash: Uint8Array): Uint8Array {
  const h = new Uint8Array(JOURNAL_HEADER_LENGTH);
  h.set(JOURNAL_MAGIC, 0);
  h.set(headerHash, 8);
  return h;
}

export function encodeRecord(r: JournalRecord, headerHash: Uint8Array): Uint8Array {
  const b = new Uint8Array(JOURNAL_RECORD_LENGTH);
  const v = new DataView(b.buffer);
  v.setUint32(0, r.index);
  v.setBigUint64(4, BigInt(r.targetEnd));
  v.setBigUint64(12, BigInt(r.patchOffset));
  b.set(r.sha256, 20);
  b.set(check(b.subarray(0, 52), headerHash), 52);
  return b;
}

/** Total: returns undefined for any record whose check fails. */
export function decodeRecord(b: Uint8Array, headerHash: Uint8Array): JournalRecord | undefined {
  if (b.length !== JOURNAL_RECORD_LENGTH || !equal(check(b.subarray(0, 52), headerHash), b.subarray(52))) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    index: v.getUint32(0),
    targetEnd: Number(v.getBigUint64(4)),
    patchOffset: Number(v.getBigUint64(12)),
    sha256: b.slice(20, 52),
  };
}

function check(body: Uint8Array, headerHash: Uint8Array): Uint8Array {
  return createHash('sha256').update(headerHash).update(body).digest().subarray(0, 16);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
