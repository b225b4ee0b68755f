/**
 * The rootfs backend through Raspberry Pi tryboot, on image files and a fake boot partition
 * directory, with a fake firmware that honours autoboot.txt and the one-shot tryboot flag.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpdater, dirSource, fileCounterStore, fileTrustedStore } from '../../../firmware-update/client/index.ts';
import { createSlotManager, isSlotError, parseAutoboot, renderAutoboot, trybootSlotBackend } from '../../../firmware-update/slots/index.ts';
import { FakeClock, HW, crypto, makeManufacturer, withTmp } from './helpers.ts';

/** The firmware: boots `[tryboot]` once when the flag is set (and clears it), else `[all]`. */
class FakePi {
  flag = false;
  booted = 2;
  constructor(private readonly bootDir: string) {}
  reboot(tryboot: boolean): Promise<void> {
    this.flag = tryboot;
    return Promise.resolve();
  }
  async powerOn(): Promise<void> {
    const c = parseAutoboot(await readFile(join(this.bootDir, 'autoboot.txt'), 'utf8'));
    this.booted = this.flag ? c.tryboot : c.committed;
    this.flag = false;
  }
}

function rootfs(seed: number, size = 100_000): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 12)) & 0xff;
  for (let i = 0; i < 200; i++) b[(seed * 7919 + i * 1009) % size] = seed;
  return b;
}

async function setup(dir: string) {
  const m = await makeManufacturer(dir);
  const images = [1, 2, 3].map((v) => join(dir, `rootfs-${v}.img`));
  for (const [i, p] of images.entries()) await writeFile(p, rootfs(i + 1));
  await m.publish(images[0]!, '1');
  await m.publish(images[1]!, '2', { deltaFrom: [images[0]!] });
  const boot = join(dir, 'boot');
  const state = join(dir, 'data');
  await mkdir(boot, { recursive: true });
  await mkdir(state, { recursive: true });
  await writeFile(join(boot, 'autoboot.txt'), renderAutoboot({ committed: 2, tryboot: 3 }));
  const pi = new FakePi(boot);
  const backend = trybootSlotBackend({
    bootDir: boot, partitions: { a: 2, b: 3 }, images: { a: join(dir, 'p2.img'), b: join(dir, 'p3.img') }, stateDir: state,
    reboot: (t) => pi.reboot(t), bootedPartition: () => Promise.resolve(pi.booted),
  });
  const clock = new FakeClock();
  const counter = fileCounterStore(state);
  const manager = () => createSlotManager({ backend, root: state, clock, counter });
  await fileTrustedStore(state).save('root', new Uint8Array(await readFile(join(m.repo, 'metadata', '1.root.json'))));
  await copyFile(images[0]!, backend.imagePath('a'));
  const bytes = await readFile(images[0]!);
  await manager().provision('a', { path: 'rootfs-1.img', sha256: Buffer.from(crypto.sha256(bytes)).toString('hex'), length: bytes.length, version: '1', releaseCounter: 1 });
  const updater = createUpdater({ crypto, clock, source: dirSource(m.repo), store: fileTrustedStore(state), counter, slots: manager(), backend, hardwareId: HW, workDir: state });
  return { m, images, boot, pi, backend, manager, updater };
}

const autoboot = async (boot: string) => parseAutoboot(await readFile(join(boot, 'autoboot.txt'), 'utf8'));

describe('tryboot rootfs slots', () => {
  it('delta into partition 3, one-shot trial boot, commit rewrites autoboot.txt', async () => {
    await withTmp(async (dir) => {
      const { images, boot, pi, backend, manager, updater } = await setup(dir);
      expect((await updater.update()).status).toBe('switched');
      expect(await autoboot(boot)).toEqual({ committed: 2, tryboot: 3 });
      expect(new Uint8Array(await readFile(join(dir, 'p3.img')))).toEqual(new Uint8Array(await readFile(images[1]!)));
      await backend.restart(true);
      await pi.powerOn();
      expect(pi.booted).toBe(3);
      expect((await manager().boot()).state.phase).toBe('trial');
      await manager().confirm();
      expect(await autoboot(boot)).toEqual({ committed: 3, tryboot: 2 });
      await pi.powerOn();
      expect(pi.booted).toBe(3);
      expect((await manager().boot()).restart).toBe(false);
    });
  });

  it('a trial boot that resets before its commit falls back to the committed partition by itself', async () => {
    await withTmp(async (dir) => {
      const { boot, pi, backend, manager, updater } = await setup(dir);
      await updater.update();
      await backend.restart(true);
      await pi.powerOn(); // partition 3, on trial
      expect((await manager().boot()).state.phase).toBe('trial');
      await pi.powerOn(); // watchdog reset: the one-shot flag is gone, the firmware boots [all]
      expect(pi.booted).toBe(2);
      const r = await manager().boot();
      expect(r.rolledBack).toBe('the trial slot did not start');
      expect(r.restart).toBe(false);
      expect(r.state).toMatchObject({ phase: 'idle', committed: 'a', lastFailure: { version: '2' } });
      expect(await autoboot(boot)).toEqual({ committed: 2, tryboot: 3 });
    });
  });

  it('a full image is copied into the partition (never renamed over it)', async () => {
    await withTmp(async (dir) => {
      const { images, manager, updater } = await setup(dir);
      await writeFile(join(dir, 'p3.img'), new Uint8Array(150_000).fill(9)); // the partition is larger than the image
      expect((await updater.update({ full: true })).status).toBe('switched');
      const part = new Uint8Array(await readFile(join(dir, 'p3.img')));
      const img = new Uint8Array(await readFile(images[1]!));
      expect(part.length).toBe(150_000);
      expect(part.subarray(0, img.length)).toEqual(img);
      expect((await manager().load()).phase).toBe('trial');
    });
  });

  it('autoboot.txt parser is total and refuses other shapes', () => {
    expect(parseAutoboot(renderAutoboot({ committed: 5, tryboot: 6 }))).toEqual({ committed: 5, tryboot: 6 });
    expect(parseAutoboot('# c\r\n[all]\r\ntryboot_a_b=1\r\nboot_partition=2\r\n\r\n[tryboot]\r\nboot_partition=3\r\n')).toEqual({ committed: 2, tryboot: 3 });
    for (const bad of ['', '[all]\nboot_partition=2\n', '[all]\ntryboot_a_b=1\nboot_partition=2\n', 'garbage', '[all]\ntryboot_a_b=1\nboot_partition=x\n[tryboot]\nboot_partition=3']) {
      expect(() => parseAutoboot(bad)).toThrow(expect.objectContaining({ code: 'BAD_BOOT_CONFIG' }) as Error);
    }
    expect(isSlotError(new Error('x'))).toBe(false);
  });
});
