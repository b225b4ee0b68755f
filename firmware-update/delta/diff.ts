/**
 * Patch generation (§D.9), meant for the build machine: whole images in memory, one suffix
 * array of the old image, the bsdiff heuristic per target extent, and for each extent the
 * cheapest of ZERO, SOURCE_COPY, BSDIFF and REPLACE.
 */
import { createHash } from 'node:crypto';
import { readFile, open } from 'node:fs/promises';
import { compress } from './codec.ts';
import { CONTROL_TRIPLE_LENGTH, DEFAULT_EXTENT, MAX_CONTROL, MAX_OP_TARGET } from './constants.ts';
import type { Op } from './format.ts';
import { encodeHeader, encodeOp } from './format.ts';
import type { MatchContext, Piece } from './match.ts';
import { matchExtent } from './match.ts';
import { suffixArray } from './suffix-array.ts';

export interface DiffProgress {
  readonly phase: 'index' | 'match';
  readonly done: number;
  readonly total: number;
}

export interface DiffOptions {
  /** Target bytes per operation (1..MAX_OP_TARGET); default DEFAULT_EXTENT. */
  readonly extentSize?: number;
  /** Brotli quality 0..11 (default 11). */
  readonly quality?: number;
  readonly onProgress?: (p: DiffProgress) => void;
}

export interface DiffStats {
  readonly patchLength: number;
  readonly ops: Readonly<Record<Op['kind'], number>>;
}

/** Encodes the patch from `oldImage` to `newImage`, handing each encoded part to `sink` in order. */
export function encodeDelta(oldImage: Uint8Array, newImage: Uint8Array, opts: DiffOptions, sink: (part: Uint8Array) => void): DiffStats {
  const extent = opts.extentSize ?? DEFAULT_EXTENT;
  if (!Number.isInteger(extent) || extent < 1 || extent > MAX_OP_TARGET) {
    throw new RangeError(`extentSize must be an integer in 1..${MAX_OP_TARGET}`);
  }
  const opCount = Math.ceil(newImage.length / extent);
  const header = encodeHeader({
    sourceLength: oldImage.length,
    sourceSha256: sha256(oldImage),
    targetLength: newImage.length,
    targetSha256: sha256(newImage),
    opCount,
  });
  sink(header);
  let patchLength = header.length;
  const ops = { zero: 0, source_copy: 0, replace: 0, bsdiff: 0 };
  opts.onProgress?.({ phase: 'index', done: 0, total: oldImage.length });
  const ctx: MatchContext = { old: oldImage, sa: new Int32Array(0), target: newImage, lastOffset: 0 };
  let indexed = false;
  for (let i = 0; i < opCount; i++) {
    const start = i * extent;
    const end = Math.min(newImage.length, start + extent);
    let op = cheapOp(oldImage, newImage, start, end);
    if (op === undefined) {
      if (!indexed) {
        (ctx as { sa: Int32Array }).sa = suffixArray(oldImage);
        indexed = true;
        opts.onProgress?.({ phase: 'index', done: oldImage.length, total: oldImage.length });
      }
      op = diffOp(ctx, start, end, opts.quality);
    }
    ops[op.kind]++;
    const bytes = encodeOp(op);
    patchLength += bytes.length;
    sink(bytes);
    opts.onProgress?.({ phase: 'match', done: end, total: newImage.length });
  }
  return { patchLength, ops };
}

