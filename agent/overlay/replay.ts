/**
 * The handshake replay cache (`ntcp2.rst`: keep message-1 ephemeral keys at least 2×D, D the
 * allowed clock skew). Bounded in entries: when full, the oldest entry is dropped, which
 * shortens the window under a flood but never grows memory.
 */
import { REPLAY_CACHE_MAX, REPLAY_WINDOW_MS } from './constants.ts';

export class ReplayCache {
  readonly #seen = new Map<string, number>();

  constructor(private readonly windowMs = REPLAY_WINDOW_MS, private readonly max = REPLAY_CACHE_MAX) {}

  get size(): number {
    return this.#seen.size;
  }

  /** Records `key` at `now`; returns false when it was already seen within the window. */
  checkAndAdd(key: Uint8Array, now: number): boolean {
    this.#expire(now);
    const k = Buffer.from(key).toString('hex');
    if (this.#seen.has(k)) return false;
    if (this.#seen.size >= this.max) {
      const oldest = this.#seen.keys().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    this.#seen.set(k, now);
    return true;
  }

  #expire(now: number): void {
    for (const [k, at] of this.#seen) {
      if (now - at < this.windowMs) break; // insertion order is time order
      this.#seen.delete(k);
    }
  }
}
