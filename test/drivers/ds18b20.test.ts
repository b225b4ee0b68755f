import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDs18b20Driver, listThermometers, parseW1Slave } from '../../drivers/ds18b20/index.ts';
import { isDriverError } from '../../drivers/errors.ts';
import { nodeFileOps, type FileOps } from '../../drivers/sysfs/files.ts';
import { ManualClock } from './support/clock.ts';
import { makeTree, w1Slave, type Tree } from './support/tree.ts';

const A = '28-0316a2795aff';
const B = '28-0416b1c2d3e4';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.cleanup();
  tree = undefined;
});

describe('parseW1Slave', () => {
  it('reads t= in milli-°C, including negatives', () => {
    expect(parseW1Slave(w1Slave(22750))).toBe(22750);
    expect(parseW1Slave(w1Slave(-10125))).toBe(-10125);
  });

  it('classifies CRC NO, the power-on value and out-of-range values', () => {
    const code = (t: string): string | undefined => {
      try {
        parseW1Slave(t);
        return undefined;
      } catch (e) {
        return isDriverError(e) ? e.code : 'untyped';
      }
    };
    expect(code(w1Slave(22750, false))).toBe('CHECKSUM');
    expect(code(w1Slave(85000))).toBe('POWER_ON_VALUE');
    expect(code(w1Slave(125001))).toBe('OUT_OF_RANGE');
    expect(code(w1Slave(-55001))).toBe('OUT_OF_RANGE');
    expect(code('')).toBe('BAD_FRAME');
    expect(code('garbage\nt=1\n')).toBe('BAD_FRAME');
    expect(code(`${w1Slave(1000)}extra line\n`)).toBe('BAD_FRAME');
  });

  it('is total: any text gives a number or a DriverError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.integer({ min: -200_000, max: 200_000 }).map((n) => w1Slave(n))), (t) => {
        try {
          const v = parseW1Slave(t);
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(-55_000);
          expect(v).toBeLessThanOrEqual(125_000);
        } catch (e) {
          expect(isDriverError(e)).toBe(true);
        }
      }),
    );
  });
});

describe('DS18B20 driver on a fixture tree', () => {
  it('lists w1_therm slaves only and reads each of several sensors on one bus', async () => {
    tree = await makeTree({
      [`${A}/w1_slave`]: w1Slave(21500),
      [`${B}/w1_slave`]: w1Slave(-3250),
      '00-000000000000/name': 'not a thermometer',
      'w1_bus_master1/w1_master_slave_count': '2',
    });
    expect(await listThermometers(tree.root)).toEqual([A, B]);
    const clock = new ManualClock();
    const a = createDs18b20Driver({ id: 'a', root: tree.root, sensor: A, clock });
    const b = createDs18b20Driver({ id: 'b', root: tree.root, sensor: B, clock });
    expect(await a.read()).toEqual({ quantity: 'temperature', unit: '°C', value: 21.5, at: clock.now(), quality: 'good' });
    expect((await b.read()).value).toBe(-3.25);
    // Several sensors and none named: a clear error rather than a guess.
    const c = createDs18b20Driver({ id: 'c', root: tree.root, clock, retries: 0 });
    await expect(c.read()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('uses the only sensor when none is named, and follows new values', async () => {
    tree = await makeTree({ [`${A}/w1_slave`]: w1Slave(20000) });
    const clock = new ManualClock();
    const d = createDs18b20Driver({ id: 'a', root: tree.root, clock });
    expect((await d.read()).value).toBe(20);
    await tree.write(`${A}/w1_slave`, w1Slave(20625));
    await clock.advance(1000);
    expect(await d.read()).toMatchObject({ value: 20.625, at: clock.now(), quality: 'good' });
  });

  it('retries a CRC NO and reports the retry in health', async () => {
    tree = await makeTree({ [`${A}/w1_slave`]: w1Slave(19000) });
    const texts = [w1Slave(0, false), w1Slave(19000)];
    const files: FileOps = { ...nodeFileOps, readText: () => Promise.resolve(texts.shift() ?? w1Slave(19000)) };
    const d = createDs18b20Driver({ id: 'a', root: tree.root, sensor: A, clock: new ManualClock(), files, retryDelayMs: 0 });
    expect((await d.read()).value).toBe(19);
    expect(d.health()).toMatchObject({ state: 'ok', checksumErrors: 1, reads: 1 });
  });

  it('never reports 85 °C; with no history it rejects, later it serves the last value as stale', async () => {
    tree = await makeTree({ [`${A}/w1_slave`]: w1Slave(85000) });
    const clock = new ManualClock();
    const d = createDs18b20Driver({ id: 'a', root: tree.root, sensor: A, clock, retryDelayMs: 0, staleAfterMs: 60_000 });
    await expect(d.read()).rejects.toMatchObject({ code: 'POWER_ON_VALUE' });
    await tree.write(`${A}/w1_slave`, w1Slave(23000));
    const good = await d.read();
    await tree.write(`${A}/w1_slave`, w1Slave(85000));
    await clock.advance(61_000);
    const r = await d.read();
    expect(r).toEqual({ ...good, quality: 'stale' });
    expect(d.health().errors).toBe(6);
  });

  it('a missing sensor is NOT_FOUND', async () => {
    tree = await makeTree({});
    const d = createDs18b20Driver({ id: 'a', root: tree.root, sensor: A, clock: new ManualClock() });
    await expect(d.read()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
