import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../agent/cli/dispatch.ts';
import { edit, withTmp } from './helpers.ts';

function io(cwd: string): { io: Parameters<typeof dispatch>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, cwd },
    out: () => out,
    err: () => err,
  };
}

describe('ip2 fw diff / patch / inspect', () => {
  it('round-trips through the command line and reports a wrong source with exit 2', async () => {
    await withTmp(async (dir) => {
      const a = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
      const b = edit(a, [{ kind: 'insert', at: 10, bytes: new Uint8Array([1, 2, 3]) }]);
      await writeFile(join(dir, 'a'), a);
      await writeFile(join(dir, 'b'), b);
      expect(await dispatch(['fw', 'diff', 'a', 'b', '-o', 'p', '--extent', '65536'], io(dir).io)).toBe(0);
      const ins = io(dir);
      expect(await dispatch(['fw', 'inspect', 'p', '--json'], ins.io)).toBe(0);
      expect((JSON.parse(ins.out()) as { opCount: number }).opCount).toBe(2);
      const res = io(dir);
      expect(await dispatch(['fw', 'patch', 'a', 'p', '-o', 'c', '--json'], res.io)).toBe(0);
      expect((JSON.parse(res.out()) as { resumedAt: number }).resumedAt).toBe(0);
      expect(Buffer.from(await readFile(join(dir, 'c'))).equals(b)).toBe(true);
      const bad = io(dir);
      expect(await dispatch(['fw', 'patch', 'b', 'p', '-o', 'c'], bad.io)).toBe(2);
      expect(bad.err()).toMatch(/SOURCE_MISMATCH/);
      expect(await dispatch(['fw', 'diff', 'a', '-o', 'p'], io(dir).io)).toBe(2);
    });
  });
});
