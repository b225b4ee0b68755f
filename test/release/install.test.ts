import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readlink, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRelease, type Release } from '../../scripts/release/release.ts';

describe('scripts/install.sh into a directory tree', () => {
  let release: Release;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ip2-install-'));
    release = await makeRelease({ arch: 'x64', outDir: join(work, 'rel'), withoutNode: true, log: () => undefined });
  }, 120_000);

  const install = (root: string, ...extra: string[]): ReturnType<typeof spawnSync> =>
    spawnSync('sh', ['scripts/install.sh', release.tarball, '--root', root, ...extra], { encoding: 'utf8' });

  it('installs into slot a, then upgrades into slot b, keeping state and provisioning', async () => {
    const root = await mkdtemp(join(work, 'root-'));
    const prov = join(work, 'p.json');
    await writeFile(prov, '{"v":1,"deviceName":"pi"}');
    const first = install(root, '--provision', prov);
    expect(first.status, String(first.stderr)).toBe(0);
    expect(await readlink(join(root, 'opt/ip2-agent/current'))).toBe('slots/a');
    expect((await stat(join(root, 'etc/ip2-agent/provision.json'))).mode & 0o777).toBe(0o600);
    expect(await readlink(join(root, 'etc/systemd/system/multi-user.target.wants/ip2-agent.service'))).toBe('/etc/systemd/system/ip2-agent.service');
    // state the agent made in between must survive the upgrade
    await mkdir(join(root, 'var/lib/ip2-agent'), { recursive: true });
    await writeFile(join(root, 'var/lib/ip2-agent/identity.json'), '{"did":"x"}');

    const second = install(root);
    expect(second.status).toBe(0);
    expect(String(second.stdout)).toMatch(/slot b \(was: slots\/a\)/);
    expect(await readlink(join(root, 'opt/ip2-agent/current'))).toBe('slots/b');
    expect(await readFile(join(root, 'opt/ip2-agent/slots/b/lib/ip2.js'))).toEqual(await readFile(join(release.dir, 'lib/ip2.js')));
    expect(await readFile(join(root, 'var/lib/ip2-agent/identity.json'), 'utf8')).toBe('{"did":"x"}');
    expect(await readFile(join(root, 'etc/ip2-agent/provision.json'), 'utf8')).toBe('{"v":1,"deviceName":"pi"}');
    expect(await readlink(join(root, 'opt/ip2-agent/current'))).toBe('slots/b');
    const third = install(root);
    expect(third.status).toBe(0);
    expect(await readlink(join(root, 'opt/ip2-agent/current'))).toBe('slots/a');
  });

  it('refuses what is not a release', async () => {
    const root = await mkdtemp(join(work, 'root-'));
    const junk = join(work, 'junk.tar.gz');
    spawnSync('tar', ['-czf', junk, '-C', work, 'p.json']);
    const r = spawnSync('sh', ['scripts/install.sh', junk, '--root', root], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not an ip2-agent release/);
    expect(spawnSync('sh', ['scripts/install.sh', join(work, 'nope.tar.gz')]).status).toBe(2);
  });
});
