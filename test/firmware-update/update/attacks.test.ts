/**
 * TUF/Uptane attack cases (TUF §1.5.2, Uptane §7): each refused with its own code, and nothing
 * written to the inactive slot (neither its image file nor its directory).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirSource, httpSource } from '../../../firmware-update/client/index.ts';
import { generateRoleKeys, readRoleKeys, rotateRoot, signRotation } from '../../../firmware-update/repo/index.ts';
import { decodeEnvelope, encodeEnvelope, signEnvelope } from '../../../firmware-update/trust/index.ts';
import type { Device, Manufacturer } from './helpers.ts';
import { T0, crypto, makeDevice, makeManufacturer, makeSlotImage, withTmp } from './helpers.ts';
import { startServer } from './http-server.ts';

const HOUR = 3600_000;

async function untouched(dev: Device): Promise<void> {
  expect(await stat(join(dev.root, 'slots', 'b.image')).then(() => true, () => false)).toBe(false);
  expect(await stat(join(dev.root, 'slots', 'b')).then(() => true, () => false)).toBe(false);
  expect((await dev.manager().boot()).restart).toBe(false);
}

async function setup(dir: string, opts: { v2hw?: string[] } = {}): Promise<{ m: Manufacturer; dev: Device; v1: string; v2: string }> {
  const m = await makeManufacturer(dir);
  const v1 = await makeSlotImage(dir, '1.0.0');
  const v2 = await makeSlotImage(dir, '2.0.0', '//two');
  await m.publish(v1, '1.0.0');
  await m.publish(v2, '2.0.0', { deltaFrom: [v1], ...(opts.v2hw ? { hardwareIds: opts.v2hw } : {}) });
  const dev = await makeDevice(dir, m.repo, v1, '1.0.0', 1);
  return { m, dev, v1, v2 };
}

const meta = (m: Manufacturer, name: string): string => join(m.repo, 'metadata', name);

async function resign(m: Manufacturer, name: string, edit: (signed: Record<string, unknown>) => void, seeds: Uint8Array[]): Promise<void> {
  const env = decodeEnvelope(await readFile(meta(m, name)));
  const signed = structuredClone(env.signed) as Record<string, unknown>;
  edit(signed);
  let out = { signatures: [], signed };
  for (const s of seeds) out = signEnvelope(crypto, out, s) as typeof out;
  await writeFile(meta(m, name), encodeEnvelope(out));
}

describe('attacks on the update client', () => {
  it('arbitrary software: a replaced image is refused (HASH_MISMATCH)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const real = await readFile(join(m.repo, 'targets', 'ip2-2.0.0.tar'));
      real[real.length - 2000] = real[real.length - 2000]! ^ 1;
      await writeFile(join(m.repo, 'targets', 'ip2-2.0.0.tar'), real);
      const u = dev.updater(dirSource(m.repo));
      const c = await u.check();
      if (c.status !== 'available') throw new Error('expected an update');
      await expect(u.install({ ...c.plan, delta: undefined })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
      await untouched(dev);
    });
  });

  it('arbitrary metadata: targets signed by a key the root does not name (THRESHOLD_NOT_MET)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      await resign(m, 'targets.json', (s) => { s['version'] = 99; }, [crypto.randomBytes(32)]);
      await m.refreshOnline();
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
      await untouched(dev);
    });
  });

  it('tampered delta: refused by its signed hash before the delta engine sees it', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const u = dev.updater(dirSource(m.repo));
      const c = await u.check();
      if (c.status !== 'available' || c.plan.delta === undefined) throw new Error('expected a delta');
      const p = join(m.repo, 'targets', c.plan.delta.path);
      const bytes = await readFile(p);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
      await writeFile(p, bytes);
      await expect(u.update()).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
      await untouched(dev);
    });
  });

  it('rollback of the release counter: an older release is refused (RELEASE_ROLLBACK)', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const v1 = await makeSlotImage(dir, '1.0.0');
      const v2 = await makeSlotImage(dir, '2.0.0', '//2');
      await m.publish(v1, '1.0.0');
      const dev = await makeDevice(dir, m.repo, v2, '2.0.0', 2);
      // the repo (say, a compromised targets key) offers only release 1 to a device at 2
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'RELEASE_ROLLBACK' });
      await expect(dev.updater(dirSource(m.repo)).update({ targetPath: 'ip2-1.0.0.tar' })).rejects.toMatchObject({ code: 'RELEASE_ROLLBACK' });
      await untouched(dev);
    });
  });

  it('rollback of metadata: a replayed older timestamp is refused (ROLLBACK)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const old = await readFile(meta(m, 'timestamp.json'));
      await m.refreshOnline();
      await dev.updater(dirSource(m.repo)).check();
      await writeFile(meta(m, 'timestamp.json'), old);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'ROLLBACK' });
    });
  });

  it('freeze: an expired timestamp is refused, and the reference time never goes back', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      dev.clock.ms = T0 + 20 * HOUR;
      expect((await dev.updater(dirSource(m.repo)).check()).status).toBe('available');
      dev.clock.ms = 0; // the board lost its clock: max(clock, last verified, build time) still holds
      expect((await dev.updater(dirSource(m.repo)).check()).status).toBe('available');
      dev.clock.ms = T0 + 25 * HOUR; // the attacker keeps serving yesterday's timestamp
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'EXPIRED' });
      await untouched(dev);
    });
  });

  it('freeze: build time bounds "now" from below on a board without a clock', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      dev.clock.ms = 0;
      const { createUpdater, fileCounterStore, fileTrustedStore } = await import('../../../firmware-update/client/index.ts');
      const { dirSlotBackend } = await import('../../../firmware-update/slots/index.ts');
      const u = createUpdater({
        crypto, clock: dev.clock, source: dirSource(m.repo), store: fileTrustedStore(dev.state), counter: fileCounterStore(dev.state),
        slots: dev.manager(), backend: dirSlotBackend(dev.root), hardwareId: 'rpi-zero2w', workDir: dev.state, buildTime: T0 + 48 * HOUR,
      });
      await expect(u.check()).rejects.toMatchObject({ code: 'EXPIRED' });
    });
  });

  it('mix-and-match: snapshot from another release (HASH_MISMATCH, or VERSION_MISMATCH when only versions are pinned)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const oldSnap = await readFile(meta(m, 'snapshot.json'));
      await m.refreshOnline();
      const newSnap = await readFile(meta(m, 'snapshot.json'));
      await writeFile(meta(m, 'snapshot.json'), oldSnap);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
      // a timestamp (validly signed) that pins only the version, over the older snapshot
      await writeFile(meta(m, 'snapshot.json'), newSnap);
      const newVersion = (decodeEnvelope(newSnap).signed as { version: number }).version;
      await resign(m, 'timestamp.json', (s) => { s['version'] = 50; s['meta'] = { 'snapshot.json': { version: newVersion } }; }, [m.keys.timestamp[0]!.seed]);
      await writeFile(meta(m, 'snapshot.json'), oldSnap);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
      await untouched(dev);
    });
  });

  it('endless data: a target longer than signed, over HTTP (LENGTH_EXCEEDED), and oversized metadata', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const server = await startServer(m.repo);
      try {
        server.padTargets = 1 << 20;
        await expect(dev.updater(httpSource(server.url)).update()).rejects.toMatchObject({ code: 'LENGTH_EXCEEDED' });
        await untouched(dev);
        await writeFile(meta(m, 'timestamp.json'), Buffer.alloc(64 * 1024, 0x20));
        await expect(dev.updater(httpSource(server.url)).check()).rejects.toMatchObject({ code: 'LENGTH_EXCEEDED' });
      } finally {
        await server.close();
      }
    });
  });

  it('wrong hardware id: not offered, and refused when asked for (WRONG_HARDWARE)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir, { v2hw: ['rpi4'] });
      expect((await dev.updater(dirSource(m.repo)).check()).status).toBe('up-to-date');
      await expect(dev.updater(dirSource(m.repo)).update({ targetPath: 'ip2-2.0.0.tar' })).rejects.toMatchObject({ code: 'WRONG_HARDWARE' });
      await untouched(dev);
    });
  });

  it('one compromised root key (threshold 2) cannot rotate the root (THRESHOLD_NOT_MET)', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const evil = await readRoleKeys(crypto, await mkKeys(dir, 'evil'));
      const deps = { crypto, clock: m.clock };
      const { old, next } = await rotateRoot(deps, m.repo, { keys: { root: evil.root, targets: evil.targets, snapshot: evil.snapshot, timestamp: evil.timestamp } });
      await signRotation(deps, m.repo, old, next, [m.keys.root[0]!, ...evil.root]);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
      await untouched(dev);
    });
  });

  it('root rotation done right is accepted; a key rotated out no longer counts', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const fresh = await readRoleKeys(crypto, await mkKeys(dir, 'fresh'));
      const deps = { crypto, clock: m.clock };
      const [k1, k2, k3] = m.keys.root as [typeof fresh.root[0], typeof fresh.root[0], typeof fresh.root[0]];
      const newRoot = [fresh.root[0]!, k2, k3]; // k1 rotated out
      const r2 = await rotateRoot(deps, m.repo, { keys: { root: newRoot } });
      await signRotation(deps, m.repo, r2.old, r2.next, [k1, k2, fresh.root[0]!]); // 2 of old (k1,k2), 2 of new (k2,new)
      const c = await dev.updater(dirSource(m.repo)).check();
      expect(c.metadata.root.version).toBe(2);
      // root v3 signed by k1 (rotated out) and k2 only: one valid signature of v2's root keys
      const r3 = await rotateRoot(deps, m.repo, { keys: {} });
      await signRotation(deps, m.repo, r3.old, r3.next, [k1, k2]).catch(() => undefined);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
      // once k3 signs as well, v3 has two valid signatures of v2's root keys and is accepted
      await signRotation(deps, m.repo, r3.old, r3.next, [k2, k3]);
      expect((await dev.updater(dirSource(m.repo)).check()).metadata.root.version).toBe(3);
    });
  });
});

describe('root rotation', () => {
  it('a new root that a threshold of its own keys did not sign is refused', async () => {
    await withTmp(async (dir) => {
      const { m, dev } = await setup(dir);
      const fresh = await readRoleKeys(crypto, await mkKeys(dir, 'fresh'));
      const deps = { crypto, clock: m.clock };
      const r = await rotateRoot(deps, m.repo, { keys: { root: fresh.root }, thresholds: { root: 2 } });
      await signRotation(deps, m.repo, r.old, r.next, [m.keys.root[0]!, m.keys.root[1]!, fresh.root[0]!]);
      await expect(dev.updater(dirSource(m.repo)).check()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET', message: expect.stringContaining('by itself') as unknown });
      await signRotation(deps, m.repo, r.old, r.next, [fresh.root[1]!]);
      expect((await dev.updater(dirSource(m.repo)).check()).metadata.root.version).toBe(2);
    });
  });
});

async function mkKeys(dir: string, name: string): Promise<string> {
  const d = join(dir, name);
  await generateRoleKeys(crypto, d, { root: 3, targets: 1, snapshot: 1, timestamp: 1 });
  return d;
}
