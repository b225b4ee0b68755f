/** Brotli (RFC 7932) through node:zlib, with the decoder's output bounded (§D.6). */
import { brotliCompressSync, brotliDecompressSync, constants as z } from 'node:zlib';
import { BROTLI_LGWIN, BROTLI_QUALITY, CONTROL_TRIPLE_LENGTH, MAX_CONTROL } from './constants.ts';
import { DeltaError } from './errors.ts';
import type { BsdiffOp } from './format.ts';

export function compress(data: Uint8Array, quality = BROTLI_QUALITY): Uint8Array {
  return brotliCompressSync(data, {
    params: {
      [z.BROTLI_PARAM_QUALITY]: quality,
      [z.BROTLI_PARAM_LGWIN]: BROTLI_LGWIN,
      [z.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

/**
 * Decompresses a stream that must expand to exactly `expected` bytes. A stream that would
 * expand further stops at `expected + 1` bytes (a bomb costs at most that much memory).
 */
export function decompressExact(data: Uint8Array, expected: number, what: string): Uint8Array {
  let out: Buffer;
  try {
    out = brotliDecompressSync(data, { maxOutputLength: Math.max(1, expected + 1) });
  } catch (err) {
    throw new DeltaError('BAD_COMPRESSION', `${what}: invalid or oversized brotli stream`, { cause: err });
  }
  if (out.length !== expected) {
    throw new DeltaError('BAD_COMPRESSION', `${what}: expands to ${out.length} bytes, expected ${expected}`);
  }
  return out;
}

/** Decompresses a stream of at most `max` bytes whose exact length is not known up front. */
export function decompressAtMost(data: Uint8Array, max: number, what: string): Uint8Array {
  try {
    return brotliDecompressSync(data, { maxOutputLength: Math.max(1, max) });
  } catch (err) {
    throw new DeltaError('BAD_COMPRESSION', `${what}: invalid brotli stream or more than ${max} bytes`, { cause: err });
  }
}

/** Reads `length` source bytes at absolute `position` into `into` (a caller-owned buffer). */
export type SourceReader = (into: Uint8Array, position: number) => Promise<void>;

/**
 * Rebuilds one BSDIFF extent into `out` (exactly op.targetLength bytes) — §D.4. Every control
 * triple is validated before the bytes it describes are touched.
 */
export async function runBsdiff(op: BsdiffOp, readSource: SourceReader, out: Uint8Array): Promise<void> {
  const maxTriples = Math.min(op.targetLength + 1, Math.floor(MAX_CONTROL / CONTROL_TRIPLE_LENGTH));
  const control = decompressAtMost(op.control, maxTriples * CONTROL_TRIPLE_LENGTH, 'BSDIFF control');
  if (control.length % CONTROL_TRIPLE_LENGTH !== 0) {
    throw new DeltaError('MALFORMED_PATCH', 'BSDIFF control stream is not a whole number of triples');
  }
  const cv = new DataView(control.buffer, control.byteOffset, control.byteLength);
  let addTotal = 0;
  let extraTotal = 0;
  for (let i = 0; i < control.length; i += CONTROL_TRIPLE_LENGTH) {
    addTotal += cv.getUint32(i);
    extraTotal += cv.getUint32(i + 4);
  }
  if (addTotal + extraTotal !== op.targetLength) {
    throw new DeltaError('MALFORMED_PATCH', `BSDIFF control covers ${addTotal + extraTotal} bytes, op has ${op.targetLength}`);
  }
  const diff = decompressExact(op.diff, addTotal, 'BSDIFF diff');
  const extra = decompressExact(op.extra, extraTotal, 'BSDIFF extra');
  const lo = op.windowOffset;
  const hi = op.windowOffset + op.windowLength;
  let src = lo;
  let t = 0;
  let d = 0;
  let e = 0;
  for (let i = 0; i < control.length; i += CONTROL_TRIPLE_LENGTH) {
    const add = cv.getUint32(i);
    const ext = cv.getUint32(i + 4);
    const seek = cv.getInt32(i + 8);
    if (add > 0) {
      if (src < lo || src + add > hi) {
        throw new DeltaError('SOURCE_OUT_OF_RANGE', `BSDIFF reads ${src}+${add} outside its window ${lo}..${hi}`);
      }
      const dst = out.subarray(t, t + add);
      await readSource(dst, src);
      for (let k = 0; k < add; k++) dst[k] = (dst[k]! + diff[d + k]!) & 0xff;
      src += add;
      t += add;
      d += add;
    }
    out.set(extra.subarray(e, e + ext), t);
    t += ext;
    e += ext;
    src += seek;
  }
}
