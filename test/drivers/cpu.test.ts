import { afterEach, describe, expect, it } from 'vitest';
import { createCpuDriver, parseThrottled } from '../../drivers/cpu/index.ts';
import { HA_SENSOR_CLASSES } from '../../drivers/index.ts';
import { ManualClock } from './support/clock.ts';
import { makeTree, type Tree } from './support/tree.ts';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.cleanup();
  tree = undefined;
});

describe('CPU temperature', () => {
  it('picks the cpu-thermal zone by type', async () => {
    tree = await makeTree({
      'thermal_zone0/type': 'acpitz\n',
      'thermal_zone0/temp': '30000\n',
      'thermal_zone1/type': 'cpu-thermal\n',
      'thermal_zone1/temp': '48312\n',
    });
    const d = createCpuDriver({ id: 'cpu', root: tree.root, clock: new ManualClock() });
    expect(await d.read()).toMatchObject({ quantity: 'temperature', value: 48.312, unit: '°C', quality: 'good' });
  });

  it('decodes vcgencmd get_throttled bits', () => {
    expect(parseThrottled('throttled=0x50005')).toEqual({ now: 5, sinceBoot: 5, underVoltage: true, throttled: true });
    expect(parseThrottled('throttled=0x0')).toEqual({ now: 0, sinceBoot: 0, underVoltage: false, throttled: false });
    expect(() => parseThrottled('error=1')).toThrow(expect.objectContaining({ code: 'BAD_FRAME' }) as Error);
  });
});

describe('Home Assistant classes', () => {
  it('gives every quantity a component and its canonical unit', () => {
    expect(HA_SENSOR_CLASSES.temperature).toEqual({ component: 'sensor', device_class: 'temperature', unit: '°C', state_class: 'measurement', precision: 1 });
    expect(HA_SENSOR_CLASSES.co2.device_class).toBe('carbon_dioxide');
    expect(HA_SENSOR_CLASSES.pm25.unit).toBe('µg/m³');
    expect(HA_SENSOR_CLASSES.pressure.unit).toBe('hPa');
  });
});
