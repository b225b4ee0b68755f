/**
 * Endpoint reassembly of fragmented tunnel messages (`tunnel-message.rst` "Fragmentation").
 * Bounded: at most MAX_PENDING_REASSEMBLY messages in progress, each dropped after
 * REASSEMBLY_TIMEOUT_MS; the oldest is evicted first when full.
 */
import { MAX_PENDING_REASSEMBLY, MAX_TUNNEL_MESSAGE, REASSEMBLY_TIMEOUT_MS } from './constants.ts';
import type { Delivery, Fragment } from './cell.ts';
import { TunnelError } from './errors.ts';

export interface Reassembled {
  readonly msgId: number;
  readonly delivery: Delivery;
  readonly message: Uint8Array;
}

interface Pending {
  readonly started: number;
  readonly parts: Map<number, Uint8Array>;
  delivery: Delivery | undefined;
  total: number | undefined;
  bytes: number;
}

export class Reassembler {
  readonly #pending = new Map<number, Pending>();
  constructor(private readonly max = MAX_PENDING_REASSEMBLY, private readonly timeoutMs = REASSEMBLY_TIMEOUT_MS) {}

  get size(): number {
    return this.#pending.size;
  }

  /** Adds a fragment; returns the whole message once every fragment arrived. */
  add(f: Fragment, now: number): Reassembled | undefined {
    if (f.index === 0 && f.last) return { msgId: f.msgId, delivery: f.delivery ?? { type: 'local' }, message: f.data };
    this.#expire(now);
    let p = this.#pending.get(f.msgId);
    if (p === undefined) {
      if (this.#pending.size >= this.max) {
        const oldest = this.#pending.keys().next();
        if (oldest.done !== true) this.#pending.delete(oldest.value);
      }
      p = { started: now, parts: new Map(), delivery: undefined, total: undefined, bytes: 0 };
      this.#pending.set(f.msgId, p);
    }
    if (p.parts.has(f.index)) throw new TunnelError('FRAGMENT_MALFORMED', 'duplicate fragment');
    if (f.last) {
      if (p.total !== undefined) throw new TunnelError('FRAGMENT_MALFORMED', 'two last fragments');
      p.total = f.index + 1;
    }
    if (f.index === 0) p.delivery = f.delivery;
    p.bytes += f.data.length;
    if (p.bytes > MAX_TUNNEL_MESSAGE || (p.total !== undefined && [...p.parts.keys(), f.index].some((i) => i >= (p.total as number)))) {
      this.#pending.delete(f.msgId);
      throw new TunnelError('REASSEMBLY_OVERFLOW', 'fragments exceed the message bounds');
    }
    p.parts.set(f.index, f.data);
    if (p.total === undefined || p.parts.size < p.total || p.delivery === undefined) return undefined;
    this.#pending.delete(f.msgId);
    const message = new Uint8Array(p.bytes);
    let off = 0;
    for (let i = 0; i < p.total; i++) {
      const part = p.parts.get(i) as Uint8Array;
      message.set(part, off);
      off += part.length;
    }
    return { msgId: f.msgId, delivery: p.delivery, message };
  }

  #expire(now: number): void {
    for (const [id, p] of this.#pending) {
      if (now - p.started < this.timeoutMs) break;
      this.#pending.delete(id);
    }
  }
}
