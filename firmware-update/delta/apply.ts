/**
 * Streaming, resumable apply of an FWD1 patch (§D.8): positional reads of the old image,
 * sequential writes of the new one, one reused extent buffer, each operation's SHA-256 checked
 * before its bytes are written, the whole target re-read and hashed at the end.
 */
import { createHash } from 'node:crypto';
import { runBsdiff, decompressExact } from './codec.ts';
import { HEADER_LENGTH, IO_BUFFER, MAX_OP_TARGET } from './constants.ts';
import { DeltaError } from './errors.ts';
import type { Op, PatchHeader } from './format.ts';
import { decodeHeader, readOp } from './format.ts';
import type { DeltaFile, DeltaFs } from './fs.ts';
import { nodeFs, readFully } from './fs.ts';
import type { Journal } from './journal.ts';
import { openJournal } from './journal.ts';
import { PatchReader, fileChunks } from './reader.ts';

export interface ApplyProgress {
  readonly opIndex: number;
  readonly opCount: number;
  readonly targetDone: number;
  readonly targetLength: number;
}

export interface ApplyOptions {
  readonly oldPath: string;
  /**
   * The patch: a file path; its bytes as they arrive (e.g. a download; a resume then skips the
   * bytes already applied); or a function opening the patch at a byte offset (e.g. an HTTP Range
   * request), which a resume calls once for the header and once at the next operation's offset.
   */
  readonly patch: string | AsyncIterable<Uint8Array> | PatchOpener;
  readonly outPath: string;
  /** Where completed operations are recorded; default `${outPath}.journal`. */
  readonly journalPath?: string;
  /** Continue after the last journaled operation (default true). False starts over. */
  readonly resume?: boolean;
  readonly onProgress?: (p: ApplyProgress) => void;
  /** Called once the source is verified and the journal read, before the first operation runs. */
  readonly onStart?: (s: { readonly resumedAt: number; readonly opCount: number }) => void;
  readonly fs?: DeltaFs;
}

/** Opens the patch's bytes from `offset` to its end. */
export type PatchOpener = (offset: number) => AsyncIterable<Uint8Array>;

export interface ApplyResult {
  readonly header: PatchHeader;
  /** Index of the first operation this run executed (0 unless it resumed). */
  readonly resumedAt: number;
  readonly opsApplied: number;
}

export async function applyDelta(opts: ApplyOptions): Promise<ApplyResult> {
  const fs = opts.fs ?? nodeFs;
  const patchFile = typeof opts.patch === 'string' ? await openOrIo(fs, opts.patch, 'read') : undefined;
  const files: DeltaFile[] = patchFile === undefined ? [] : [patchFile];
  let journal: Journal | undefined;
  try {
    const openAt = (offset: number): AsyncIterable<Uint8Array> =>
      patchFile !== undefined ? fileChunks(patchFile, offset) : typeof opts.patch === 'function' ? opts.patch(offset) : (opts.patch as AsyncIterable<Uint8Array>);
    const headerReader = new PatchReader(openAt(0));
    const headerBytes = await headerReader.readExact(HEADER_LENGTH);
    const header = decodeHeader(headerBytes);
    const old = await openOrIo(fs, opts.oldPath, 'read');
    files.push(old);
    await checkSource(old, header);
    const headerHash = createHash('sha256').update(headerBytes).digest();
    journal = await openJournal(fs, opts.journalPath ?? `${opts.outPath}.journal`, headerHash, opts.resume ?? true);
    const last = journal.last;
    if (last !== undefined && (last.index >= header.opCount || last.targetEnd > header.targetLength)) {
      throw new DeltaError('JOURNAL_MISMATCH', 'journal records more operations than the patch has');
    }
    const patchOffset = last?.patchOffset ?? HEADER_LENGTH;
    let reader = headerReader;
    if (patchOffset > HEADER_LENGTH && (patchFile !== undefined || typeof opts.patch === 'function')) {
      await headerReader.close();
      reader = new PatchReader(openAt(patchOffset), patchOffset);
    } else {
      await reader.skip(patchOffset - HEADER_LENGTH);
    }
    const out = await openOrIo(fs, opts.outPath, last === undefined ? 'create' : 'update');
    files.push(out);
    const startIndex = last === undefined ? 0 : last.index + 1;
    opts.onStart?.({ resumedAt: startIndex, opCount: header.opCount });
    await runOps({ header, reader, old, out, journal, startIndex, targetOffset: last?.targetEnd ?? 0, onProgress: opts.onProgress });
    await finishTarget(out, header);
    await journal.close();
    journal = undefined;
    await fs.remove(opts.journalPath ?? `${opts.outPath}.journal`);
    return { header, resumedAt: startIndex, opsApplied: header.opCount - startIndex };
  } finally {
    await journal?.close();
    for (const f of files) await f.close().catch(() => undefined);
  }
}

