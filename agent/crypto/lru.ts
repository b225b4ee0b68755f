/**
 * A small bounded least-recently-used map, instance-scoped. Used by the node adapter to keep
 * imported KeyObjects so that the hot path (verify with a known key) skips DER parsing.
 */
export class Lru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('Lru size must be a positive integer');
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Returns the cached value, creating it with `make` on a miss; evicts the oldest when full. */
  getOrCreate(key: K, make: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = make();
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
    return value;
  }
}
