/**
 * Admission of transit cells: a token bucket (`perSecond`, burst one second's worth) with random
 * early drop (I2P WRED, `docs/tunnels/implementation.html`; research/overlay.md §5.6): when fewer
 * than a quarter of the tokens are left, a cell is dropped with a probability rising linearly from
 * 0 to 1 as the bucket empties, so an overloaded hop sheds load before it stalls. The random
 * source is an xorshift32 seeded from the crypto port (speed, not secrecy).
 */
import type { Clock } from '../clock.ts';

export type Admission = 'ok' | 'early-drop' | 'over-limit';

export class RedBucket {
  #tokens: number;
  #last: number;
  #state: number;

  constructor(private readonly clock: Clock, private readonly perSecond: number, seed: Uint8Array) {
    if (!(perSecond > 0) || seed.length < 4) throw new RangeError('perSecond must be positive and the seed 4 bytes');
    this.#tokens = perSecond;
    this.#last = clock.now();
    this.#state = (((seed[0] as number) << 24) | ((seed[1] as number) << 16) | ((seed[2] as number) << 8) | (seed[3] as number)) >>> 0 || 1;
  }

  #random(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }

  admit(): Admission {
    const now = this.clock.now();
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < 1) return 'over-limit';
    const low = this.perSecond / 4;
    if (this.#tokens < low && this.#random() > this.#tokens / low) return 'early-drop';
    this.#tokens -= 1;
    return 'ok';
  }
}
