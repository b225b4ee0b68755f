import type { Clock } from '../port.ts';
import type { Edge, EdgeEvent, Level } from './port.ts';

/**
 * Turns raw level observations into debounced edge events: a change is reported only if it
 * matches `edge` and at least `debounceMs` passed since the last reported one.
 */
export class EdgeFilter {
  #last: Level | null = null;
  #lastAt = Number.NEGATIVE_INFINITY;
  readonly #listeners: ((e: EdgeEvent) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly edge: Edge | undefined,
    private readonly debounceMs: number,
  ) {}

  add(listener: (e: EdgeEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** Feed a level seen now; returns true when an event was emitted. */
  observe(level: Level): boolean {
    const prev = this.#last;
    this.#last = level;
    if (prev === null || prev === level || this.edge === undefined) return false;
    if (this.edge === 'rising' && level !== 1) return false;
    if (this.edge === 'falling' && level !== 0) return false;
    const at = this.clock.now();
    if (at - this.#lastAt < this.debounceMs) return false;
    this.#lastAt = at;
    for (const l of this.#listeners) l({ level, at });
    return true;
  }
}
