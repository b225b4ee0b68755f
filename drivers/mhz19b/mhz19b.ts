// attachMhz19b is one factory of about 70 lines on purpose: the pending-reply slot, request
// queue and link are per-instance state shared by read and the calibration commands.
import { withTimeout } from '../clock.ts';
import { DriverError } from '../errors.ts';
import { createPolledDriver } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import type { ByteLink, LinkOpener } from '../serial/port.ts';
import { ABC_OFF, ABC_ON, BAUD_RATE, CMD_ABC, CMD_READ_CO2, CMD_SPAN_POINT, CMD_ZERO_POINT, DEFAULT_READ_TIMEOUT_MS, DEFAULT_STALE_AFTER_MS, MAX_PPM } from './constants.ts';
import { co2Ppm, mhzCommand, MhzFramer, type MhzFrame } from './framer.ts';

export interface Mhz19bOptions {
  readonly id: string;
  readonly path: string;
  readonly open: LinkOpener;
  readonly clock: Clock;
  readonly staleAfterMs?: number;
  readonly timeoutMs?: number;
  readonly retries?: number;
}

/** The MH-Z19B's extra commands. Zero calibration is dangerous in a closed room: ask the user. */
export interface Mhz19bDriver extends Driver {
  readonly kind: 'mhz19b';
  /** Manual 0x87: the current air is 400 ppm. Only outdoors or in a freshly aired room. */
  calibrateZero(): Promise<void>;
  /** Manual 0x88: the current air is `ppm`. */
  calibrateSpan(ppm: number): Promise<void>;
  /** Manual 0x79: automatic baseline correction. Turn it off where the air is never fresh. */
  setAutoBaseline(on: boolean): Promise<void>;
}

export async function openMhz19b(opts: Mhz19bOptions): Promise<Mhz19bDriver> {
  return attachMhz19b(await opts.open(opts.path, { baudRate: BAUD_RATE }), opts);
}

/**
 * Request/response: each read sends `FF 01 86 …` and waits for a valid 0x86 reply. A reply that
 * fails its check value fails the attempt with CHECKSUM (then retried with a new request).
 */
export function attachMhz19b(link: ByteLink, opts: Omit<Mhz19bOptions, 'path' | 'open'>): Mhz19bDriver {
  const framer = new MhzFramer();
  let pending: { resolve: (f: MhzFrame) => void; reject: (e: Error) => void } | null = null;
  link.onData((chunk) => {
    for (const ev of framer.push(chunk)) {
      const p = pending;
      if (p === null) continue; // unsolicited bytes between requests are ignored
      if (ev.type === 'checksum') p.reject(ev.error);
      else if (ev.type === 'frame' && ev.frame.command === CMD_READ_CO2) p.resolve(ev.frame);
      else continue;
      pending = null;
    }
  });
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const measure = (): Promise<{ co2: number }> =>
    serial(async () => {
      const reply = new Promise<MhzFrame>((resolve, reject) => {
        pending = { resolve, reject };
      });
      const mine = pending;
      // Settle this job on its own timer so a lost reply never blocks the next request.
      const timed = withTimeout(opts.clock, timeoutMs, reply, () => {
        if (pending === mine) pending = null;
        return new DriverError('TIMEOUT', `${opts.id}: no reply within ${timeoutMs} ms`);
      });
      timed.catch(() => undefined); // observed below; this only keeps a failed write from leaking it
      await link.write(mhzCommand(CMD_READ_CO2));
      const ppm = co2Ppm(await timed);
      if (ppm > MAX_PPM) throw new DriverError('OUT_OF_RANGE', `${opts.id}: ${ppm} ppm exceeds ${MAX_PPM}`);
      return { co2: ppm };
    });
  const base = createPolledDriver({
    id: opts.id,
    kind: 'mhz19b',
    quantities: ['co2'],
    clock: opts.clock,
    measure,
    timeoutMs: timeoutMs + 1,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    retries: opts.retries ?? 2,
    retryDelayMs: 0,
    close: async () => {
      pending?.reject(new DriverError('CLOSED', `${opts.id} was closed during a read`));
      pending = null;
      await link.close();
    },
  });
  const send = (bytes: Uint8Array): Promise<void> => serial(() => link.write(bytes));
  return {
    ...base,
    kind: 'mhz19b',
    calibrateZero: () => send(mhzCommand(CMD_ZERO_POINT)),
    calibrateSpan: (ppm: number) => {
      if (!Number.isInteger(ppm) || ppm < 400 || ppm > MAX_PPM) return Promise.reject(new RangeError(`span must be an integer within 400..${MAX_PPM} ppm`));
      return send(mhzCommand(CMD_SPAN_POINT, [ppm >> 8, ppm & 0xff]));
    },
    setAutoBaseline: (on: boolean) => send(mhzCommand(CMD_ABC, [on ? ABC_ON : ABC_OFF])),
  };
}
