import { describe, expect, it } from 'vitest';
import { ConfigError, createDriver, parseConfigText, parseDriverFlag, validateConfig } from '../../drivers/index.ts';
import { celsiusToFahrenheit } from '../../drivers/config/index.ts';
import { ManualClock } from './support/clock.ts';

const fieldOf = (f: () => unknown): { code: string; field: string } | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const c = e as ConfigError;
    expect(c.badInput).toBe(true);
    return { code: c.code, field: c.field };
  }
};

describe('drivers.json validation', () => {
  it('accepts a full configuration and fills defaults', () => {
    const specs = validateConfig({
      drivers: [
        { id: 'living-room', kind: 'ds18b20', sensor: '28-0316a2795aff', pollIntervalMs: 60_000, calibration: { temperature: { offset: -0.3, scale: 1 } } },
        { id: 'air', kind: 'pms5003', path: '/dev/serial0' },
        { id: 'relay', kind: 'gpio-out', pin: 17, backend: 'sysfs', initial: 0 },
        { id: 'demo', kind: 'simulated', seed: 7, temperatureUnit: '°F' },
      ],
    });
    expect(specs.map((s) => [s.id, s.kind, s.pollIntervalMs])).toEqual([
      ['living-room', 'ds18b20', 60_000],
      ['air', 'pms5003', 30_000],
      ['relay', 'gpio-out', 30_000],
      ['demo', 'simulated', 30_000],
    ]);
  });

  it.each([
    [{ drivers: [{ id: 'a', kind: 'gpio-out', pin: 40 }] }, 'BAD_FIELD', 'drivers.json: drivers[0].pin'],
    [{ drivers: [{ id: 'a', kind: 'gpio-in' }] }, 'BAD_FIELD', 'drivers.json: drivers[0].pin'],
    [{ drivers: [{ id: 'a', kind: 'ds18b20', sensr: 'x' }] }, 'UNKNOWN_FIELD', 'drivers.json: drivers[0].sensr'],
    [{ drivers: [{ id: 'a', kind: 'bme680' }] }, 'UNKNOWN_KIND', 'drivers.json: drivers[0].kind'],
    [{ drivers: [{ id: 'A B', kind: 'cpu' }] }, 'BAD_FIELD', 'drivers.json: drivers[0].id'],
    [{ drivers: [{ id: 'a', kind: 'cpu' }, { id: 'a', kind: 'simulated' }] }, 'DUPLICATE_ID', 'drivers.json: drivers[1].id'],
    [{ drivers: [{ id: 'a', kind: 'pms5003' }] }, 'BAD_FIELD', 'drivers.json: drivers[0].path'],
    [{ drivers: [{ id: 'a', kind: 'cpu', calibration: { temprature: { offset: 1, scale: 1 } } }] }, 'UNKNOWN_FIELD', 'drivers.json: drivers[0].calibration.temprature'],
    [{ drivers: [{ id: 'a', kind: 'cpu', pollIntervalMs: 5 }] }, 'BAD_FIELD', 'drivers.json: drivers[0].pollIntervalMs'],
    [{ drivers: [{ id: 'a', kind: 'gpio-in', pin: 4, edge: 'up' }] }, 'BAD_FIELD', 'drivers.json: drivers[0].edge'],
    [{ sensors: [] }, 'BAD_FIELD', 'drivers.json'],
    [{ drivers: [{ id: 'a', kind: 'ds18b20', root: 'sys/bus/w1' }] }, 'BAD_FIELD', 'drivers.json: drivers[0].root'],
  ])('rejects %j with %s naming %s', (json, code, field) => {
    expect(fieldOf(() => validateConfig(json))).toEqual({ code, field });
  });

  it('reports bad JSON as BAD_JSON', () => {
    expect(fieldOf(() => parseConfigText('{"drivers": [', '/etc/ip2/drivers.json'))).toEqual({ code: 'BAD_JSON', field: '/etc/ip2/drivers.json' });
  });
});

describe('--driver flags', () => {
  it('maps ARG onto the kind main field, with an optional id', () => {
    expect(parseDriverFlag('ds18b20:/sys/bus/w1/devices')).toMatchObject({ id: 'ds18b20', kind: 'ds18b20', root: '/sys/bus/w1/devices' });
    expect(parseDriverFlag('sim=simulated:42')).toMatchObject({ id: 'sim', kind: 'simulated', seed: 42 });
    expect(parseDriverFlag('relay=gpio-out:17')).toMatchObject({ id: 'relay', kind: 'gpio-out', pin: 17 });
    expect(parseDriverFlag('bme=bme280-i2c:0x77')).toMatchObject({ address: 0x77 });
    expect(parseDriverFlag('cpu')).toMatchObject({ id: 'cpu', kind: 'cpu' });
    expect(fieldOf(() => parseDriverFlag('gpio-out:x'))?.code).toBe('BAD_FIELD');
    expect(fieldOf(() => parseDriverFlag('laser:1'))?.code).toBe('UNKNOWN_KIND');
    expect(fieldOf(() => parseDriverFlag(':::'))?.code).toBe('BAD_SPEC');
  });
});

describe('createDriver', () => {
  it('builds the simulated driver and applies calibration then °F', async () => {
    const clock = new ManualClock();
    const plain = await createDriver(parseDriverFlag('s=simulated:9'), { clock });
    const [spec] = validateConfig({ drivers: [{ id: 's', kind: 'simulated', seed: 9, temperatureUnit: '°F', calibration: { temperature: { offset: -1, scale: 2 } } }] });
    const tuned = await createDriver(spec!, { clock });
    const a = await plain.read();
    const b = await tuned.read();
    expect(b.unit).toBe('°F');
    expect(b.value).toBeCloseTo(celsiusToFahrenheit(a.value * 2 - 1), 2);
    expect((await tuned.read('humidity')).value).toBe((await plain.read('humidity')).value);
  });

  it('refuses kinds whose dependency was not given, with UNSUPPORTED', async () => {
    await expect(createDriver(parseDriverFlag('pms5003:/dev/null'), { clock: new ManualClock() })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(createDriver(parseDriverFlag('bme280-i2c:0x76'), { clock: new ManualClock() })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('celsiusToFahrenheit matches fixed points', () => {
    expect(celsiusToFahrenheit(0)).toBe(32);
    expect(celsiusToFahrenheit(100)).toBe(212);
    expect(celsiusToFahrenheit(-40)).toBe(-40);
  });
});
