import { isDriverError } from '../errors.ts';
import type { Clock, Driver } from '../port.ts';
import type { ByteLink, LinkOpener } from '../serial/port.ts';
import { LinkSupervisor } from '../serial/supervisor.ts';
import { createStreamDriver } from '../stream.ts';
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
  /** Wait before reopening after a failed reopen (doubles); default 1 s. */
  readonly reopenBackoffMs?: number;
}

type CommonOptions = Omit<Pms5003Options, 'path' | 'open' | 'reopenBackoffMs'>;

/** The framer and stream driver; `feed` takes raw bytes from whatever link is current. */
function build(opts: CommonOptions, close: () => Promise<void>, onValid: () => void): { driver: Driver; feed: (c: Uint8Array) => void } {
  const framer = new PmsFramer();
  const stream = createStreamDriver({
    id: opts.id,
    kind: 'pms5003',
    quantities: ['pm25', 'pm1', 'pm10'],
    clock: opts.clock,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    timeoutMs: opts.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    close,
  });
  const feed = (chunk: Uint8Array): void => {
    for (const ev of framer.push(chunk)) {
      if (ev.type === 'checksum') stream.failed('CHECKSUM');
      if (ev.type !== 'frame') continue;
      try {
        checkPmRange(ev.frame);
        stream.measured({ pm1: ev.frame.pm1, pm25: ev.frame.pm25, pm10: ev.frame.pm10 });
        onValid();
      } catch (err) {
        stream.failed(isDriverError(err) ? err.code : 'BAD_FRAME');
      }
    }
  };
  return { driver: stream.driver, feed };
}

/**
 * A PMS5003/PMS7003 in active mode on a supervised UART: the sensor streams frames and we keep
 * the latest valid one. After `staleAfterMs` without a valid frame the port is closed and
 * reopened with backoff (LinkSupervisor). Active mode (manual Appendix II, `42 4D E1 00 01`) is
 * requested on every open, since a sensor left in passive mode would otherwise stay silent.
 */
export async function openPms5003(opts: Pms5003Options): Promise<Driver> {
  const supervisor = new LinkSupervisor({
    path: opts.path,
    link: { baudRate: BAUD_RATE },
    open: opts.open,
    clock: opts.clock,
    silenceMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    ...(opts.reopenBackoffMs === undefined ? {} : { backoffMs: opts.reopenBackoffMs }),
    onOpen: (l) => l.write(pmsCommand(CMD_MODE, 1)),
  });
  const { driver, feed } = build(opts, () => supervisor.close(), () => supervisor.alive());
  try {
    await supervisor.start(feed);
  } catch (err) {
    await driver.close();
    throw err;
  }
  return driver;
}

/** The driver over an already-open link (the in-memory fake in unit tests); no reopening. */
export async function attachPms5003(link: ByteLink, opts: CommonOptions): Promise<Driver> {
  const { driver, feed } = build(opts, () => link.close(), () => undefined);
  link.onData(feed);
  await link.write(pmsCommand(CMD_MODE, 1));
  return driver;
}
