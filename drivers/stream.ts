// createStreamDriver is one factory of about 75 lines on purpose: its closures share the
// per-instance latest value and waiter set, which must not leak outside the driver.
import { DriverError } from './errors.ts';
import { HealthTracker } from './health.ts';
import type { Measurement } from './polled.ts';
import { canonicalUnit } from './quantities.ts';
import type { Clock, Driver, DriverKind, Health, Quantity, ReadOptions, Reading } from './port.ts';

export interface StreamOptions {
  readonly id: string;
  readonly kind: DriverKind;
  readonly quantities: readonly Quantity[];
  readonly clock: Clock;
  readonly staleAfterMs: number;
  readonly timeoutMs: number;
  readonly close: () => Promise<void>;
}

/** The driver side of a sensor that pushes measurements; the adapter feeds it. */
export interface StreamDriver {
  readonly driver: Driver;
  /** A valid measurement arrived now. */
  measured(m: Measurement): void;
  /** A frame failed (CHECKSUM, OUT_OF_RANGE, ...): counted, never a reading. */
  failed(code: DriverError['code']): void;
}

/**
 * A driver over a push source (PMS5003 active mode): `read()` answers from the latest valid
 * measurement while it is fresh; otherwise it waits up to the timeout for the next one, then
 * falls back to the last value marked `stale` (original `at`), or rejects with TIMEOUT.
 * Health turns `stale` on its own when nothing valid arrives for `staleAfterMs`.
 */
export function createStreamDriver(opts: StreamOptions): StreamDriver {
  const tracker = new HealthTracker(opts.clock, opts.staleAfterMs);
  let latest: { m: Measurement; at: number } | null = null;
  let closed = false;
  const waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();

  const toReadings = (l: { m: Measurement; at: number }, quality: Reading['quality']): Reading[] =>
    opts.quantities.map((q) => ({ quantity: q, unit: canonicalUnit(q), value: l.m[q] ?? Number.NaN, at: l.at, quality }));

  const nextMeasurement = (ms: number): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      const w = {
        resolve: () => {
          opts.clock.clearTimeout(handle);
          waiters.delete(w);
          resolve(true);
        },
        reject: (e: Error) => {
          opts.clock.clearTimeout(handle);
          waiters.delete(w);
          reject(e);
        },
      };
      const handle = opts.clock.setTimeout(() => {
        waiters.delete(w);
        resolve(false);
      }, ms);
      waiters.add(w);
    });

  const readAll = async (o?: ReadOptions): Promise<readonly Reading[]> => {
    if (closed) throw new DriverError('CLOSED', `${opts.id} is closed`);
    if (latest !== null && tracker.isFresh(latest.at)) return toReadings(latest, 'good');
    const arrived = await nextMeasurement(o?.timeoutMs ?? opts.timeoutMs);
    if (arrived && latest !== null) return toReadings(latest, 'good');
    tracker.failure('TIMEOUT');
    if (latest !== null) return toReadings(latest, 'stale');
    throw new DriverError('TIMEOUT', `${opts.id}: no valid frame within ${o?.timeoutMs ?? opts.timeoutMs} ms`);
  };

  const driver: Driver = {
    id: opts.id,
    kind: opts.kind,
    quantities: opts.quantities,
    async read(quantity?: Quantity, o?: ReadOptions): Promise<Reading> {
      const q = quantity ?? opts.quantities[0];
      if (q === undefined || !opts.quantities.includes(q)) throw new DriverError('UNSUPPORTED', `${opts.id} does not measure ${String(quantity)}`);
      const found = (await readAll(o)).find((r) => r.quantity === q);
      if (found === undefined) throw new DriverError('UNSUPPORTED', `${opts.id} does not measure ${String(quantity)}`);
      return found;
    },
    readAll,
    health: (): Health => tracker.snapshot(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const w of [...waiters]) w.reject(new DriverError('CLOSED', `${opts.id} was closed during a read`));
      await opts.close();
    },
  };
  return {
    driver,
    measured(m) {
      if (closed) return;
      const at = opts.clock.now();
      latest = { m, at };
      tracker.good(at);
      for (const w of [...waiters]) w.resolve();
    },
    failed(code) {
      if (!closed) tracker.failure(code);
    },
  };
}
