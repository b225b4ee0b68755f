// createPolledDriver is one factory of about 80 lines on purpose: its closures share private
// per-instance state (last measurement, closed flag) that a class would expose to subclasses.
import { sleep, withTimeout } from './clock.ts';
import { DriverError, isDriverError } from './errors.ts';
import { DEFAULT_STALE_AFTER_MS, HealthTracker } from './health.ts';
import { canonicalUnit } from './quantities.ts';
import type { Clock, Driver, DriverKind, Health, Quantity, ReadOptions, Reading } from './port.ts';

/** One measurement: a value per quantity the driver offers. */
export type Measurement = Partial<Record<Quantity, number>>;

export interface PolledOptions {
  readonly id: string;
  readonly kind: DriverKind;
  readonly quantities: readonly Quantity[];
  /** Takes one measurement; throws DriverError on failure. */
  readonly measure: () => Promise<Measurement>;
  readonly clock: Clock;
  readonly staleAfterMs?: number;
  readonly timeoutMs?: number;
  /** Extra attempts after a retryable failure (CHECKSUM, IO, POWER_ON_VALUE, TIMEOUT). */
  readonly retries?: number;
  /** Wait between attempts, doubled each time. */
  readonly retryDelayMs?: number;
  readonly close?: () => Promise<void>;
  readonly write?: (value: number) => Promise<void>;
}

const RETRYABLE = new Set(['CHECKSUM', 'IO', 'POWER_ON_VALUE', 'TIMEOUT']);

/**
 * A driver for sensors read on demand (sysfs and IIO files, the simulator): each read takes a
 * fresh measurement, retrying retryable failures with backoff. When every attempt fails, it
 * falls back to the last good measurement, marked `stale` once older than `staleAfterMs`
 * (its `at` is kept), or rejects with the last error when there is none.
 */
export function createPolledDriver(opts: PolledOptions): Driver {
  const clock = opts.clock;
  const tracker = new HealthTracker(clock, opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const retries = opts.retries ?? 2;
  const retryDelayMs = opts.retryDelayMs ?? 100;
  let last: { m: Measurement; at: number } | null = null;
  let closed = false;

  const attempt = async (ms: number): Promise<Measurement> => {
    const m = await withTimeout(clock, ms, opts.measure(), () => new DriverError('TIMEOUT', `${opts.id}: no measurement within ${ms} ms`));
    for (const q of opts.quantities) {
      const v = m[q];
      if (v === undefined || !Number.isFinite(v)) throw new DriverError('BAD_FRAME', `${opts.id}: measurement lacks ${q}`);
    }
    return m;
  };

  const measureWithRetries = async (ms: number): Promise<{ m: Measurement; at: number; quality: Reading['quality'] }> => {
    let lastErr: unknown;
    for (let i = 0; i <= retries; i += 1) {
      if (closed) throw new DriverError('CLOSED', `${opts.id} is closed`);
      try {
        const m = await attempt(ms);
        const at = clock.now();
        tracker.good(at);
        last = { m, at };
        return { m, at, quality: 'good' };
      } catch (err) {
        lastErr = err;
        const code = isDriverError(err) ? err.code : 'IO';
        tracker.failure(code);
        if (!RETRYABLE.has(code) || i === retries) break;
        await sleep(clock, retryDelayMs * 2 ** i);
      }
    }
    if (closed) throw new DriverError('CLOSED', `${opts.id} is closed`);
    if (last !== null) return { ...last, quality: tracker.isFresh(last.at) ? 'good' : 'stale' };
    throw isDriverError(lastErr) ? lastErr : new DriverError('IO', `${opts.id}: read failed`, { cause: lastErr });
  };

  const toReadings = (r: { m: Measurement; at: number; quality: Reading['quality'] }): Reading[] =>
    opts.quantities.map((q) => ({ quantity: q, unit: canonicalUnit(q), value: r.m[q] ?? Number.NaN, at: r.at, quality: r.quality }));

  const readAll = async (o?: ReadOptions): Promise<readonly Reading[]> => toReadings(await measureWithRetries(o?.timeoutMs ?? timeoutMs));

  const driver: Driver = {
    id: opts.id,
    kind: opts.kind,
    quantities: opts.quantities,
    async read(quantity?: Quantity, o?: ReadOptions): Promise<Reading> {
      const q = quantity ?? opts.quantities[0];
      if (q === undefined || !opts.quantities.includes(q)) throw new DriverError('UNSUPPORTED', `${opts.id} does not measure ${String(quantity)}`);
      const all = await readAll(o);
      const found = all.find((r) => r.quantity === q);
      if (found === undefined) throw new DriverError('UNSUPPORTED', `${opts.id} does not measure ${q}`);
      return found;
    },
    readAll,
    health: (): Health => tracker.snapshot(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await opts.close?.();
    },
  };
  if (opts.write !== undefined) {
    const write = opts.write;
    driver.write = async (value: number): Promise<void> => {
      if (closed) throw new DriverError('CLOSED', `${opts.id} is closed`);
      await write(value);
    };
  }
  return driver;
}
