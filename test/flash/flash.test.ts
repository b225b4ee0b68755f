import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ip2 } from '../cli/helpers.ts';
import { checkHostDisk } from '../../scripts/flash/host-disk.ts';
import { makeRelease, type Release } from '../../scripts/release/release.ts';
import { makePiImage, ROOT_START } from './pi-image.ts';

const TOOLS = ['sfdisk', 'mkfs.vfat', 'mcopy', 'debugfs', 'mke2fs'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
if (missing.length > 0 && process.env['IP2_REAL'] === '1') throw new Error(`IP2_REAL=1 but ${missing.join(', ')} missing (apt-get install fdisk dosfstools mtools e2fsprogs)`);
const d = missing.length > 0 ? describe.skip : describe;

const provision = { v: 1, deviceName: 'test-pi', ownerDid: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', mqtt: { url: 'mqtt://127.0.0.1:1883' }, drivers: [] };

d('ip2 flash onto a Raspberry Pi OS image', () => {
  let work: string;
  let release: Release;
  let provisionFile: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ip2-flash-test-'));
    release = await makeRelease({ arch: 'arm64', outDir: join(work, 'rel'), withoutNode: true, log: () => undefined });
    provisionFile = join(work, 'provision.json');
    await writeFile(provisionFile, JSON.stringify(provision));
  }, 120_000);

  const debugfs = (img: string, cmd: string): string =>
    execFileSync('debugfs', ['-R', cmd, `${img}?offset=${ROOT_START * 512}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

  it('writes the slot, the enabled unit and the provisioning file, and they read back intact', async () => {
    const dir = await mkdtemp(join(work, 'img-'));
    const img = await makePiImage(dir);
    const r = await ip2(['flash', '--release', release.tarball, '--provision', provisionFile, '--image', img]);
    expect(r.err).not.toMatch(/ip2: /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/written and verified/);

    // independent read-back with debugfs and mtools, not through the flasher's own verify
    const unit = debugfs(img, 'stat /etc/systemd/system/ip2-agent.service');
    expect(unit).toMatch(/Mode:\s+0644/);
    expect(unit).toMatch(/User:\s+0\s+Group:\s+0/);
    expect(debugfs(img, 'stat /etc/systemd/system/multi-user.target.wants/ip2-agent.service')).toMatch(/Fast link dest: "\/etc\/systemd\/system\/ip2-agent.service"/);
    expect(debugfs(img, 'stat /opt/ip2-agent/current')).toMatch(/Fast link dest: "slots\/a"/);
    expect(debugfs(img, 'stat /etc/ip2-agent/provision.json')).toMatch(/Mode:\s+0600/);
    expect(JSON.parse(debugfs(img, 'cat /etc/ip2-agent/provision.json'))).toEqual(provision);
    expect(debugfs(img, 'stat /opt/ip2-agent/slots/a/bin/ip2')).toMatch(/Mode:\s+0755/);

    const manifest = JSON.parse(await readFile(join(release.dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; mode: string }[] };
    expect(manifest.files.length).toBeGreaterThan(20);
    for (const f of manifest.files) {
      const bytes = execFileSync('debugfs', ['-R', `cat /opt/ip2-agent/slots/a/${f.path}`, `${img}?offset=${ROOT_START * 512}`], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 2 ** 26 });
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
      expect(debugfs(img, `stat /opt/ip2-agent/slots/a/${f.path}`), f.path).toMatch(new RegExp(`Mode:\\s+${f.mode}`));
    }
    const note = execFileSync('mtype', ['-i', `${img}@@${8192 * 512}`, '::/ip2-agent.txt'], { encoding: 'utf8' });
    expect(note).toMatch(/pairing code/);
    const fsck = spawnSync('e2fsck', ['-fn', `${img}?offset=${ROOT_START * 512}`], { encoding: 'utf8' });
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);

    // flashing again (an upgrade of the card) replaces files in place
    expect((await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', img])).code).toBe(0);
  });

  it('refuses what is not a Raspberry Pi OS image, before writing anything', async () => {
    const dir = await mkdtemp(join(work, 'bad-'));
    const junk = join(dir, 'junk.img');
    await writeFile(junk, Buffer.alloc(4096, 7));
    const r1 = await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', junk]);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/FLASH_NOT_AN_IMAGE/);

    const noConfig = await makePiImage(await mkdtemp(join(work, 'nocfg-')), { withConfigTxt: false });
    const before = createHash('sha256').update(await readFile(noConfig)).digest('hex');
    const r2 = await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', noConfig]);
    expect(r2.err).toMatch(/FLASH_NOT_RASPBERRY_PI_OS.*config\.txt/);
    expect(createHash('sha256').update(await readFile(noConfig)).digest('hex')).toBe(before);

    const wrongType = await makePiImage(await mkdtemp(join(work, 'type-')), { rootType: '82' });
    expect((await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', wrongType])).err).toMatch(/FLASH_NOT_RASPBERRY_PI_OS/);
  });

  it('refuses a root file system without room', async () => {
    const small = await makePiImage(await mkdtemp(join(work, 'small-')), { rootMiB: 8 });
    const r = await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', small]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/FLASH_NO_SPACE/);
  });

  it('refuses a bad provisioning file and an ambiguous target', async () => {
    const img = join(work, 'x.img');
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{"v": 2}');
    expect((await ip2(['flash', '--release', release.dir, '--provision', bad, '--image', img])).err).toMatch(/FLASH_BAD_PROVISION|FLASH_NOT_AN_IMAGE/);
    expect((await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--image', img, '--device', '/dev/null'])).code).toBe(2);
    expect((await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--device', '/dev/null'])).err).toMatch(/--yes/);
  });

  it('refuses this machine\'s own disk and things that are not block devices', async () => {
    const rootLine = (await readFile('/proc/self/mounts', 'utf8')).split('\n').find((l) => l.split(' ')[1] === '/');
    const rootDev = rootLine?.split(' ')[0];
    if (rootDev?.startsWith('/dev/') === true && spawnSync('test', ['-b', rootDev]).status === 0) {
      await expect(checkHostDisk(rootDev)).rejects.toMatchObject({ code: 'FLASH_HOST_DISK' });
      const r = await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--device', rootDev, '--yes']);
      expect(r.err).toMatch(/FLASH_HOST_DISK/);
    }
    await expect(checkHostDisk('/dev/null')).rejects.toMatchObject({ code: 'FLASH_NOT_A_BLOCK_DEVICE' });
    await expect(checkHostDisk(join(work, 'nope'))).rejects.toMatchObject({ code: 'FLASH_NOT_A_BLOCK_DEVICE' });
  });

  it('flashes mounted boot and root directories the same way', async () => {
    const boot = await mkdtemp(join(work, 'boot-'));
    const root = await mkdtemp(join(work, 'root-'));
    expect((await ip2(['flash', '--release', release.dir, '--provision', provisionFile, '--boot', boot, '--root', root])).code).toBe(0);
    // the enable link is absolute, as `systemctl enable` makes it: it resolves on the Pi
    expect(await readlink(join(root, 'etc/systemd/system/multi-user.target.wants/ip2-agent.service'))).toBe('/etc/systemd/system/ip2-agent.service');
    expect(await readFile(join(root, 'etc/systemd/system/ip2-agent.service'), 'utf8')).toMatch(/ExecStart=\/opt\/ip2-agent\/current\/bin\/ip2 run/);
    expect(await readFile(join(root, 'opt/ip2-agent/current/lib/ip2.js'))).toEqual(await readFile(join(release.dir, 'lib/ip2.js')));
    expect(await readFile(join(boot, 'ip2-agent.txt'), 'utf8')).toMatch(/ip2 flash/);
  });
});
