import type { DriverErrorCode } from './errors.ts';
import type { Clock, Health } from './port.ts';

/** Defaults shared by adapters; each may be overridden per driver in drivers.json. */
export const DEFAULT_STALE_AFTER_MS = 60_000;
export const DEFAULT_FAILING_AFTER = 3;

/**
 * Counts outcomes for `Driver.health()` and decides freshness against an injected clock.
 * One per driver instance; never shared.
 */
export class HealthTracker {
  #lastGoodAt: number | null = null;
  #reads = 0;
  #checksumErrors = 0;
  #timeouts = 0;
  #errors = 0;
  #consecutiveFailures = 0;
  #lastErrorCode: DriverErrorCode | null = null;

  constructor(
    private readonly clock: Clock,
    readonly staleAfterMs: number = DEFAULT_STALE_AFTER_MS,
    private readonly failingAfter: number = DEFAULT_FAILING_AFTER,
  ) {
    if (!(staleAfterMs > 0)) throw new RangeError('staleAfterMs must be > 0');
  }

  good(at: number = this.clock.now()): void {
    this.#reads += 1;
    this.#consecutiveFailures = 0;
    if (this.#lastGoodAt === null || at > this.#lastGoodAt) this.#lastGoodAt = at;
  }

  failure(code: DriverErrorCode): void {
    if (code === 'CHECKSUM') this.#checksumErrors += 1;
    else if (code === 'TIMEOUT') this.#timeouts += 1;
    else this.#errors += 1;
    this.#consecutiveFailures += 1;
    this.#lastErrorCode = code;
  }

  /** True when a value measured at `at` may still be called fresh. */
  isFresh(at: number): boolean {
    return this.clock.now() - at <= this.staleAfterMs;
  }

  snapshot(): Health {
    const last = this.#lastGoodAt;
    let state: Health['state'];
    if (this.#consecutiveFailures >= this.failingAfter) state = 'failing';
    else if (last === null || !this.isFresh(last)) state = 'stale';
    else state = 'ok';
    return {
      state,
      lastGoodAt: last,
      reads: this.#reads,
      checksumErrors: this.#checksumErrors,
      timeouts: this.#timeouts,
      errors: this.#errors,
      lastErrorCode: this.#lastErrorCode,
    };
  }
}
