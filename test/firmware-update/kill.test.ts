/**
 * Real `kill -9` of a child process in the middle of an apply (real fsync, real journal),
 * then a resume: the result is byte-identical and the resume starts no earlier than one
 * operation before the last operation the child reported as journaled.
 */
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffBytes } from '../../firmware-update/delta/index.ts';
import { prng } from './crash-fs.ts';
import { edit, withTmp } from './helpers.ts';

const CHILD = new URL('./fixtures/apply-child.ts', import.meta.url).pathname;
const TRIALS = process.env['IP2_SOAK'] === '1' ? 100 : 6;

/** Runs the child and SIGKILLs it after it reports `killAfter` operations; returns the last reported op (−1 if none). */
function runChild(args: string[], killAfter: number): Promise<{ lastOp: number; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastOp = -1;
    let seen = 0;
    let finished = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('op ')) {
        lastOp = Number(line.slice(3));
        if (++seen === killAfter) child.kill('SIGKILL');
      }
      if (line === 'done') finished = true;
    });
    child.on('error', reject);
    child.on('close', () => resolve({ lastOp, finished }));
  });
}

describe('kill -9 during apply', () => {
  it(`resumes to a byte-identical target (${TRIALS} trials)`, async () => {
    const r = prng(7);
    const old = new Uint8Array(2 * 1024 * 1024).map(() => (r() < 0.5 ? 0 : (r() * 256) | 0));
    const neu = edit(old, [{ kind: 'insert', at: 1000, bytes: new Uint8Array(50).fill(1) }, { kind: 'flip', at: 900_000, len: 5000, xor: 9 }]);
    const patch = diffBytes(old, neu, { extentSize: 16 * 1024, quality: 5 });
    const opCount = Math.ceil(neu.length / (16 * 1024));
    await withTmp(async (dir) => {
      const [oldPath, patchPath, outPath] = [join(dir, 'old'), join(dir, 'patch'), join(dir, 'out')];
      await writeFile(oldPath, old);
      await writeFile(patchPath, patch);
      let killed = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const killAfter = 1 + Math.floor(r() * (opCount - 2));
        const { lastOp, finished } = await runChild([oldPath, patchPath, outPath], killAfter);
        if (!finished) {
          killed++;
          // Ops wholly on disk: the target is written sequentially, one write per op.
          const onDisk = Math.floor((await stat(outPath)).size / (16 * 1024));
          const res = await applyDelta({ oldPath, patch: patchPath, outPath, resume: true });
          expect(res.resumedAt).toBeGreaterThanOrEqual(lastOp + 1);
          expect(res.resumedAt).toBeGreaterThanOrEqual(onDisk - 1);
        }
        expect(Buffer.from(await readFile(outPath)).equals(neu), `trial ${trial}`).toBe(true);
      }
      expect(killed).toBeGreaterThan(0);
    });
  }, 60_000);
});
