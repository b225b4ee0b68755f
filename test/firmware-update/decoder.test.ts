/**
 * Every decoder of patch bytes is total and bounded: random bytes, mutated and truncated patches,
 * lying lengths, copies outside the source and decompression bombs give a DeltaError, never a
 * crash, a hang or unbounded memory.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDelta, decodeHeader, diffBytes, inspectDelta, isDeltaError } from '../../firmware-update/delta/index.ts';
import type { DeltaErrorCode } from '../../firmware-update/delta/index.ts';
import { encodeHeader, encodeOp } from '../../firmware-update/delta/format.ts';
import type { Op } from '../../firmware-update/delta/format.ts';
import { chunked, edit, noSyncFs, withTmp } from './helpers.ts';

const sha = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();
const OLD = new Uint8Array(20_000).map((_, i) => ((i * 2654435761) >>> 23) & 0xff);
const NEW = edit(OLD, [{ kind: 'insert', at: 777, bytes: new Uint8Array([9, 9, 9]) }, { kind: 'flip', at: 15_000, len: 30, xor: 5 }]);
const GOOD = diffBytes(OLD, NEW, { extentSize: 4096 });

/** Applies and returns 'ok' (output verified equal to the header's target hash) or the error code. */
async function outcome(dir: string, patch: Uint8Array, old: Uint8Array = OLD): Promise<'ok' | DeltaErrorCode> {
  const oldPath = join(dir, 'old');
  const outPath = join(dir, 'out');
  await writeFile(oldPath, old);
  try {
    const r = await applyDelta({ oldPath, outPath, patch: chunked(patch, [333]), resume: false, fs: noSyncFs });
    expect(Buffer.from(sha(await readFile(outPath))).equals(Buffer.from(r.header.targetSha256))).toBe(true);
    return 'ok';
  } catch (err) {
    if (!isDeltaError(err)) throw err;
    return err.code;
  }
}

function patchOf(header: { sourceLength?: number; source?: Uint8Array; target: Uint8Array }, ops: Op[]): Uint8Array {
  const src = header.source ?? OLD;
  return Buffer.concat([
    encodeHeader({ sourceLength: src.length, sourceSha256: sha(src), targetLength: header.target.length, targetSha256: sha(header.target), opCount: ops.length }),
    ...ops.map(encodeOp),
  ]);
}

describe('decoders are total', () => {
  it('decodeHeader: any 92 bytes give a header or MALFORMED_PATCH', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 92, maxLength: 92 }), fc.boolean(), (b, magic) => {
      if (magic) b.set(GOOD.subarray(0, 8));
      try {
        decodeHeader(b);
      } catch (err) {
        expect(isDeltaError(err) && err.code === 'MALFORMED_PATCH').toBe(true);
      }
    }), { numRuns: 2000 });
  });

  it('apply: random bytes after a valid magic give a typed error', async () => {
    await withTmp(async (dir) => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (tail) => {
        const code = await outcome(dir, Buffer.concat([GOOD.subarray(0, 8), tail]));
        expect(code).not.toBe('ok');
      }), { numRuns: 200 });
    });
  });

  it('apply: mutated, truncated and spliced valid patches give the target or a typed error', async () => {
    await withTmp(async (dir) => {
      const mutation = fc.oneof(
        fc.record({ at: fc.nat(GOOD.length - 1), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }) => {
          const p = Uint8Array.from(GOOD);
          p[at] = p[at]! ^ xor;
          return p;
        }),
        fc.nat(GOOD.length - 1).map((n) => GOOD.slice(0, n)),
        fc.tuple(fc.nat(GOOD.length), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, b]) => Buffer.concat([GOOD.subarray(0, at), b, GOOD.subarray(at)])),
      );
      await fc.assert(fc.asyncProperty(mutation, async (p) => {
        await outcome(dir, p);
      }), { numRuns: 300 });
    });
  });

  it('inspect: any bytes give a summary or a typed error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(GOOD.length), async (junk, cut) => {
      for (const p of [junk, Buffer.concat([GOOD.subarray(0, cut), junk])]) {
        await inspectDelta(chunked(p, [17])).catch((err: unknown) => expect(isDeltaError(err)).toBe(true));
      }
    }), { numRuns: 300 });
  });
});

