/** The update journey as a user runs it, through `ip2 fw …` in-process, over HTTP on loopback. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ip2 } from '../../cli/helpers.ts';
import { makeSlotImage, withTmp } from './helpers.ts';
import { startServer } from './http-server.ts';

async function ok(args: string[]): Promise<string> {
  const r = await ip2(args);
  expect(r.err, `ip2 ${args.join(' ')}`).toBe('');
  expect(r.code, `ip2 ${args.join(' ')}: ${r.out}`).toBe(0);
  return r.out;
}

describe('ip2 fw (update commands)', () => {
  it('keys, repo init, release, sign; provision, check, update, boot, status, confirm', async () => {
    await withTmp(async (dir) => {
      const keys = join(dir, 'keys');
      const repo = join(dir, 'repo');
      const dev = join(dir, 'dev');
      const v1 = await makeSlotImage(dir, '1.0.0');
      const v2 = await makeSlotImage(dir, '2.0.0', '//2');
      expect((await ok(['fw', 'keys', '--keys', keys])).split('\n')).toHaveLength(7);
      expect(await ok(['fw', 'repo', 'init', repo, '--keys', keys])).toMatch(/root threshold 2 of 3/);
      const sign = async (): Promise<void> => {
        for (const role of ['targets', 'snapshot', 'timestamp']) await ok(['fw', 'sign', role, '--repo', repo, '--keys', keys]);
      };
      await ok(['fw', 'release', v1, '--repo', repo, '--version', '1.0.0']);
      await sign();
      await ok(['fw', 'release', v2, '--repo', repo, '--version', '2.0.0', '--delta-from', v1]);
      await sign();
      const server = await startServer(repo);
      try {
        await ok(['fw', 'provision', '--root', dev, '--repo', server.url, '--trusted-root', join(repo, 'metadata', '1.root.json'), '--image', v1, '--version', '1.0.0']);
        expect(await ok(['fw', 'check', '--root', dev])).toMatch(/^2\.0\.0 available \(delta, \d+ bytes/);
        expect(await ok(['fw', 'update', '--root', dev])).toMatch(/run with --yes/);
        expect(await ok(['fw', 'update', '--root', dev, '--yes'])).toMatch(/switched to 2\.0\.0 on trial/);
        expect(await ok(['fw', 'boot', '--root', dev])).toBe('phase trial\n');
        expect(await ok(['fw', 'status', '--root', dev])).toMatch(/running slot b \(2\.0\.0\), committed a, phase trial/);
        expect(await ok(['fw', 'confirm', '--root', dev])).toBe('committed slot b (2.0.0)\n');
        const st = JSON.parse(await ok(['fw', 'status', '--root', dev, '--json'])) as { phase: string; releaseCounter: number };
        expect(st).toMatchObject({ phase: 'idle', committed: 'b', releaseCounter: 2 });
        expect(JSON.parse(await readFile(join(dev, 'current', 'manifest.json'), 'utf8'))).toEqual({ version: '2.0.0' });
        const r = await ip2(['fw', 'rollback', '--root', dev]);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/WRONG_PHASE/);
        const bad = await ip2(['fw', 'sign', 'nobody', '--repo', repo, '--keys', keys]);
        expect(bad.code).toBe(2);
      } finally {
        await server.close();
      }
    });
  });
});
