import { IIO_DEVICES_ROOT, TO_CELSIUS, TO_PERCENT } from '../iio/constants.ts';
import { createIioDriver } from '../iio/iio.ts';
import type { Clock, Driver } from '../port.ts';
import type { FileOps } from '../sysfs/files.ts';
import { IIO_NAME, MAX_C, MIN_C, RETRIES, RETRY_DELAY_MS } from './constants.ts';

export interface Dht22Options {
  readonly id: string;
  readonly root?: string;
  /** `iio:deviceN` when several DHT sensors are wired; otherwise the first named dht11. */
  readonly device?: string;
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly staleAfterMs?: number;
  readonly retryDelayMs?: number;
}

/** A DHT22 read through the kernel IIO driver; the bit-banging stays in the kernel. */
export function createDht22Driver(opts: Dht22Options): Promise<Driver> {
  return createIioDriver({
    id: opts.id,
    kind: 'dht22',
    root: opts.root ?? IIO_DEVICES_ROOT,
    names: [IIO_NAME],
    ...(opts.device === undefined ? {} : { device: opts.device }),
    clock: opts.clock,
    ...(opts.files === undefined ? {} : { files: opts.files }),
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
    retries: RETRIES,
    retryDelayMs: opts.retryDelayMs ?? RETRY_DELAY_MS,
    channels: [
      { quantity: 'temperature', file: 'in_temp_input', scale: TO_CELSIUS, min: MIN_C, max: MAX_C },
      { quantity: 'humidity', file: 'in_humidityrelative_input', scale: TO_PERCENT, min: 0, max: 100 },
    ],
  });
}
