/**
 * A power-cut model over the real file system for resume tests. Writes are held as the page
 * cache would hold them until `sync()` hands them to the disk. When the write budget (a byte
 * offset in the stream of all writes) runs out, the write in progress is torn there, every file
 * keeps a random prefix of its unsynced writes (the last one possibly cut short), the rest is
 * lost, and every later call throws `Crash`.
 */
import type { DeltaFile, DeltaFs, OpenMode } from '../../firmware-update/delta/index.ts';
import { nodeFs } from '../../firmware-update/delta/index.ts';

export class Crash extends Error {
  override readonly name = 'Crash';
}

interface Pending {
  bytes: Uint8Array;
  position: number;
}

export interface CrashStats {
  /** Bytes accepted by write() before the crash. */
  written: number;
  /** Completed write() calls per path. */
  writes: Map<string, number>;
  crashed: boolean;
}

export function crashFs(budget: number, random: () => number): { fs: DeltaFs; stats: CrashStats } {
  const stats: CrashStats = { written: 0, writes: new Map(), crashed: false };
  const open = new Set<{ real: DeltaFile; pending: Pending[] }>();
  let left = budget;

  const crash = async (): Promise<never> => {
    stats.crashed = true;
    for (const f of open) {
      const keep = Math.floor(random() * (f.pending.length + 1));
      for (let i = 0; i < keep; i++) {
        const p = f.pending[i]!;
        const n = i === keep - 1 ? Math.floor(random() * (p.bytes.length + 1)) : p.bytes.length;
        await f.real.write(p.bytes, 0, n, p.position);
      }
      f.pending = [];
    }
    throw new Crash('power cut');
  };

  const fs: DeltaFs = {
    async open(path: string, mode: OpenMode) {
      if (stats.crashed) throw new Crash('after power cut');
      const f = { real: await nodeFs.open(path, mode), pending: [] as Pending[] };
      open.add(f);
      const flush = async (): Promise<void> => {
        for (const p of f.pending) await f.real.write(p.bytes, 0, p.bytes.length, p.position);
        f.pending = [];
      };
      return {
        read: (buf, off, len, pos) => (stats.crashed ? Promise.reject(new Crash('after power cut')) : f.real.read(buf, off, len, pos)),
        async write(buf, off, len, pos) {
          if (stats.crashed) throw new Crash('after power cut');
          const take = Math.min(len, left);
          f.pending.push({ bytes: buf.slice(off, off + take), position: pos });
          left -= take;
          stats.written += take;
          if (take < len) await crash();
          stats.writes.set(path, (stats.writes.get(path) ?? 0) + 1);
        },
        async sync() {
          if (stats.crashed) throw new Crash('after power cut');
          await flush();
        },
        truncate: (n) => (stats.crashed ? Promise.reject(new Crash('after power cut')) : flush().then(() => f.real.truncate(n))),
        size: () => f.real.size(),
        async close() {
          if (!stats.crashed) await flush();
          open.delete(f);
          await f.real.close();
        },
      };
    },
    remove: (path) => (stats.crashed ? Promise.reject(new Crash('after power cut')) : nodeFs.remove(path)),
  };
  return { fs, stats };
}

/** A small deterministic PRNG (mulberry32) so failing trials can be replayed from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
