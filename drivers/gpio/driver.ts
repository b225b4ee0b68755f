import { createPolledDriver } from '../polled.ts';
import type { Clock, Driver } from '../port.ts';
import type { EdgeEvent, GpioBackend, LineRequest } from './port.ts';

export interface GpioDriverOptions {
  readonly id: string;
  readonly backend: GpioBackend;
  readonly request: LineRequest;
  readonly clock: Clock;
}

export interface GpioDriver extends Driver {
  readonly kind: 'gpio-in' | 'gpio-out';
  /** Debounced edges of an input opened with `edge`. */
  onEdge(listener: (e: EdgeEvent) => void): void;
}

/** A GPIO line as a driver: quantity `state` (0/1); outputs also `write(0|1)`. */
export async function createGpioDriver(opts: GpioDriverOptions): Promise<GpioDriver> {
  const line = await opts.backend.open(opts.request);
  const kind = opts.request.direction === 'out' ? 'gpio-out' : 'gpio-in';
  const base = createPolledDriver({
    id: opts.id,
    kind,
    quantities: ['state'],
    clock: opts.clock,
    retries: 0,
    measure: async () => ({ state: await line.read() }),
    close: () => line.release(),
    ...(kind === 'gpio-out'
      ? {
          write: (v: number): Promise<void> => {
            if (v !== 0 && v !== 1) return Promise.reject(new RangeError('a GPIO output takes 0 or 1'));
            return line.write(v);
          },
        }
      : {}),
  });
  return { ...base, kind, onEdge: (l) => line.onEdge(l) };
}
