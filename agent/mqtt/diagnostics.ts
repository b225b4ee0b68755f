/**
 * Diagnostics for the HA device page: CPU temperature, throttling, uptime, version, assurance.
 * Reads the kernel's files through an injected `readFile`, so tests run on fixture trees.
 * Paths: thermal_zone0 is the SoC sensor on Raspberry Pi OS; `get_throttled` is exposed by the
 * raspberrypi firmware driver [UNVERIFIED on every kernel: missing means `null`, never an error].
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import type { Clock } from '../../drivers/port.ts';
import type { DiagnosticsPayload } from './topics.ts';

export type DiagnosticsSource = () => Promise<Omit<DiagnosticsPayload, 'outbox_dropped'>>;

export interface SystemDiagnosticsOptions {
  readonly version: string;
  readonly assurance: string;
  readonly clock: Clock;
  readonly startedAt: number;
  readonly root?: string;
  readonly readFile?: (path: string) => Promise<string>;
}

export const THERMAL_ZONE = '/sys/class/thermal/thermal_zone0/temp';
export const GET_THROTTLED = '/sys/devices/platform/soc/soc:firmware/get_throttled';

async function readOrNull(read: (p: string) => Promise<string>, path: string): Promise<string | null> {
  try {
    return (await read(path)).trim();
  } catch {
    return null;
  }
}

export function systemDiagnostics(o: SystemDiagnosticsOptions): DiagnosticsSource {
  const read = o.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const root = o.root ?? '';
  return async () => {
    const milli = await readOrNull(read, root + THERMAL_ZONE);
    const thr = await readOrNull(read, root + GET_THROTTLED);
    const t = milli === null || !/^-?\d{1,7}$/.test(milli) ? null : Number(milli) / 1000;
    const throttled = thr === null || !/^(0x)?[0-9a-fA-F]{1,8}$/.test(thr) ? null : Number.parseInt(thr.replace(/^0x/, ''), 16) !== 0;
    return {
      cpu_temperature: t,
      throttled,
      uptime: Math.max(0, Math.floor((o.clock.now() - o.startedAt) / 1000)),
      version: o.version,
      assurance: o.assurance,
    };
  };
}
