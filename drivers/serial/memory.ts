import { DriverError } from '../errors.ts';
import type { ByteLink } from './port.ts';

/** Fidelity knobs of the in-memory link. */
export interface MemoryLinkOptions {
  /** Deliver writes in chunks of at most this many bytes (default: whole writes). */
  readonly maxChunk?: number;
}

/**
 * An honest fake: two connected ends; bytes written on one arrive asynchronously (a macrotask
 * later, like the kernel) on the other, in order, optionally split into small chunks.
 */
export function createMemoryLinkPair(options: MemoryLinkOptions = {}, names: readonly [string, string] = ['mem-a', 'mem-b']): [ByteLink, ByteLink] {
  const maxChunk = options.maxChunk ?? Number.POSITIVE_INFINITY;
  if (!(maxChunk >= 1)) throw new RangeError('maxChunk must be >= 1');
  const ends = names.map((path) => ({ path, listener: undefined as ((c: Uint8Array) => void) | undefined, closed: false }));
  const make = (self: number): ByteLink => {
    const me = ends[self]!;
    const peer = ends[1 - self]!;
    return {
      path: me.path,
      onData(l) {
        me.listener = l;
      },
      async write(bytes) {
        if (me.closed) throw new DriverError('CLOSED', `${me.path} is closed`);
        const copy = Uint8Array.from(bytes);
        for (let i = 0; i < copy.length; i += maxChunk) {
          const chunk = copy.subarray(i, Math.min(copy.length, i + maxChunk));
          await new Promise<void>((r) => setImmediate(r));
          if (!peer.closed && chunk.length > 0) peer.listener?.(chunk);
        }
      },
      close() {
        me.closed = true;
        me.listener = undefined;
        return Promise.resolve();
      },
    };
  };
  return [make(0), make(1)];
}
