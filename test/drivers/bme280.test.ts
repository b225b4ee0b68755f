import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compensateDouble, compensateHumidityInt, compensatePressureInt64, compensateTemperatureInt, createBme280IioDriver, openBme280I2c,
  type Calibration,
} from '../../drivers/bme280/index.ts';
import { systemClock } from '../../drivers/clock.ts';
import { ManualClock } from './support/clock.ts';
import { FakeBme280, HUMIDITY_CAL, WORKED_EXAMPLE } from './support/fake-bme280.ts';
import { makeTree, type Tree } from './support/tree.ts';

const CAL: Calibration = { ...WORKED_EXAMPLE.cal, H: HUMIDITY_CAL };

describe('BME280 compensation', () => {
  it('reproduces the datasheet worked example (BMP280 DS001 §3.12)', () => {
    const { tFine, centiC } = compensateTemperatureInt(WORKED_EXAMPLE.adcT, CAL);
    expect(tFine).toBe(WORKED_EXAMPLE.tFine);
    expect(centiC / 100).toBe(WORKED_EXAMPLE.celsius);
    const d = compensateDouble(WORKED_EXAMPLE.adcT, WORKED_EXAMPLE.adcP, null, CAL);
    expect(d.t).toBeCloseTo(WORKED_EXAMPLE.celsius, 2);
    expect(d.p).toBeCloseTo(WORKED_EXAMPLE.pascal, 2);
    expect(compensatePressureInt64(WORKED_EXAMPLE.adcP, tFine, CAL) / 256).toBeCloseTo(WORKED_EXAMPLE.pascal, 1);
  });

  it('the integer path agrees with the double-precision reference (§4.2.3 vs §8.1)', () => {
    const adcT = fc.integer({ min: 380_000, max: 620_000 });
    const adcP = fc.integer({ min: 250_000, max: 500_000 });
    const adcH = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(adcT, adcP, adcH, (t, p, h) => {
        const { tFine, centiC } = compensateTemperatureInt(t, CAL);
        const ref = compensateDouble(t, p, h, CAL);
        expect(Math.abs(centiC / 100 - ref.t)).toBeLessThan(0.011);
        expect(Math.abs(compensatePressureInt64(p, tFine, CAL) / 256 - ref.p)).toBeLessThan(1);
        const rh = compensateHumidityInt(h, tFine, HUMIDITY_CAL) / 1024;
        expect(rh).toBeGreaterThanOrEqual(0);
        expect(rh).toBeLessThanOrEqual(100);
        expect(Math.abs(rh - ref.h!)).toBeLessThan(0.05);
      }),
    );
  });

  it('humidity rises with the raw humidity value', () => {
    const { tFine } = compensateTemperatureInt(WORKED_EXAMPLE.adcT, CAL);
    const a = compensateHumidityInt(0x5000, tFine, HUMIDITY_CAL);
    const b = compensateHumidityInt(0x6000, tFine, HUMIDITY_CAL);
    expect(b).toBeGreaterThan(a);
  });
});

describe('BME280 over I²C (fake register file)', () => {
  it('checks the chip id, reads calibration, triggers forced mode, waits, compensates', async () => {
    const bus = new FakeBme280(0x76);
    bus.busyPolls = 2;
    const d = await openBme280I2c({ id: 'bme', bus, address: 0x76, clock: systemClock });
    expect(d.quantities).toEqual(['temperature', 'humidity', 'pressure']);
    const [t, h, p] = await d.readAll();
    expect(t).toMatchObject({ value: 25.08, unit: '°C', quality: 'good' });
    expect(p).toMatchObject({ unit: 'hPa' });
    expect(p!.value).toBeCloseTo(1006.53, 2);
    const ref = compensateDouble(WORKED_EXAMPLE.adcT, WORKED_EXAMPLE.adcP, 0x6500, CAL);
    expect(Math.abs(h!.value - ref.h!)).toBeLessThan(0.05);
    expect(bus.writes).toEqual([[0xf2, 0x01], [0xf4, 0x25]]);
    await d.close();
    expect(bus.closed).toBe(true);
  });

  it('a BMP280 offers no humidity; a foreign chip is WRONG_CHIP', async () => {
    const bmp = await openBme280I2c({ id: 'bmp', bus: new FakeBme280(0x77, 0x58), address: 0x77, clock: systemClock });
    expect(bmp.quantities).toEqual(['temperature', 'pressure']);
    await expect(openBme280I2c({ id: 'x', bus: new FakeBme280(0x76, 0x61), address: 0x76, clock: systemClock })).rejects.toMatchObject({ code: 'WRONG_CHIP' });
    await expect(openBme280I2c({ id: 'x', bus: new FakeBme280(0x76), address: 0x77, clock: systemClock })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects values outside the operating range', async () => {
    const bus = new FakeBme280(0x76);
    bus.setRaw(0xfffff, WORKED_EXAMPLE.adcP, 0x6500);
    const d = await openBme280I2c({ id: 'bme', bus, address: 0x76, clock: systemClock });
    await expect(d.read()).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
  });
});

describe('BME280 through the kernel IIO driver (fixture tree)', () => {
  let tree: Tree | undefined;
  afterEach(async () => {
    await tree?.cleanup();
    tree = undefined;
  });

  it('finds the device by name, not index, and converts IIO units', async () => {
    tree = await makeTree({
      'iio:device0/name': 'dht11\n',
      'iio:device0/in_temp_input': '19000\n',
      'iio:device1/name': 'bme280\n',
      'iio:device1/in_temp_input': '20410\n',
      'iio:device1/in_humidityrelative_input': '48906\n',
      'iio:device1/in_pressure_input': '101.342265625\n',
    });
    const clock = new ManualClock();
    const d = await createBme280IioDriver({ id: 'bme', root: tree.root, clock });
    expect(await d.readAll()).toEqual([
      { quantity: 'temperature', unit: '°C', value: 20.41, at: clock.now(), quality: 'good' },
      { quantity: 'humidity', unit: '%', value: 48.906, at: clock.now(), quality: 'good' },
      { quantity: 'pressure', unit: 'hPa', value: 1013.423, at: clock.now(), quality: 'good' },
    ]);
  });

  it('a bmp280 without a humidity file offers temperature and pressure only; no device is NOT_FOUND', async () => {
    tree = await makeTree({ 'iio:device3/name': 'bmp280', 'iio:device3/in_temp_input': '21000', 'iio:device3/in_pressure_input': '99.1' });
    const d = await createBme280IioDriver({ id: 'bmp', root: tree.root, clock: new ManualClock() });
    expect(d.quantities).toEqual(['temperature', 'pressure']);
    expect((await d.read('pressure')).value).toBe(991);
    await expect(createBme280IioDriver({ id: 'x', root: tree.root, device: 'iio:device0', clock: new ManualClock() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
