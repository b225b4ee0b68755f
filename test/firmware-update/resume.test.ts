/**
 * Interrupted applies resume at the next operation. Hundreds of simulated power cuts at random
 * byte offsets of the write stream (real files, real journal, unsynced writes lost or torn),
 * plus a few real `kill -9` of a child process. IP2_SOAK=1 runs a long campaign.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffBytes, isDeltaError } from '../../firmware-update/delta/index.ts';
import type { ApplyResult } from '../../firmware-update/delta/index.ts';
import { Crash, crashFs, prng } from './crash-fs.ts';
import { chunked, edit, withTmp } from './helpers.ts';

const SOAK = process.env['IP2_SOAK'] === '1';

function images(size: number, seed: number): { old: Uint8Array; neu: Uint8Array } {
  const r = prng(seed);
  const old = new Uint8Array(size).map(() => (r() < 0.3 ? 0 : (r() * 256) | 0));
  const neu = edit(old, [
    { kind: 'insert', at: size >> 3, bytes: new Uint8Array(300).fill(5) },
    { kind: 'move', from: size >> 1, len: size >> 4, to: size >> 2 },
    { kind: 'flip', at: (size * 3) >> 2, len: 2000, xor: 0x41 },
    { kind: 'delete', at: size >> 5, len: 1000 },
  ]);
  return { old, neu: new Uint8Array(Buffer.concat([neu, new Uint8Array(8192)])) };
}

describe('resume after a power cut', () => {
  it(`is byte-identical and redoes at most one operation (${SOAK ? 3000 : 300} trials)`, async () => {
    const { old, neu } = images(48 * 1024, 1);
    const extentSize = 2048;
    const patch = diffBytes(old, neu, { extentSize, quality: 5 });
    await withTmp(async (dir) => {
      const oldPath = join(dir, 'old');
      const outPath = join(dir, 'out');
      await writeFile(oldPath, old);
      const probe = crashFs(Infinity, prng(0));
      await applyDelta({ oldPath, outPath, patch: chunked(patch, [1000]), fs: probe.fs, resume: false });
      const total = probe.stats.written;
      const trials = SOAK ? 3000 : 300;
      let resumedMidway = 0;
      for (let trial = 0; trial < trials; trial++) {
        const r = prng(1000 + trial);
        resumedMidway += await runTrial({ oldPath, outPath, patch, total, r });
        expect(Buffer.from(await readFile(outPath)).equals(neu), `trial ${trial}`).toBe(true);
      }
      expect(resumedMidway).toBeGreaterThan(trials / 2);
    });
  }, SOAK ? 1_800_000 : 60_000);
});

async function runTrial(t: { oldPath: string; outPath: string; patch: Uint8Array; total: number; r: () => number }): Promise<number> {
  let minStart = 0;
  let resumes = 0;
  for (let run = 0; ; run++) {
    const budget = run < 3 && t.r() < 0.9 ? Math.floor(t.r() * t.total) : Infinity;
    const { fs, stats } = crashFs(budget, t.r);
    let start = -1;
    let result: ApplyResult | undefined;
    try {
      result = await applyDelta({
        oldPath: t.oldPath, outPath: t.outPath, patch: chunked(t.patch, [700, 3000]), fs, resume: run > 0,
        onStart: (s) => (start = s.resumedAt),
      });
    } catch (err) {
      if (!(isDeltaError(err) && err.cause instanceof Crash) && !(err instanceof Crash)) throw err;
    }
    if (start > 0) resumes++;
    if (start >= 0) {
      // Never more than one operation redone: the run starts at most one before the last fully written one.
      expect(start).toBeGreaterThanOrEqual(minStart);
      minStart = Math.max(minStart, start + (stats.writes.get(t.outPath) ?? 0) - 1);
    }
    if (result !== undefined) return resumes;
  }
}
