import { IIO_DEVICES_ROOT, KPA_TO_HPA, TO_CELSIUS, TO_PERCENT } from '../iio/constants.ts';
import { createIioDriver } from '../iio/iio.ts';
import type { Clock, Driver } from '../port.ts';
import type { FileOps } from '../sysfs/files.ts';
import { MAX_C, MAX_HPA, MIN_C, MIN_HPA } from './constants.ts';

export interface Bme280IioOptions {
  readonly id: string;
  readonly root?: string;
  readonly device?: string;
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly staleAfterMs?: number;
}

/**
 * A BME280/BMP280 bound to the kernel's bmp280 IIO driver (`dtoverlay=i2c-sensor,bme280`):
 * the kernel does the compensation; we read processed channels. A BMP280 has no humidity file.
 */
export function createBme280IioDriver(opts: Bme280IioOptions): Promise<Driver> {
  return createIioDriver({
    id: opts.id,
    kind: 'bme280-iio',
    root: opts.root ?? IIO_DEVICES_ROOT,
    names: ['bme280', 'bmp280'],
    ...(opts.device === undefined ? {} : { device: opts.device }),
    clock: opts.clock,
    ...(opts.files === undefined ? {} : { files: opts.files }),
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
    channels: [
      { quantity: 'temperature', file: 'in_temp_input', scale: TO_CELSIUS, min: MIN_C, max: MAX_C },
      { quantity: 'humidity', file: 'in_humidityrelative_input', scale: TO_PERCENT, min: 0, max: 100 },
      { quantity: 'pressure', file: 'in_pressure_input', scale: KPA_TO_HPA, min: MIN_HPA, max: MAX_HPA },
    ],
    optionalChannels: ['humidity'],
  });
}
