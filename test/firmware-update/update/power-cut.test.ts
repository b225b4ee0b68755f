/**
 * Power-cut harness: the client is killed at a random point of download, apply, install,
 * switch and confirm (every persisted step of the state machine, every downloaded chunk, every
 * applied operation), then the device "restarts": recovery (`boot()`) runs and the journey goes
 * on. Hundreds of trials, some with several cuts. After every restart the device must start a
 * complete, verified slot; at the end it runs v2 (healthy) or v1 (v2 never confirms).
 */
import { cp, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { dirSource } from '../../../firmware-update/client/index.ts';
import type { RepositorySource } from '../../../firmware-update/client/index.ts';
import { dirSlotBackend, hashImage } from '../../../firmware-update/slots/index.ts';
import type { Device, Manufacturer } from './helpers.ts';
import { FakeClock, makeDevice, makeManufacturer, makeSlotImage, runningVersion } from './helpers.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

class PowerCut extends Error {}

class Cutter {
  ticks = 0;
  cuts = 0;
  constructor(private readonly at: number[]) {}
  tick(): void {
    this.ticks++;
    if (this.at.includes(this.ticks)) {
      this.cuts++;
      throw new PowerCut(`power cut at step ${this.ticks}`);
    }
  }
}

function cutting(src: RepositorySource, cut: Cutter): RepositorySource {
  return {
    ...src,
    fetchTarget: (path, dest, spec) => src.fetchTarget(path, dest, { ...spec, onProgress: () => cut.tick() }),
  };
}

/** The slot `current` names is complete and its image hashes to the recorded target. */
async function assertGoodSlot(dev: Device): Promise<string> {
  const backend = dirSlotBackend(dev.root);
  const slot = await backend.running();
  const state = await dev.manager().load();
  const rec = state.slots[slot];
  expect(rec, `slot ${slot} (${await readlink(join(dev.root, 'current'))}) has no record in phase ${state.phase}`).not.toBeNull();
  expect(await backend.isComplete(slot, rec!.sha256)).toBe(true);
  expect(await hashImage(backend.imagePath(slot), rec!.length)).toBe(rec!.sha256);
  const version = await runningVersion(dev.root);
  expect(version).toBe(rec!.version);
  return version;
}

let base: string;
let m: Manufacturer;
let template: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ip2-fwu-cut-'));
  m = await makeManufacturer(base);
  const v1 = await makeSlotImage(base, '1.0.0');
  const v2 = await makeSlotImage(base, '2.0.0', Array.from({ length: 4000 }, (_, i) => `export const more${i} = ${i};`).join('\n'));
  await m.publish(v1, '1.0.0');
  await m.publish(v2, '2.0.0', { deltaFrom: [v1] });
  const dev = await makeDevice(base, m.repo, v1, '1.0.0', 1);
  template = dev.root;
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cloneDevice(n: number): Promise<{ dev: Device; clock: FakeClock }> {
  const root = join(base, `trial-${n}`);
  await cp(template, root, { recursive: true, verbatimSymlinks: true });
  const clock = new FakeClock();
  const { createSlotManager, dirSlotBackend: backendOf } = await import('../../../firmware-update/slots/index.ts');
  const { createUpdater, fileCounterStore, fileTrustedStore } = await import('../../../firmware-update/client/index.ts');
  const { crypto, HW } = await import('./helpers.ts');
  const state = join(root, 'state');
  const backend = backendOf(root);
  const manager: Device['manager'] = (extra = {}) => createSlotManager({ backend, root, clock, counter: fileCounterStore(state), ...extra });
  const dev: Device = {
    root, state, clock, manager,
    updater: (source, extra = {}) => createUpdater({ crypto, clock, source, store: fileTrustedStore(state), counter: fileCounterStore(state), slots: manager(extra), backend, hardwareId: HW, workDir: state }),
  };
  return { dev, clock };
}

/** One device life: cut at the given steps; returns the version it ends on. */
async function life(n: number, cuts: number[], healthy: boolean, full: boolean): Promise<{ version: string; cutter: Cutter }> {
  const { dev, clock } = await cloneDevice(n);
  const cutter = new Cutter(cuts);
  const step = (): void => cutter.tick();
  const src = cutting(dirSource(m.repo), cutter);
  try {
    for (let restarts = 0; restarts < 40; restarts++) {
      try {
        const boot = await dev.manager({ step }).boot();
        if (boot.restart) continue; // systemd starts the slot `current` names
        const version = await assertGoodSlot(dev);
        const s = boot.state;
        if (s.phase === 'trial') {
          if (healthy) await dev.manager({ step }).confirm();
          else clock.advance(10 * 60 * 1000); // never healthy: the window passes
          continue;
        }
        if (s.phase === 'idle' && (version === '2.0.0' || s.lastFailure !== undefined)) return { version, cutter };
        await dev.updater(src, { step }).update({ full, onProgress: (p) => { if (p === 'apply') cutter.tick(); } });
      } catch (err) {
        if (!(err instanceof PowerCut)) throw err;
      }
    }
    throw new Error('the device never settled');
  } finally {
    await rm(dev.root, { recursive: true, force: true });
  }
}

describe('power cuts during download, apply, switch and confirm', () => {
  it('counts the steps of an uninterrupted update (delta and full)', async () => {
    for (const full of [false, true]) {
      const { version, cutter } = await life(9000 + Number(full), [], true, full);
      expect(version).toBe('2.0.0');
      expect(cutter.ticks).toBeGreaterThan(10);
    }
  });

  it('a cut at every single step, healthy and unhealthy new version', async () => {
    let n = 0;
    for (const full of [false, true]) {
      const total = (await life(9100 + Number(full), [], true, full)).cutter.ticks;
      for (let at = 1; at <= total; at++) {
        expect((await life(n++, [at], true, full)).version).toBe('2.0.0');
        expect((await life(n++, [at], false, full)).version).toBe('1.0.0');
      }
    }
  }, 300_000);

  it('random multiple cuts (fast-check, 200 runs)', async () => {
    let n = 20_000;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }), fc.boolean(), fc.boolean(), async (cuts, healthy, full) => {
        const { version } = await life(n++, cuts, healthy, full);
        expect(version).toBe(healthy ? '2.0.0' : '1.0.0');
      }),
      { numRuns: 200 },
    );
  }, 300_000);
});


