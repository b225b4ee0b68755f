/** A resumed apply re-opens the patch at the next operation's offset instead of re-downloading it. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffBytes, isDeltaError } from '../../firmware-update/delta/index.ts';
import { Crash, crashFs, prng } from './crash-fs.ts';
import { chunked, edit, withTmp } from './helpers.ts';

describe('resume with a patch opener', () => {
  it('asks for the header, then for the bytes from the next operation on', async () => {
    const r = prng(3);
    const old = new Uint8Array(64 * 1024).map(() => (r() * 256) | 0);
    const neu = edit(old, [{ kind: 'flip', at: 100, len: 60_000, xor: 1 }]);
    const patch = diffBytes(old, neu, { extentSize: 4096, quality: 5 });
    await withTmp(async (dir) => {
      const oldPath = join(dir, 'old');
      const outPath = join(dir, 'out');
      await writeFile(oldPath, old);
      const requested: number[] = [];
      let delivered = 0;
      const opener = (offset: number): AsyncIterable<Uint8Array> => {
        requested.push(offset);
        return (async function* () {
          for await (const c of chunked(patch.subarray(offset), [1500])) {
            delivered += c.length;
            yield c;
          }
        })();
      };
      const { fs } = crashFs(30_000, prng(4));
      await applyDelta({ oldPath, outPath, patch: opener, fs, resume: false }).catch((err: unknown) => {
        if (!(isDeltaError(err) && err.cause instanceof Crash)) throw err;
      });
      requested.length = 0;
      delivered = 0;
      const res = await applyDelta({ oldPath, outPath, patch: opener, resume: true });
      expect(res.resumedAt).toBeGreaterThan(0);
      expect(requested[0]).toBe(0);
      expect(requested).toHaveLength(2);
      const at = requested[1]!;
      expect(at).toBeGreaterThan(92);
      // The header read may pull one extra chunk; everything else is the tail from the resume point.
      expect(delivered).toBeLessThanOrEqual(1500 + (patch.length - at));
      expect(Buffer.from(await readFile(outPath)).equals(neu)).toBe(true);
    });
  });
});
