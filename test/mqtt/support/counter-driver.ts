/** A driver whose temperature counts 1, 2, 3, … (from `start`): order and loss become visible. */
import type { Clock, Driver, Reading } from '../../../drivers/port.ts';

export function counterDriver(id: string, clock: Clock, start = 1): Driver {
  let next = start;
  let reads = 0;
  let lastGoodAt: number | null = null;
  const read = (): Promise<Reading> => {
    reads += 1;
    lastGoodAt = clock.now();
    return Promise.resolve({ quantity: 'temperature', unit: '°C', value: next++, at: lastGoodAt, quality: 'good' });
  };
  return {
    id,
    kind: 'simulated',
    quantities: ['temperature'],
    read,
    readAll: async () => [await read()],
    health: () => ({ state: lastGoodAt === null ? 'stale' : 'ok', lastGoodAt, reads, checksumErrors: 0, timeouts: 0, errors: 0, lastErrorCode: null }),
    close: () => Promise.resolve(),
  };
}
