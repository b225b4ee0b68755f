/**
 * The issue-10 journey: the manufacturer makes keys and a repo, releases v1 and v2 with a delta;
 * a device on v1 updates to v2 over HTTP on loopback, restarts into v2 and confirms; v3 fails its
 * health check and the device rolls back to v2 by itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpSource } from '../../../firmware-update/client/index.ts';
import { isSlotError } from '../../../firmware-update/slots/index.ts';
import { HW, makeDevice, makeManufacturer, makeSlotImage, runningVersion, withTmp } from './helpers.ts';
import { startServer } from './http-server.ts';

describe('firmware update journey', () => {
  it('v1 → v2 by delta over HTTP, confirm; v3 fails its health window and rolls back to v2', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const v1 = await makeSlotImage(dir, '1.0.0');
      const v2 = await makeSlotImage(dir, '2.0.0', 'export const feature = "two";');
      await m.publish(v1, '1.0.0');
      await m.publish(v2, '2.0.0', { deltaFrom: [v1] });
      const server = await startServer(m.repo);
      try {
        const dev = await makeDevice(dir, m.repo, v1, '1.0.0', 1);
        expect(await runningVersion(dev.root)).toBe('1.0.0');
        const updater = dev.updater(httpSource(server.url));
        const check = await updater.check();
        expect(check.status).toBe('available');
        if (check.status !== 'available') return;
        expect(check.plan.delta).toBeDefined();
        expect(check.plan.downloadBytes).toBeLessThan(check.plan.target.length / 4);

        const progress: string[] = [];
        const res = await updater.update({ onProgress: (p) => { if (!progress.includes(p)) progress.push(p); } });
        expect(res.status).toBe('switched');
        expect(progress).toEqual(['download', 'apply']);
        expect(server.targetBytesSent).toBe(check.plan.downloadBytes); // the delta only, never the image
        // systemd restarts the agent: it runs whatever `current` names
        const boot = await dev.manager().boot();
        expect(boot.state.phase).toBe('trial');
        expect(await runningVersion(dev.root)).toBe('2.0.0');
        await dev.manager().confirm();
        const after = await dev.manager().load();
        expect(after).toMatchObject({ phase: 'idle', committed: 'b' });
        expect(JSON.parse(await readFile(join(dev.state, 'release-counter.json'), 'utf8'))).toEqual({ releaseCounter: 2 });
        expect((await updater.check()).status).toBe('up-to-date');

        // v3 does not come up healthy: no confirm within the window → back to v2 by itself
        const v3 = await makeSlotImage(dir, '3.0.0', 'throw new Error("broken");');
        await m.publish(v3, '3.0.0', { deltaFrom: [v2] });
        expect((await updater.update()).status).toBe('switched');
        expect((await dev.manager().boot()).state.phase).toBe('trial');
        expect(await runningVersion(dev.root)).toBe('3.0.0');
        dev.clock.advance(6 * 60 * 1000);
        const rolled = await dev.manager().checkDeadline();
        expect(rolled?.rolledBack).toBe('health window expired');
        expect(rolled?.restart).toBe(true);
        expect((await dev.manager().boot()).restart).toBe(false);
        expect(await runningVersion(dev.root)).toBe('2.0.0');
        const s = await dev.manager().load();
        expect(s).toMatchObject({ phase: 'idle', committed: 'b', lastFailure: { version: '3.0.0', reason: 'health window expired' } });
        expect(JSON.parse(await readFile(join(dev.state, 'release-counter.json'), 'utf8'))).toEqual({ releaseCounter: 2 });
        // the failed release is not offered again
        expect((await updater.check()).status).toBe('up-to-date');
        await expect(dev.manager().confirm()).rejects.toSatisfy((e: unknown) => isSlotError(e, 'WRONG_PHASE'));
        expect(HW).toBe('rpi-zero2w');
      } finally {
        await server.close();
      }
    });
  });

  it('a crash loop on the trial slot rolls back after MAX_TRIAL_BOOTS starts', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const v1 = await makeSlotImage(dir, '1.0.0');
      const v2 = await makeSlotImage(dir, '2.0.0', '//2');
      await m.publish(v1, '1.0.0');
      await m.publish(v2, '2.0.0');
      const dev = await makeDevice(dir, m.repo, v1, '1.0.0', 1);
      const { dirSource } = await import('../../../firmware-update/client/index.ts');
      const res = await dev.updater(dirSource(m.repo)).update();
      expect(res.status).toBe('switched');
      for (let i = 0; i < 3; i++) expect((await dev.manager().boot()).state.phase).toBe('trial');
      const b = await dev.manager().boot();
      expect(b.rolledBack).toMatch(/crash loop/);
      expect(await runningVersion(dev.root)).toBe('1.0.0');
    });
  });
});

describe('firmware.apply intent', () => {
  it('a policy refusal stops the update before anything is downloaded', async () => {
    await withTmp(async (dir) => {
      const m = await makeManufacturer(dir);
      const v1 = await makeSlotImage(dir, '1.0.0');
      const v2 = await makeSlotImage(dir, '2.0.0', '//2');
      await m.publish(v1, '1.0.0');
      await m.publish(v2, '2.0.0', { deltaFrom: [v1] });
      const dev = await makeDevice(dir, m.repo, v1, '1.0.0', 1);
      const { createUpdater, dirSource: src, fileCounterStore, fileTrustedStore } = await import('../../../firmware-update/client/index.ts');
      const { dirSlotBackend } = await import('../../../firmware-update/slots/index.ts');
      const { crypto } = await import('./helpers.ts');
      const asked: unknown[] = [];
      const u = createUpdater({
        crypto, clock: dev.clock, source: src(m.repo), store: fileTrustedStore(dev.state), counter: fileCounterStore(dev.state),
        slots: dev.manager(), backend: dirSlotBackend(dev.root), hardwareId: HW, workDir: dev.state,
        authorize: (req) => { asked.push(req); return Promise.resolve({ allowed: false, reason: 'owner schedules updates at night' }); },
      });
      await expect(u.update()).rejects.toMatchObject({ code: 'REFUSED_BY_POLICY' });
      expect(asked).toEqual([expect.objectContaining({ action: 'firmware.apply', version: '2.0.0', fromVersion: '1.0.0', releaseCounter: 2 })]);
      expect((await dev.manager().load()).phase).toBe('idle');
    });
  });
});
