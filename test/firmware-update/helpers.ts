/** Shared helpers for the delta tests: temp dirs, edit generators, chunked patch streams. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyDelta } from '../../firmware-update/delta/index.ts';
import { nodeFs } from '../../firmware-update/delta/index.ts';
import type { ApplyOptions, DeltaFs } from '../../firmware-update/delta/index.ts';

/**
 * The real file system without fsync: round-trip and fuzz tests check bytes, not durability
 * (the resume tests check that, with the power-cut model and real kill -9), and thousands of
 * tiny operations would otherwise spend their time in fsync.
 */
export const noSyncFs: DeltaFs = {
  async open(path, mode) {
    const f = await nodeFs.open(path, mode);
    return { ...f, sync: () => Promise.resolve() };
  },
  remove: (path) => nodeFs.remove(path),
};

export async function withTmp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ip2-delta-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Yields `bytes` in chunks of the given sizes (cycled), as a download would. */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[] = [4096]): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let at = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    yield bytes.slice(at, at + n);
    at += n;
    await Promise.resolve();
  }
}

/** Applies `patch` to `old` through real files in `dir`; returns the new image. */
export async function applyBytes(
  dir: string, old: Uint8Array, patch: Uint8Array, extra: Partial<ApplyOptions> & { sizes?: number[]; fs?: DeltaFs } = {},
): Promise<Uint8Array> {
  const oldPath = join(dir, 'old');
  const outPath = join(dir, 'new');
  await writeFile(oldPath, old);
  await applyDelta({ oldPath, outPath, patch: chunked(patch, extra.sizes), resume: false, fs: noSyncFs, ...extra });
  return new Uint8Array(await readFile(outPath));
}

export type Edit =
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'move'; from: number; len: number; to: number }
  | { kind: 'flip'; at: number; len: number; xor: number };

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(300) }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(), len: fc.nat(500), to: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), len: fc.nat(64), xor: fc.integer({ min: 1, max: 255 }) }),
);

/** Applies edits to a copy of `base` (positions taken modulo the current length). */
export function edit(base: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = Buffer.from(base);
  for (const e of edits) {
    const n = b.length;
    if (e.kind === 'insert') {
      const at = n === 0 ? 0 : e.at % (n + 1);
      b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
    } else if (e.kind === 'delete' && n > 0) {
      const at = e.at % n;
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    } else if (e.kind === 'move' && n > 0) {
      const from = e.from % n;
      const block = Buffer.from(b.subarray(from, from + e.len));
      const rest = Buffer.concat([b.subarray(0, from), b.subarray(from + e.len)]);
      const to = rest.length === 0 ? 0 : e.to % (rest.length + 1);
      b = Buffer.concat([rest.subarray(0, to), block, rest.subarray(to)]);
    } else if (e.kind === 'flip' && n > 0) {
      const at = e.at % n;
      for (let i = at; i < Math.min(n, at + e.len); i++) b[i] = b[i]! ^ e.xor;
    }
  }
  return new Uint8Array(b);
}

/** Bytes that look a little like code: repeated words with small variations. */
export const imageArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.uint8Array({ minLength: 1, maxLength: 16 }), { maxLength: 12 }).chain((words) =>
    fc.array(fc.nat(Math.max(0, words.length - 1)), { maxLength: 600 }).map((idx) =>
      words.length === 0 ? new Uint8Array(0) : new Uint8Array(Buffer.concat(idx.map((i) => words[i]!))),
    ),
  ),
  fc.nat(5000).map((n) => new Uint8Array(n)),
);
