/** A token bucket over the injected clock: `burst` tokens, refilled at `perSecond`. */
import type { Clock } from './clock.ts';

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(private readonly clock: Clock, private readonly burst: number, private readonly perSecond: number) {
    if (!(burst > 0) || !(perSecond > 0)) throw new RangeError('burst and perSecond must be positive');
    this.#tokens = burst;
    this.#last = clock.now();
  }

  take(n: number): boolean {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}