interface RunState {
  readonly header: PatchHeader;
  readonly reader: PatchReader;
  readonly old: DeltaFile;
  readonly out: DeltaFile;
  readonly journal: Journal;
  readonly startIndex: number;
  targetOffset: number;
  readonly onProgress: ((p: ApplyProgress) => void) | undefined;
}

async function runOps(s: RunState): Promise<void> {
  const { header } = s;
  const extent = new Uint8Array(Math.min(MAX_OP_TARGET, Math.max(1, header.targetLength)));
  for (let i = s.startIndex; i < header.opCount; i++) {
    const op = await readOp(s.reader, header);
    if (s.targetOffset + op.targetLength > header.targetLength) {
      throw new DeltaError('MALFORMED_PATCH', `operation ${i} writes past the target length`);
    }
    const bytes = await produce(op, s.old, extent.subarray(0, op.targetLength));
    const digest = createHash('sha256').update(bytes).digest();
    if (!digest.equals(op.sha256)) {
      throw new DeltaError('OP_HASH_MISMATCH', `operation ${i} (${op.kind}) produced bytes whose SHA-256 differs from the patch`);
    }
    await io(() => s.out.write(bytes, 0, bytes.length, s.targetOffset), 'write target');
    await io(() => s.out.sync(), 'fsync target');
    s.targetOffset += op.targetLength;
    await io(() => s.journal.append({ index: i, targetEnd: s.targetOffset, patchOffset: s.reader.offset, sha256: op.sha256 }), 'append journal');
    s.onProgress?.({ opIndex: i, opCount: header.opCount, targetDone: s.targetOffset, targetLength: header.targetLength });
  }
  if (s.targetOffset !== header.targetLength) {
    throw new DeltaError('MALFORMED_PATCH', `operations cover ${s.targetOffset} bytes, header says ${header.targetLength}`);
  }
  if (!(await s.reader.atEnd())) throw new DeltaError('MALFORMED_PATCH', 'trailing bytes after the last operation');
}

async function produce(op: Op, old: DeltaFile, out: Uint8Array): Promise<Uint8Array> {
  const readSource = async (into: Uint8Array, position: number): Promise<void> => {
    if (!(await io(() => readFully(old, into, position), 'read source'))) {
      throw new DeltaError('SOURCE_MISMATCH', 'the old image became shorter during the apply');
    }
  };
  switch (op.kind) {
    case 'zero':
      out.fill(0);
      return out;
    case 'source_copy':
      await readSource(out, op.sourceOffset);
      return out;
    case 'replace':
      return decompressExact(op.data, op.targetLength, 'REPLACE');
    case 'bsdiff':
      await runBsdiff(op, readSource, out);
      return out;
  }
}

async function checkSource(old: DeltaFile, header: PatchHeader): Promise<void> {
  const size = await io(() => old.size(), 'stat source');
  if (size !== header.sourceLength) {
    throw new DeltaError('SOURCE_MISMATCH', `old image is ${size} bytes; the patch was made from ${header.sourceLength} bytes`);
  }
  const digest = await hashFile(old, size);
  if (!digest.equals(header.sourceSha256)) {
    throw new DeltaError('SOURCE_MISMATCH', `old image SHA-256 ${digest.toString('hex')} is not the patch's source ${hex(header.sourceSha256)}`);
  }
}

async function finishTarget(out: DeltaFile, header: PatchHeader): Promise<void> {
  await io(() => out.truncate(header.targetLength), 'truncate target');
  await io(() => out.sync(), 'fsync target');
  const digest = await hashFile(out, header.targetLength);
  if (!digest.equals(header.targetSha256)) {
    throw new DeltaError('TARGET_MISMATCH', `written target SHA-256 ${digest.toString('hex')} differs from ${hex(header.targetSha256)}`);
  }
}

/** SHA-256 of the first `length` bytes, read through one fixed buffer. */
export async function hashFile(file: DeltaFile, length: number): Promise<Buffer> {
  const h = createHash('sha256');
  const buf = new Uint8Array(IO_BUFFER);
  for (let pos = 0; pos < length; ) {
    const want = Math.min(buf.length, length - pos);
    const n = await io(() => file.read(buf, 0, want, pos), 'read');
    if (n === 0) break;
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest();
}

async function openOrIo(fs: DeltaFs, path: string, mode: 'read' | 'create' | 'update'): Promise<DeltaFile> {
  return io(() => fs.open(path, mode), `open ${path}`);
}

async function io<T>(f: () => Promise<T>, what: string): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof DeltaError) throw err;
    throw new DeltaError('IO', `${what}: ${(err as Error).message}`, { cause: err });
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
