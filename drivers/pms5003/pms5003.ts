import type { Clock, Driver } from '../port.ts';
import type { ByteLink, LinkOpener } from '../serial/port.ts';
import { createStreamDriver } from '../stream.ts';
import { isDriverError } from '../errors.ts';
import { BAUD_RATE, CMD_MODE, DEFAULT_READ_TIMEOUT_MS, DEFAULT_STALE_AFTER_MS } from './constants.ts';
import { checkPmRange, pmsCommand, PmsFramer } from './framer.ts';

export interface Pms5003Options {
  readonly id: string;
  /** e.g. /dev/serial0, or a socat pty in tests. */
  readonly path: string;
  readonly open: LinkOpener;
  readonly clock: Clock;
  readonly staleAfterMs?: number;
  readonly timeoutMs?: number;
}

/**
 * A PMS5003/PMS7003 in active mode: the sensor streams frames; we keep the latest valid one.
 * Puts the sensor in active mode at start (manual Appendix II, `42 4D E1 00 01`), since a
 * sensor left in passive mode by another program would otherwise stay silent.
 */
export async function openPms5003(opts: Pms5003Options): Promise<Driver> {
  const link: ByteLink = await opts.open(opts.path, { baudRate: BAUD_RATE });
  return attachPms5003(link, opts);
}

/** Builds the driver over an already-open link (the in-memory fake in unit tests). */
export async function attachPms5003(link: ByteLink, opts: Omit<Pms5003Options, 'path' | 'open'>): Promise<Driver> {
  const framer = new PmsFramer();
  const stream = createStreamDriver({
    id: opts.id,
    kind: 'pms5003',
    quantities: ['pm25', 'pm1', 'pm10'],
    clock: opts.clock,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    timeoutMs: opts.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    close: () => link.close(),
  });
  link.onData((chunk) => {
    for (const ev of framer.push(chunk)) {
      if (ev.type === 'checksum') stream.failed('CHECKSUM');
      if (ev.type !== 'frame') continue;
      try {
        checkPmRange(ev.frame);
        stream.measured({ pm1: ev.frame.pm1, pm25: ev.frame.pm25, pm10: ev.frame.pm10 });
      } catch (err) {
        stream.failed(isDriverError(err) ? err.code : 'BAD_FRAME');
      }
    }
  });
  await link.write(pmsCommand(CMD_MODE, 1));
  return stream.driver;
}
