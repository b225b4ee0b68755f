import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSimulatedDriver, seededRandom } from '../../drivers/simulated/index.ts';
import { isDriverError } from '../../drivers/errors.ts';
import { ManualClock } from './support/clock.ts';

describe('simulated driver', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const clock = new ManualClock();
      const d = createSimulatedDriver({ id: 's', seed, clock });
      const out: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const all = await d.readAll();
        out.push(...all.map((r) => r.value));
        await clock.advance(60_000);
      }
      return out;
    };
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
  });

  it('gives plausible indoor values over a whole day', async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const d = createSimulatedDriver({ id: 's', seed: 42, clock });
    const temps: number[] = [];
    for (let h = 0; h < 24; h += 1) {
      const [t, rh] = await d.readAll();
      expect(t).toMatchObject({ quantity: 'temperature', unit: '°C', quality: 'good', at: clock.now() });
      expect(rh).toMatchObject({ quantity: 'humidity', unit: '%', quality: 'good' });
      expect(t!.value).toBeGreaterThan(15);
      expect(t!.value).toBeLessThan(28);
      expect(rh!.value).toBeGreaterThanOrEqual(0);
      expect(rh!.value).toBeLessThanOrEqual(100);
      temps.push(t!.value);
      await clock.advance(3_600_000);
    }
    // Coolest before dawn, warmest in the afternoon.
    expect(temps[4]!).toBeLessThan(temps[16]!);
  });

  it('read() returns the primary quantity and rejects unknown ones', async () => {
    const d = createSimulatedDriver({ id: 's', seed: 1, clock: new ManualClock() });
    expect((await d.read()).quantity).toBe('temperature');
    expect((await d.read('humidity')).unit).toBe('%');
    await expect(d.read('co2')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('a stuck sensor keeps its last value, turns stale after staleAfterMs, then recovers', async () => {
    const clock = new ManualClock();
    const d = createSimulatedDriver({ id: 's', seed: 3, clock, staleAfterMs: 30_000 });
    const first = await d.read();
    d.setFaults({ stuck: true });
    await clock.advance(10_000);
    const early = await d.read();
    expect(early).toEqual(first); // same measurement, same `at`, still within 30 s
    await clock.advance(25_000);
    const late = await d.read();
    expect(late.quality).toBe('stale');
    expect(late.at).toBe(first.at);
    expect(d.health().state).toBe('failing');
    expect(d.health().timeouts).toBeGreaterThan(0);
    d.setFaults({});
    const back = await d.read();
    expect(back.quality).toBe('good');
    expect(back.at).toBe(clock.now());
    expect(d.health().state).toBe('ok');
  });

  it('a stuck sensor with no history rejects with TIMEOUT', async () => {
    const d = createSimulatedDriver({ id: 's', seed: 3, clock: new ManualClock(), faults: { stuck: true } });
    await expect(d.read()).rejects.toSatisfy((e: unknown) => isDriverError(e, 'TIMEOUT'));
    expect(d.health().state).toBe('failing') // three consecutive failed attempts;
  });

  it('counts checksum errors and never turns them into readings', async () => {
    const clock = new ManualClock();
    const d = createSimulatedDriver({ id: 's', seed: 5, clock, faults: { checksumErrorRate: 1 } });
    await expect(d.read()).rejects.toMatchObject({ code: 'CHECKSUM' });
    expect(d.health().checksumErrors).toBe(3); // one try plus two retries
    d.setFaults({ checksumErrorRate: 0.5 });
    let good = 0;
    for (let i = 0; i < 40; i += 1) {
      await clock.advance(1000);
      const r = await d.read().catch(() => null);
      if (r?.quality === 'good' && r.at === clock.now()) good += 1;
    }
    const h = d.health();
    expect(good).toBe(h.reads);
    expect(h.checksumErrors).toBeGreaterThan(3);
    expect(h.checksumErrors).toBeLessThan(3 + 40 * 3);
  });

  it('rejects reads after close with CLOSED', async () => {
    const d = createSimulatedDriver({ id: 's', seed: 1, clock: new ManualClock() });
    await d.close();
    await d.close();
    await expect(d.read()).rejects.toMatchObject({ code: 'CLOSED', canceled: true });
  });

  it('seededRandom stays in [0,1) and repeats per seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let i = 0; i < 20; i += 1) {
          const x = a();
          expect(x).toBe(b());
          expect(x >= 0 && x < 1).toBe(true);
        }
      }),
    );
  });
});
