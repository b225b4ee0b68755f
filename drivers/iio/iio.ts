import { join } from 'node:path';
import { DriverError } from '../errors.ts';
import { createPolledDriver, type Measurement } from '../polled.ts';
import type { Clock, Driver, DriverKind, Quantity } from '../port.ts';
import { fsError, nodeFileOps, parseDecimalAttribute, readAttribute, type FileOps } from '../sysfs/files.ts';

/** One processed channel: the file under the device directory and its scale to our unit. */
export interface IioChannel {
  readonly quantity: Quantity;
  readonly file: string;
  readonly scale: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Finds `iio:deviceN` whose `name` attribute is one of `names` (never by index: numbering
 * follows probe order). With `device` given, checks that device's name instead.
 */
export async function findIioDevice(root: string, names: readonly string[], files: FileOps, device?: string): Promise<string> {
  const candidates = device === undefined ? await listDevices(root, files) : [device];
  for (const dev of candidates) {
    const name = await readAttribute(files, join(root, dev, 'name')).catch(() => null);
    if (name !== null && names.includes(name.trim())) return join(root, dev);
  }
  throw new DriverError('NOT_FOUND', `no IIO device named ${names.join(' or ')} under ${root}${device === undefined ? '' : `/${device}`}`);
}

async function listDevices(root: string, files: FileOps): Promise<string[]> {
  try {
    return (await files.list(root)).filter((n) => /^iio:device\d+$/.test(n)).sort();
  } catch (err) {
    throw fsError(root, err);
  }
}

export interface IioDriverOptions {
  readonly id: string;
  readonly kind: DriverKind;
  readonly root: string;
  readonly names: readonly string[];
  readonly device?: string;
  readonly channels: readonly IioChannel[];
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly staleAfterMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  /** Channels whose file is missing are dropped (a BMP280 has no humidity). */
  readonly optionalChannels?: readonly Quantity[];
}

/** A polled driver over processed IIO channels; kernel EIO/ETIMEDOUT/EAGAIN are retried. */
export async function createIioDriver(opts: IioDriverOptions): Promise<Driver> {
  const files = opts.files ?? nodeFileOps;
  const dir = await findIioDevice(opts.root, opts.names, files, opts.device);
  const present: IioChannel[] = [];
  for (const ch of opts.channels) {
    if (opts.optionalChannels?.includes(ch.quantity)) {
      const exists = await files.readText(join(dir, ch.file)).then(() => true, (e: unknown) => fsError(ch.file, e).code !== 'NOT_FOUND');
      if (!exists) continue;
    }
    present.push(ch);
  }
  const measure = async (): Promise<Measurement> => {
    const m: Measurement = {};
    for (const ch of present) {
      const path = join(dir, ch.file);
      const v = parseDecimalAttribute(path, await readAttribute(files, path)) * ch.scale;
      if (v < ch.min || v > ch.max) throw new DriverError('OUT_OF_RANGE', `${path}: ${v} is outside ${ch.min}..${ch.max}`);
      m[ch.quantity] = Math.round(v * 1000) / 1000;
    }
    return m;
  };
  return createPolledDriver({
    id: opts.id,
    kind: opts.kind,
    quantities: present.map((c) => c.quantity),
    clock: opts.clock,
    measure,
    retries: opts.retries ?? 3,
    retryDelayMs: opts.retryDelayMs ?? 500,
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
  });
}
