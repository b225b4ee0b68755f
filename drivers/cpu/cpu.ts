import { join } from 'node:path';
import { DriverError } from '../errors.ts';
import { createPolledDriver } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import { fsError, nodeFileOps, parseIntegerAttribute, readAttribute, type FileOps } from '../sysfs/files.ts';
import { CPU_ZONE_TYPES, MAX_C, MIN_C, THERMAL_ROOT } from './constants.ts';

export interface CpuOptions {
  readonly id: string;
  readonly root?: string;
  readonly clock: Clock;
  readonly files?: FileOps;
  readonly staleAfterMs?: number;
}

/** Finds the CPU thermal zone by its `type`, falling back to thermal_zone0. */
async function findZone(root: string, files: FileOps): Promise<string> {
  let zones: string[];
  try {
    zones = (await files.list(root)).filter((z) => /^thermal_zone\d+$/.test(z)).sort();
  } catch (err) {
    throw fsError(root, err);
  }
  for (const z of zones) {
    const type = await readAttribute(files, join(root, z, 'type')).catch(() => '');
    if (CPU_ZONE_TYPES.includes(type.trim())) return join(root, z);
  }
  if (zones[0] === undefined) throw new DriverError('NOT_FOUND', `no thermal zone under ${root}`);
  return join(root, zones[0]);
}

/** The board's own SoC temperature. */
export function createCpuDriver(opts: CpuOptions): Driver {
  const root = opts.root ?? THERMAL_ROOT;
  const files = opts.files ?? nodeFileOps;
  let zone: string | undefined;
  return createPolledDriver({
    id: opts.id,
    kind: 'cpu',
    quantities: ['temperature'],
    clock: opts.clock,
    retries: 1,
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
    measure: async () => {
      zone ??= await findZone(root, files);
      const path = join(zone, 'temp');
      const c = parseIntegerAttribute(path, await readAttribute(files, path)) / 1000;
      if (c < MIN_C || c > MAX_C) throw new DriverError('OUT_OF_RANGE', `${path}: ${c} °C`);
      return { temperature: c };
    },
  });
}

/**
 * Decodes `vcgencmd get_throttled` output (`throttled=0x50005`). Bits per the Raspberry Pi
 * documentation ("vcgencmd get_throttled"): 0 under-voltage now, 1 frequency capped now,
 * 2 throttled now, 3 soft temperature limit now; 16–19 the same "has occurred since boot".
 */
export function parseThrottled(text: string): { now: number; sinceBoot: number; underVoltage: boolean; throttled: boolean } {
  const m = /^throttled=0x([0-9a-fA-F]{1,8})\s*$/.exec(text.trim());
  if (m?.[1] === undefined) throw new DriverError('BAD_FRAME', `not vcgencmd get_throttled output: ${JSON.stringify(text.slice(0, 40))}`);
  const v = Number.parseInt(m[1], 16);
  return { now: v & 0xf, sinceBoot: (v >>> 16) & 0xf, underVoltage: (v & 1) !== 0, throttled: (v & 0b1110) !== 0 };
}
