import { createBme280IioDriver, openBme280I2c, type I2cBus } from '../bme280/index.ts';
import { createCpuDriver } from '../cpu/index.ts';
import { createDht22Driver } from '../dht22/index.ts';
import { createDs18b20Driver } from '../ds18b20/index.ts';
import { DriverError } from '../errors.ts';
import { chardevCliBackend, createGpioDriver, sysfsBackend, type SpawnFn } from '../gpio/index.ts';
import { openMhz19b } from '../mhz19b/index.ts';
import { openPms5003 } from '../pms5003/index.ts';
import type { Clock, Driver } from '../port.ts';
import type { LinkOpener } from '../serial/port.ts';
import { createSimulatedDriver } from '../simulated/index.ts';
import type { FileOps } from '../sysfs/files.ts';
import { withCalibration } from './calibrate.ts';
import type { DriverSpec } from './spec.ts';

/** What `createDriver` may touch; the composition root passes the real ones. */
export interface DriverDeps {
  readonly clock: Clock;
  /** Opens UARTs (serialPortOpener() in production). Needed for pms5003 and mhz19b. */
  readonly openLink?: LinkOpener;
  readonly files?: FileOps;
  readonly spawn?: SpawnFn;
  /** Opens an I²C bus by number. No adapter ships yet (i2c-bus is not a dependency). */
  readonly openI2c?: (bus: number) => Promise<I2cBus>;
}

const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [key]: v } as { [P in K]?: V }));

function needs<T>(v: T | undefined, spec: DriverSpec, what: string): T {
  if (v === undefined) throw new DriverError('UNSUPPORTED', `${spec.id}: ${spec.kind} needs ${what}, which this agent was not given`);
  return v;
}

/** Builds a driver from a validated spec (spec.ts), then applies its calibration. */
export async function createDriver(spec: DriverSpec, deps: DriverDeps): Promise<Driver> {
  return withCalibration(await build(spec, deps), spec);
}

async function build(spec: DriverSpec, deps: DriverDeps): Promise<Driver> {
  const id = spec.id;
  const clock = deps.clock;
  const common = { id, clock, ...opt('staleAfterMs', spec.staleAfterMs), ...opt('files', deps.files) };
  switch (spec.kind) {
    case 'simulated':
      return createSimulatedDriver({ id, clock, seed: spec.seed ?? 1, ...opt('staleAfterMs', spec.staleAfterMs) });
    case 'ds18b20':
      return createDs18b20Driver({ ...common, ...opt('root', spec.root), ...opt('sensor', spec.sensor) });
    case 'dht22':
      return createDht22Driver({ ...common, ...opt('root', spec.root), ...opt('device', spec.device) });
    case 'bme280-iio':
      return createBme280IioDriver({ ...common, ...opt('root', spec.root), ...opt('device', spec.device) });
    case 'bme280-i2c': {
      const bus = await needs(deps.openI2c, spec, 'an I²C adapter')(spec.bus ?? 1);
      return openBme280I2c({ id, clock, bus, address: spec.address ?? 0x76, ...opt('staleAfterMs', spec.staleAfterMs) });
    }
    case 'pms5003':
      return openPms5003({ id, clock, path: needs(spec.path, spec, 'a path'), open: needs(deps.openLink, spec, 'a serial opener'), ...opt('staleAfterMs', spec.staleAfterMs) });
    case 'mhz19b':
      return openMhz19b({ id, clock, path: needs(spec.path, spec, 'a path'), open: needs(deps.openLink, spec, 'a serial opener'), ...opt('staleAfterMs', spec.staleAfterMs) });
    case 'gpio-in':
    case 'gpio-out': {
      const backend =
        spec.backend === 'sysfs'
          ? sysfsBackend({ clock, ...opt('root', spec.root), ...opt('files', deps.files) })
          : chardevCliBackend({ clock, ...opt('spawn', deps.spawn) });
      const request = {
        bcm: needs(spec.pin, spec, 'a pin'),
        direction: spec.kind === 'gpio-out' ? ('out' as const) : ('in' as const),
        ...opt('edge', spec.edge), ...opt('activeLow', spec.activeLow), ...opt('debounceMs', spec.debounceMs), ...opt('initial', spec.initial),
      };
      return createGpioDriver({ id, clock, backend, request });
    }
    case 'cpu':
      return createCpuDriver({ ...common, ...opt('root', spec.root) });
  }
}
