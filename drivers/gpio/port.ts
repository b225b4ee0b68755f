/**
 * The GPIO port: lines named by BCM number on the board's header chip. Types only.
 *
 * Contract, kept by `sysfs.ts` (kernel sysfs, base offset resolved by chip label) and
 * `chardev-cli.ts` (libgpiod command-line tools), and by the test fakes:
 * - `open()` resolves the header chip by label (never by index or a fixed base), rejects with
 *   DriverError `NOT_FOUND` for a missing chip or a BCM number beyond the chip's lines.
 * - `read()` resolves 0 or 1 (physical level, after `activeLow` inversion).
 * - `write()` exists for outputs; it resolves once the kernel or the tool holds the level, and
 *   the level is held until the next write or `release()`.
 * - `onEdge` listeners get debounced level changes: no two events closer than `debounceMs`
 *   on the injected clock.
 * - `release()` is idempotent: it stops child processes and unexports sysfs lines it exported.
 */
export type Level = 0 | 1;
export type Edge = 'rising' | 'falling' | 'both';

export interface LineRequest {
  readonly bcm: number;
  readonly direction: 'in' | 'out';
  readonly edge?: Edge;
  readonly activeLow?: boolean;
  readonly debounceMs?: number;
  /** Initial level for outputs (default 0). */
  readonly initial?: Level;
}

export interface EdgeEvent {
  readonly level: Level;
  /** ms epoch on the injected clock. */
  readonly at: number;
}

export interface GpioLine {
  readonly bcm: number;
  read(): Promise<Level>;
  write(level: Level): Promise<void>;
  onEdge(listener: (e: EdgeEvent) => void): void;
  release(): Promise<void>;
}

export interface GpioBackend {
  readonly name: 'sysfs' | 'chardev-cli';
  open(request: LineRequest): Promise<GpioLine>;
}
