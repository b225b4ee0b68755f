/** Runs one command under GNU time and reads wall seconds and peak RSS ("Maximum resident set size"). */
import { spawn, spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { brotliCompressSync, constants as z } from 'node:zlib';

export interface Timed {
  readonly seconds: number;
  readonly maxRssMiB: number;
}

export type Outcome = Timed | { readonly failed: string };

export async function timed(argv: readonly string[], timeoutS: number, logFile: string): Promise<Outcome> {
  await rm(logFile, { force: true });
  const code = await new Promise<number>((resolve) => {
    const p = spawn('/usr/bin/time', ['-v', '-o', logFile, 'timeout', '--signal=KILL', String(timeoutS), ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (c) => {
      if (c !== 0 && err.trim() !== '') process.stderr.write(`bench: ${argv.join(' ')}: ${err.trim().slice(0, 300)}\n`);
      resolve(c ?? 1);
    });
  });
  if (code === 137 || code === 124) return { failed: `killed after ${timeoutS} s` };
  if (code !== 0) return { failed: `exit ${code}` };
  const log = await readFile(logFile, 'utf8');
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(log);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(log);
  if (wall === null || rss === null) return { failed: 'no time output' };
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { seconds, maxRssMiB: Number(rss[1]) / 1024 };
}

/**
 * Size of a BSDIFF40 patch with its three bzip2 streams recompressed by brotli (quality 11,
 * lgwin 22), as research/firmware.md §2.1 measured ("bsdiff + brotli", BSDF2-style).
 */
export async function bsdiffBrotliSize(patchPath: string): Promise<number> {
  const p = await readFile(patchPath);
  if (p.subarray(0, 8).toString('latin1') !== 'BSDIFF40') throw new Error('not a BSDIFF40 patch');
  const len = (at: number): number => Number(p.readBigInt64LE(at) & 0x7fffffffffffffffn);
  const lc = len(8);
  const ld = len(16);
  const streams = [p.subarray(32, 32 + lc), p.subarray(32 + lc, 32 + lc + ld), p.subarray(32 + lc + ld)];
  let total = 32;
  for (const s of streams) {
    const raw = spawnSync('bzip2', ['-dc'], { input: s, maxBuffer: 1 << 30 }).stdout;
    total += brotliCompressSync(raw, { params: { [z.BROTLI_PARAM_QUALITY]: 11, [z.BROTLI_PARAM_LGWIN]: 22 } }).length;
  }
  return total;
}
