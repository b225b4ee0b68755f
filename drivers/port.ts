import type { DriverErrorCode } from './errors.ts';
/**
 * The driver port: the contract every sensor and actuator adapter keeps (DESIGN.md §7).
 * Types only. Adapters live in sibling folders; `simulated/` is the honest in-memory one.
 *
 * What every driver guarantees:
 * - `read()` resolves one `Reading` of the driver's primary quantity (the first of `quantities`),
 *   or of the quantity asked for; `readAll()` resolves one reading per quantity from the same
 *   measurement. Values are in the canonical unit of their quantity (see `UNITS`), after the
 *   configured calibration.
 * - A reading is never stale while marked fresh. `quality` is `'good'` only when the value was
 *   measured within the driver's `staleAfterMs`; a driver that can only offer an older value
 *   returns it with `quality: 'stale'` and its original `at`, or rejects.
 * - `read()` settles within its timeout: it rejects with a `DriverError` whose `code` is
 *   `'TIMEOUT'` when the sensor gave nothing valid in time and no earlier value exists.
 * - Bytes that fail a checksum or CRC are counted in `health()` and never become readings.
 * - `health()` is synchronous and cheap: `ok` after a recent good measurement, `stale` when the
 *   last good one is older than `staleAfterMs` (or none yet), `failing` after
 *   `failingAfter` consecutive failed attempts.
 * - `close()` releases files, ports and child processes; it is idempotent. A read pending at
 *   close rejects with a `DriverError` whose `code` is `'CLOSED'`; later reads reject the same way.
 * - `write()` exists only on actuators; it resolves once the kernel (or tool) accepted the value.
 */

/** Physical quantities we read. Each maps to one Home Assistant device class (quantities.ts). */
export type Quantity =
  | 'temperature'
  | 'humidity'
  | 'pressure'
  | 'pm1'
  | 'pm25'
  | 'pm10'
  | 'co2'
  | 'state'
  | 'throttled';

/** Canonical units. Temperatures may be converted to °F by configuration. */
export type Unit = '°C' | '°F' | '%' | 'hPa' | 'µg/m³' | 'ppm' | '';

export type Quality = 'good' | 'stale';

export interface Reading {
  readonly quantity: Quantity;
  readonly unit: Unit;
  readonly value: number;
  /** When the value was measured, in ms since the epoch (from the injected clock). */
  readonly at: number;
  readonly quality: Quality;
}

export type HealthState = 'ok' | 'stale' | 'failing';

export interface Health {
  readonly state: HealthState;
  /** ms epoch of the last good measurement, or null if none yet. */
  readonly lastGoodAt: number | null;
  readonly reads: number;
  readonly checksumErrors: number;
  readonly timeouts: number;
  /** Other failed attempts: I/O errors, out-of-range values, CRC `NO`, power-on values. */
  readonly errors: number;
  /** The code of the most recent failure, if any. */
  readonly lastErrorCode: DriverErrorCode | null;
}

export type DriverKind =
  | 'simulated'
  | 'ds18b20'
  | 'bme280-iio'
  | 'bme280-i2c'
  | 'dht22'
  | 'pms5003'
  | 'mhz19b'
  | 'gpio-in'
  | 'gpio-out'
  | 'cpu';

export interface ReadOptions {
  /** Overrides the driver's default timeout for this call. */
  readonly timeoutMs?: number;
}

export interface Driver {
  readonly id: string;
  readonly kind: DriverKind;
  /** What `readAll()` returns, in order; the first is what `read()` returns. */
  readonly quantities: readonly Quantity[];
  read(quantity?: Quantity, options?: ReadOptions): Promise<Reading>;
  readAll(options?: ReadOptions): Promise<readonly Reading[]>;
  health(): Health;
  close(): Promise<void>;
  /** Actuators only (GPIO out): 0 or 1. */
  write?(value: number): Promise<void>;
}

/** Time source and timers; tests inject a manual clock (test/drivers/support/clock.ts). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
