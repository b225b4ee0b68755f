import { join } from 'node:path';
import { DriverError } from '../errors.ts';
import { createPolledDriver } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import { fsError, nodeFileOps, readAttribute, type FileOps } from '../sysfs/files.ts';
import { READ_TIMEOUT_MS, THERM_FAMILIES, W1_DEVICES_ROOT } from './constants.ts';
import { parseW1Slave } from './parse.ts';

export interface Ds18b20Options {
  readonly id: string;
  /** The w1 devices directory; default /sys/bus/w1/devices. */
  readonly root?: string;
  /** The slave directory name, e.g. `28-0316a2795aff`. Optional when exactly one is present. */
  readonly sensor?: string;
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly staleAfterMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

const SLAVE_NAME = /^([0-9a-f]{2})-[0-9a-f]{12}$/;

/** Lists the thermometers on every bus under `root` (slave directories of w1_therm families). */
export async function listThermometers(root: string = W1_DEVICES_ROOT, files: FileOps = nodeFileOps): Promise<string[]> {
  let names: string[];
  try {
    names = await files.list(root);
  } catch (err) {
    throw fsError(root, err);
  }
  return names
    .filter((n) => {
      const family = SLAVE_NAME.exec(n)?.[1];
      return family !== undefined && (THERM_FAMILIES as readonly string[]).includes(family);
    })
    .sort();
}

async function resolveSensor(root: string, sensor: string | undefined, files: FileOps): Promise<string> {
  if (sensor !== undefined) {
    if (!SLAVE_NAME.test(sensor)) throw new RangeError(`sensor must look like 28-0316a2795aff, got ${JSON.stringify(sensor)}`);
    return sensor;
  }
  const found = await listThermometers(root, files);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length === 0) throw new DriverError('NOT_FOUND', `no 1-Wire thermometer under ${root}`);
  throw new DriverError('NOT_FOUND', `several thermometers under ${root} (${found.join(', ')}); name one as "sensor"`);
}

/**
 * A DS18B20 (or another w1_therm device) read through the kernel: each read of `w1_slave`
 * triggers a conversion. CRC `NO` and the 85 °C power-on value are retried, then reported.
 */
export function createDs18b20Driver(opts: Ds18b20Options): Driver {
  const root = opts.root ?? W1_DEVICES_ROOT;
  const files = opts.files ?? nodeFileOps;
  let sensor: string | undefined = opts.sensor;
  if (sensor !== undefined && !SLAVE_NAME.test(sensor)) throw new RangeError(`sensor must look like 28-0316a2795aff, got ${JSON.stringify(sensor)}`);
  return createPolledDriver({
    id: opts.id,
    kind: 'ds18b20',
    quantities: ['temperature'],
    clock: opts.clock,
    timeoutMs: READ_TIMEOUT_MS,
    retries: opts.retries ?? 2,
    retryDelayMs: opts.retryDelayMs ?? 200,
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
    measure: async () => {
      sensor ??= await resolveSensor(root, undefined, files);
      const text = await readAttribute(files, join(root, sensor, 'w1_slave'));
      return { temperature: parseW1Slave(text) / 1000 };
    },
  });
}