/** Makes the patch file `outPath` from two image files. */
export async function createDelta(oldPath: string, newPath: string, outPath: string, opts: DiffOptions = {}): Promise<DiffStats> {
  const [oldImage, newImage] = await Promise.all([readFile(oldPath), readFile(newPath)]);
  const parts: Uint8Array[] = [];
  const stats = encodeDelta(oldImage, newImage, opts, (p) => parts.push(p));
  const fh = await open(outPath, 'w');
  try {
    for (const p of parts) await fh.write(p);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return stats;
}

/** The patch as one buffer (tests and small images). */
export function diffBytes(oldImage: Uint8Array, newImage: Uint8Array, opts: DiffOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  encodeDelta(oldImage, newImage, opts, (p) => parts.push(p));
  return Buffer.concat(parts);
}

/** ZERO for an all-zero extent, SOURCE_COPY when the old image holds it unchanged at the same offset. */
function cheapOp(oldImage: Uint8Array, newImage: Uint8Array, start: number, end: number): Op | undefined {
  const bytes = newImage.subarray(start, end);
  const sha = sha256(bytes);
  if (bytes.every((b) => b === 0)) return { kind: 'zero', targetLength: bytes.length, sha256: sha };
  if (end <= oldImage.length && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(oldImage.subarray(start, end))) {
    return { kind: 'source_copy', targetLength: bytes.length, sha256: sha, sourceOffset: start };
  }
  return undefined;
}

function diffOp(ctx: MatchContext, start: number, end: number, quality: number | undefined): Op {
  const target = ctx.target.subarray(start, end);
  const sha = sha256(target);
  const pieces = matchExtent(ctx, start, end).filter((p) => p.add > 0 || p.extra > 0);
  const only = pieces[0];
  if (pieces.length === 1 && only !== undefined && only.extra === 0 && ctx.old.subarray(only.oldPos, only.oldPos + only.add).every((b, k) => b === target[k])) {
    return { kind: 'source_copy', targetLength: target.length, sha256: sha, sourceOffset: only.oldPos };
  }
  const bs = bsdiffStreams(ctx.old, ctx.target, start, pieces);
  let best: Op | undefined;
  if (bs !== undefined) {
    best = {
      kind: 'bsdiff', targetLength: target.length, sha256: sha, windowOffset: bs.windowOffset, windowLength: bs.windowLength,
      control: compress(bs.control, quality), diff: compress(bs.diff, quality), extra: compress(bs.extra, quality),
    };
  }
  const bsSize = best?.kind === 'bsdiff' ? best.control.length + best.diff.length + best.extra.length : Infinity;
  if (bs === undefined || bs.extra.length * 2 > target.length) {
    const data = compress(target, quality);
    if (data.length < bsSize) best = { kind: 'replace', targetLength: target.length, sha256: sha, data };
  }
  return best!;
}

interface Streams {
  windowOffset: number;
  windowLength: number;
  control: Uint8Array;
  diff: Uint8Array;
  extra: Uint8Array;
}

/** Lays out the pieces as §D.4 streams; undefined when a seek or the window does not fit 32 bits. */
function bsdiffStreams(old: Uint8Array, target: Uint8Array, start: number, pieces: readonly Piece[]): Streams | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  let addTotal = 0;
  let extraTotal = 0;
  for (const p of pieces) {
    if (p.add > 0) {
      lo = Math.min(lo, p.oldPos);
      hi = Math.max(hi, p.oldPos + p.add);
    }
    addTotal += p.add;
    extraTotal += p.extra;
  }
  if (lo === Infinity) lo = hi = 0;
  if (hi - lo > 0xffffffff) return undefined;
  const triples: number[] = [];
  const diff = new Uint8Array(addTotal);
  const extra = new Uint8Array(extraTotal);
  let cursor = lo;
  let t = start;
  let d = 0;
  let e = 0;
  for (const p of pieces) {
    if (p.add > 0 && p.oldPos !== cursor) {
      // Move the source cursor with the previous triple's seek (or a leading empty triple).
      if (triples.length === 0) triples.push(0, 0, 0);
      const seek = triples[triples.length - 1]! + p.oldPos - cursor;
      if (seek < -0x80000000 || seek > 0x7fffffff) return undefined;
      triples[triples.length - 1] = seek;
      cursor = p.oldPos;
    }
    for (let k = 0; k < p.add; k++) diff[d + k] = (target[t + k]! - old[p.oldPos + k]!) & 0xff;
    d += p.add;
    t += p.add;
    cursor += p.add;
    extra.set(target.subarray(t, t + p.extra), e);
    e += p.extra;
    t += p.extra;
    triples.push(p.add, p.extra, 0);
  }
  if ((triples.length / 3) * CONTROL_TRIPLE_LENGTH > MAX_CONTROL) return undefined;
  return { windowOffset: lo, windowLength: hi - lo, control: encodeTriples(triples), diff, extra };
}

function encodeTriples(values: readonly number[]): Uint8Array {
  const out = new Uint8Array((values.length / 3) * CONTROL_TRIPLE_LENGTH);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i += 3) {
    const at = (i / 3) * CONTROL_TRIPLE_LENGTH;
    v.setUint32(at, values[i]!);
    v.setUint32(at + 4, values[i + 1]!);
    v.setInt32(at + 8, values[i + 2]!);
  }
  return out;
}

function sha256(b: Uint8Array): Uint8Array {
  return createHash('sha256').update(b).digest();
}