describe('hostile patches', () => {
  const target = new Uint8Array(1000).fill(7);

  it('refuses an old image that is not the source, before writing anything', async () => {
    await withTmp(async (dir) => {
      const other = Uint8Array.from(OLD);
      other[5] = other[5]! ^ 1;
      expect(await outcome(dir, GOOD, other)).toBe('SOURCE_MISMATCH');
      expect(await outcome(dir, GOOD, OLD.subarray(1))).toBe('SOURCE_MISMATCH');
      expect(await outcome(dir, GOOD)).toBe('ok');
    });
  });

  it('refuses lying lengths, copies outside the source and bombs', async () => {
    const z = sha(target);
    const bomb = brotliCompressSync(new Uint8Array(16 * 1024 * 1024));
    const cases: Array<[Op[], DeltaErrorCode]> = [
      [[{ kind: 'source_copy', targetLength: 1000, sha256: z, sourceOffset: OLD.length - 10 }], 'SOURCE_OUT_OF_RANGE'],
      [[{ kind: 'replace', targetLength: 1000, sha256: z, data: bomb }], 'BAD_COMPRESSION'],
      [[{ kind: 'replace', targetLength: 1000, sha256: z, data: brotliCompressSync(target.subarray(0, 999)) }], 'BAD_COMPRESSION'],
      [[{ kind: 'replace', targetLength: 1000, sha256: z, data: new Uint8Array([1, 2, 3]) }], 'BAD_COMPRESSION'],
      [[{ kind: 'zero', targetLength: 1000, sha256: z }], 'OP_HASH_MISMATCH'],
      [[{ kind: 'zero', targetLength: 500, sha256: sha(new Uint8Array(500)) }], 'MALFORMED_PATCH'],
      [[{ kind: 'zero', targetLength: 600, sha256: sha(new Uint8Array(600)) }, { kind: 'zero', targetLength: 600, sha256: sha(new Uint8Array(600)) }], 'MALFORMED_PATCH'],
      [[bsdiffOp([[1000, 0, 0]], OLD.length - 500, 500, new Uint8Array(1000), new Uint8Array(0))], 'SOURCE_OUT_OF_RANGE'],
      [[bsdiffOp([[10, 0, 100_000], [990, 0, 0]], 0, 2000, new Uint8Array(1000), new Uint8Array(0))], 'SOURCE_OUT_OF_RANGE'],
      [[bsdiffOp([[10, 0, -20], [990, 0, 0]], 0, 2000, new Uint8Array(1000), new Uint8Array(0))], 'SOURCE_OUT_OF_RANGE'],
      [[bsdiffOp([[0xffffffff, 0, 0]], 0, 2000, new Uint8Array(1000), new Uint8Array(0))], 'MALFORMED_PATCH'],
      [[bsdiffOp([[500, 400, 0]], 0, 2000, new Uint8Array(500), new Uint8Array(400))], 'MALFORMED_PATCH'],
      [[bsdiffOp([[500, 500, 0]], 0, 2000, new Uint8Array(50_000), new Uint8Array(500))], 'BAD_COMPRESSION'],
      [[{ ...(bsdiffOp([], 0, 0, new Uint8Array(0), new Uint8Array(0)) as Extract<Op, { kind: 'bsdiff' }>), control: brotliCompressSync(new Uint8Array(4 * 1024 * 1024)) }], 'BAD_COMPRESSION'],
    ];
    await withTmp(async (dir) => {
      for (const [ops, code] of cases) expect(await outcome(dir, patchOf({ target }, ops))).toBe(code);
      const lying = Buffer.concat([encodeHeader({ sourceLength: OLD.length, sourceSha256: sha(OLD), targetLength: 1000, targetSha256: z, opCount: 1 }),
        Uint8Array.from([3, 0, 0, 3, 232]), z, Uint8Array.from([0xff, 0xff, 0xff, 0xff])]);
      expect(await outcome(dir, lying)).toBe('MALFORMED_PATCH');
      expect(await outcome(dir, Buffer.concat([GOOD, new Uint8Array([0])]))).toBe('MALFORMED_PATCH');
    });
  });

  it('detects a target hash that the operations do not produce', async () => {
    await withTmp(async (dir) => {
      const p = Uint8Array.from(GOOD);
      p[60] = p[60]! ^ 1; // inside the header's target SHA-256
      expect(await outcome(dir, p)).toBe('TARGET_MISMATCH');
    });
  });
});

function bsdiffOp(triples: number[][], windowOffset: number, windowLength: number, diff: Uint8Array, extra: Uint8Array): Op {
  const control = new Uint8Array(triples.length * 12);
  const v = new DataView(control.buffer);
  triples.forEach(([a, e, s], i) => {
    v.setUint32(i * 12, a!);
    v.setUint32(i * 12 + 4, e!);
    v.setInt32(i * 12 + 8, s!);
  });
  return {
    kind: 'bsdiff', targetLength: 1000, sha256: sha(new Uint8Array(1000).fill(7)), windowOffset, windowLength,
    control: brotliCompressSync(control), diff: brotliCompressSync(diff), extra: brotliCompressSync(extra),
  };
}
