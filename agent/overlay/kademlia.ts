/**
 * XOR distance over daily-rotated routing keys (I2P netDb, research/overlay.md §5.4):
 * routingKey = SHA-256(hash ‖ "yyyyMMdd" of the UTC date).
 */
import type { CryptoPort } from '../crypto/port.ts';

export function dateString(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1, 2)}${p(d.getUTCDate(), 2)}`;
}

export function routingKey(crypto: CryptoPort, hash: Uint8Array, nowMs: number): Uint8Array {
  return crypto.sha256(hash, new TextEncoder().encode(dateString(nowMs)));
}

/** Compares XOR distances of `a` and `b` to `target`: negative when `a` is closer. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const da = ((a[i] ?? 0) ^ (target[i] ?? 0));
    const db = ((b[i] ?? 0) ^ (target[i] ?? 0));
    if (da !== db) return da - db;
  }
  return 0;
}

/** The `n` items closest to `target` by XOR of their keys. */
export function closest<T>(target: Uint8Array, items: Iterable<T>, keyOf: (t: T) => Uint8Array, n: number): T[] {
  const withKeys = [...items].map((item) => ({ item, key: keyOf(item) }));
  withKeys.sort((x, y) => compareDistance(target, x.key, y.key));
  return withKeys.slice(0, n).map((x) => x.item);
}

/** Number of leading bits `a` and `b` share (for diagnostics: log2-ish closeness). */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] ?? 0) ^ (b[i] ?? 0);
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return a.length * 8;
}
