/**
 * The replay cache of research/identity.md §5.4: `iss‖nonce` seen, kept until `exp + skew`,
 * bounded in entries (so in memory: a key is a did:key of ≤ 130 characters plus 32 hex digits),
 * evicted by expiry. It is empty after a restart; the verifier covers that gap (boot time and
 * the warm-up challenge, verifier.ts).
 */
import { hex } from './fields.ts';

export interface ReplayCache {
  /** True when `iss‖nonce` was recorded and has not expired by `nowS`. */
  seen(iss: string, nonce: Uint8Array, nowS: number): boolean;
  /** Records `iss‖nonce` until `untilS`; false when the cache is full of live entries. */
  record(iss: string, nonce: Uint8Array, untilS: number, nowS: number): boolean;
  readonly size: number;
}

export interface ReplayOptions {
  readonly maxEntries: number;
}

/** How many of the oldest entries each insertion looks at (entries arrive roughly in expiry order). */
const STEP_EVICTIONS = 4;

export function createReplayCache(opts: ReplayOptions): ReplayCache {
  if (!Number.isSafeInteger(opts.maxEntries) || opts.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  const entries = new Map<string, number>();
  let lastSweepS = -1;

  const evictSome = (nowS: number): void => {
    let n = 0;
    for (const [k, until] of entries) {
      if (n++ >= STEP_EVICTIONS) break;
      if (until < nowS) entries.delete(k);
    }
  };
  const sweep = (nowS: number): void => {
    if (lastSweepS === nowS) return; // at most one full pass per second
    lastSweepS = nowS;
    for (const [k, until] of entries) if (until < nowS) entries.delete(k);
  };

  return {
    seen(iss, nonce, nowS) {
      const until = entries.get(iss + hex(nonce));
      return until !== undefined && until >= nowS;
    },
    record(iss, nonce, untilS, nowS) {
      evictSome(nowS);
      if (entries.size >= opts.maxEntries) sweep(nowS);
      if (entries.size >= opts.maxEntries) return false;
      entries.set(iss + hex(nonce), untilS);
      return true;
    },
    get size() {
      return entries.size;
    },
  };
}
