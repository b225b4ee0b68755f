/**
 * One contract suite for the driver port (drivers/port.ts), run against every adapter in its
 * fixture, fake or emulator form, and against real hardware when IP2_TEST_SERIAL
 * (`pms5003:/dev/serial0` or `mhz19b:/dev/ttyAMA0`) or IP2_TEST_GPIOCHIP (any value; BCM pin
 * from IP2_TEST_GPIO_PIN, default 17, read through the libgpiod tools) are set on a Pi.
 */
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDriver, parseDriverFlag, serialPortOpener, systemClock, type Driver } from '../../drivers/index.ts';
import { canonicalUnit } from '../../drivers/quantities.ts';
import { openBme280I2c } from '../../drivers/bme280/index.ts';
import { attachMhz19b } from '../../drivers/mhz19b/index.ts';
import { attachPms5003 } from '../../drivers/pms5003/index.ts';
import { createMemoryLinkPair } from '../../drivers/serial/index.ts';
import { ManualClock } from './support/clock.ts';
import { FakeBme280 } from './support/fake-bme280.ts';
import { makeTree, w1Slave } from './support/tree.ts';
import { MhzEmulator } from './emulators/mhz19b.ts';
import { PmsEmulator } from './emulators/pms5003.ts';

interface Subject {
  readonly driver: Driver;
  cleanup(): Promise<void>;
}

type Factory = () => Promise<Subject>;

async function onTree(files: Record<string, string>, make: (root: string) => Promise<Driver>): Promise<Subject> {
  const tree = await makeTree(files);
  return { driver: await make(tree.root), cleanup: () => tree.cleanup() };
}

const clock = (): ManualClock => new ManualClock();

const SUBJECTS: Record<string, Factory> = {
  simulated: async () => ({ driver: await createDriver(parseDriverFlag('s=simulated:11'), { clock: clock() }), cleanup: () => Promise.resolve() }),
  'ds18b20 (fixture tree)': () =>
    onTree({ '28-0316a2795aff/w1_slave': w1Slave(21000) }, (root) => createDriver(parseDriverFlag(`ds18b20:${root}`), { clock: clock() })),
  'dht22 (IIO fixture)': () =>
    onTree({ 'iio:device0/name': 'dht11', 'iio:device0/in_temp_input': '20100', 'iio:device0/in_humidityrelative_input': '40000' }, (root) =>
      createDriver(parseDriverFlag(`dht22:${root}`), { clock: clock() })),
  'bme280-iio (IIO fixture)': () =>
    onTree({ 'iio:device0/name': 'bme280', 'iio:device0/in_temp_input': '20100', 'iio:device0/in_humidityrelative_input': '40000', 'iio:device0/in_pressure_input': '100.2' }, (root) =>
      createDriver(parseDriverFlag(`bme280-iio:${root}`), { clock: clock() })),
  'bme280-i2c (register fake)': async () => ({ driver: await openBme280I2c({ id: 'b', bus: new FakeBme280(0x76), address: 0x76, clock: systemClock }), cleanup: () => Promise.resolve() }),
  'cpu (thermal fixture)': () => onTree({ 'thermal_zone0/type': 'cpu-thermal', 'thermal_zone0/temp': '51000' }, (root) => createDriver(parseDriverFlag(`cpu:${root}`), { clock: clock() })),
  'pms5003 (emulator, memory link)': async () => {
    const [host, dev] = createMemoryLinkPair({ maxChunk: 7 });
    const emu = new PmsEmulator(dev);
    const driver = await attachPms5003(host, { id: 'p', clock: clock() });
    await emu.frame([1, 2, 3]);
    return { driver, cleanup: () => dev.close() };
  },
  'mhz19b (emulator, memory link)': () => {
    const [host, dev] = createMemoryLinkPair({ maxChunk: 2 });
    new MhzEmulator(dev);
    return Promise.resolve({ driver: attachMhz19b(host, { id: 'm', clock: systemClock }), cleanup: () => dev.close() });
  },
  'gpio-in (sysfs fixture)': () =>
    onTree(
      { 'gpiochip512/base': '512', 'gpiochip512/label': 'pinctrl-bcm2711', 'gpiochip512/ngpio': '58', 'gpio529/value': '1', 'gpio529/direction': 'in', 'gpio529/active_low': '0' },
      (root) => createDriver({ ...parseDriverFlag('gpio-in:17'), backend: 'sysfs', root }, { clock: clock() }),
    ),
  'gpio-out (libgpiod tools fake)': async () => {
    const tree = await makeTree({});
    const tools: Record<string, string> = {
      gpiodetect: '#!/bin/sh\n[ "$1" = "--version" ] && { echo "gpiodetect (libgpiod) v1.6.3"; exit 0; }\necho "gpiochip0 [pinctrl-bcm2835] (54 lines)"\n',
      gpioset: '#!/bin/sh\nexec sleep 30\n',
    };
    for (const [n, body] of Object.entries(tools)) {
      await writeFile(join(tree.root, n), body);
      await chmod(join(tree.root, n), 0o755);
    }
    const driver = await createDriver(parseDriverFlag('gpio-out:17'), { clock: clock(), spawn: (c, a) => spawn(join(tree.root, c), a) });
    return { driver, cleanup: () => tree.cleanup() };
  },
};

const serial = process.env['IP2_TEST_SERIAL'];
if (serial !== undefined) {
  SUBJECTS[`real ${serial}`] = async () => ({ driver: await createDriver(parseDriverFlag(serial), { clock: systemClock, openLink: serialPortOpener() }), cleanup: () => Promise.resolve() });
}
if (process.env['IP2_TEST_GPIOCHIP'] !== undefined) {
  const pin = process.env['IP2_TEST_GPIO_PIN'] ?? '17';
  SUBJECTS[`real gpio-in ${pin}`] = async () => ({ driver: await createDriver(parseDriverFlag(`gpio-in:${pin}`), { clock: systemClock }), cleanup: () => Promise.resolve() });
}

describe.each(Object.entries(SUBJECTS))('Driver contract: %s', (_name, make) => {
  it('reads its quantities in their canonical units, fresh and good', async () => {
    const s = await make();
    try {
      const d = s.driver;
      expect(d.quantities.length).toBeGreaterThan(0);
      const all = await d.readAll({ timeoutMs: 5_000 });
      expect(all.map((r) => r.quantity)).toEqual(d.quantities);
      for (const r of all) {
        expect(r.unit).toBe(canonicalUnit(r.quantity));
        expect(Number.isFinite(r.value)).toBe(true);
        expect(r.quality).toBe('good');
        expect(Number.isInteger(r.at)).toBe(true);
      }
      const first = await d.read();
      expect(first.quantity).toBe(d.quantities[0]);
      const h = d.health();
      expect(h.state).toBe('ok');
      expect(h.lastGoodAt).not.toBeNull();
      for (const k of ['reads', 'checksumErrors', 'timeouts', 'errors'] as const) expect(Number.isInteger(h[k])).toBe(true);
    } finally {
      await s.driver.close();
      await s.cleanup();
    }
  });

  it('rejects a quantity it does not measure with UNSUPPORTED', async () => {
    const s = await make();
    try {
      const other = (['co2', 'temperature'] as const).find((q) => !s.driver.quantities.includes(q))!;
      await expect(s.driver.read(other)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    } finally {
      await s.driver.close();
      await s.cleanup();
    }
  });

  it('close() is idempotent and later reads reject with CLOSED', async () => {
    const s = await make();
    await s.driver.close();
    await s.driver.close();
    await expect(s.driver.read()).rejects.toMatchObject({ code: 'CLOSED' });
    await s.cleanup();
  });
});
