import { DriverError } from '../errors.ts';
import { createPolledDriver, type Measurement } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import {
  DAILY_SWING_C,
  DAILY_SWING_HUMIDITY_PCT,
  DAY_MS,
  MEAN_HUMIDITY_PCT,
  MEAN_TEMPERATURE_C,
  NOISE_C,
  NOISE_HUMIDITY_PCT,
  SEED_MIX,
} from './constants.ts';

/**
 * Faults a test or demo can switch on:
 * - `stuck`: the sensor stops answering; reads time out and the last value turns `stale`.
 * - `checksumErrorRate`: the fraction (0..1) of simulated frames that fail their checksum.
 */
export interface SimulatedFaults {
  readonly stuck?: boolean;
  readonly checksumErrorRate?: number;
}

export interface SimulatedOptions {
  readonly id: string;
  readonly seed: number;
  readonly clock: Clock;
  readonly staleAfterMs?: number;
  readonly retries?: number;
  readonly faults?: SimulatedFaults;
}

export interface SimulatedDriver extends Driver {
  readonly kind: 'simulated';
  setFaults(faults: SimulatedFaults): void;
}

/** A seeded xorshift32 stream (Marsaglia, "Xorshift RNGs", 2003) giving floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let x = (Math.trunc(seed) ^ SEED_MIX) >>> 0 || SEED_MIX;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

function checkRate(rate: number | undefined): void {
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError('checksumErrorRate must be within 0..1');
}

/**
 * A deterministic temperature/humidity source: the same seed and the same clock readings give
 * the same values. A daily sine (coolest at 04:00 UTC) plus seeded noise; humidity moves against
 * temperature, clamped to 0..100 %.
 */
export function createSimulatedDriver(opts: SimulatedOptions): SimulatedDriver {
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  checkRate(opts.faults?.checksumErrorRate);
  const random = seededRandom(opts.seed);
  let faults: SimulatedFaults = { ...opts.faults };

  const measure = (): Promise<Measurement> => {
    if (faults.stuck === true) return Promise.reject(new DriverError('TIMEOUT', `${opts.id}: simulated sensor is stuck`));
    const corrupt = random() < (faults.checksumErrorRate ?? 0);
    const n1 = random() * 2 - 1;
    const n2 = random() * 2 - 1;
    if (corrupt) return Promise.reject(new DriverError('CHECKSUM', `${opts.id}: simulated checksum mismatch`));
    const phase = (2 * Math.PI * (opts.clock.now() - DAY_MS / 6 - DAY_MS / 4)) / DAY_MS;
    const wave = Math.sin(phase);
    const temperature = MEAN_TEMPERATURE_C + DAILY_SWING_C * wave + NOISE_C * n1;
    const humidity = Math.min(100, Math.max(0, MEAN_HUMIDITY_PCT - DAILY_SWING_HUMIDITY_PCT * wave + NOISE_HUMIDITY_PCT * n2));
    return Promise.resolve({ temperature: round(temperature, 2), humidity: round(humidity, 1) });
  };

  const base = createPolledDriver({
    id: opts.id,
    kind: 'simulated',
    quantities: ['temperature', 'humidity'],
    measure,
    clock: opts.clock,
    retries: opts.retries ?? 2,
    retryDelayMs: 0,
    ...(opts.staleAfterMs === undefined ? {} : { staleAfterMs: opts.staleAfterMs }),
  });
  return {
    ...base,
    kind: 'simulated',
    setFaults(next: SimulatedFaults): void {
      checkRate(next.checksumErrorRate);
      faults = { ...next };
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
