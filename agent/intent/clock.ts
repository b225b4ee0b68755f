/**
 * Clock safety for boards without an RTC (research/identity.md §5.4 "Clock unknown" mode).
 *
 * - `trusted`: the wall clock is right (NTP, RTC); windows are checked with ±60 s skew.
 * - `floor-only`: the wall clock is not trusted. Freshness comes from a device-issued challenge
 *   (valid 30 s on the monotonic clock, single use) and expiry is judged against a persisted
 *   time floor: the newest of the last saved floor and the `iat` of verified controller intents.
 *
 * The state is instance-scoped; the composition root persists `floorS()` and restores it.
 */
import type { CryptoPort } from '../crypto/port.ts';
import { CHALLENGE_BYTES, CHALLENGE_TTL_MS, MAX_CHALLENGES } from './constants.ts';
import { hex } from './fields.ts';

export type ClockStateName = 'trusted' | 'floor-only';

/** Wall time (ms since the epoch, maybe wrong) and a monotonic time (ms, never jumps). */
export interface IntentClock {
  now(): number;
  monotonic(): number;
}

export const systemIntentClock: IntentClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export interface ClockState {
  readonly state: ClockStateName;
  /** The time against which expiry is judged: the wall clock when trusted, else the floor. */
  nowS(): number;
  floorS(): number;
  /** Raises the floor to `s` (a verified controller `iat`); never lowers it. */
  raiseFloor(s: number): void;
  /** The wall clock became trustworthy (NTP synchronised, an owner's time statement). */
  trust(): void;
}

export function createClockState(opts: { clock: IntentClock; state: ClockStateName; floorS?: number }): ClockState {
  let state = opts.state;
  let floor = Math.max(0, Math.floor(opts.floorS ?? 0));
  const wallS = (): number => Math.floor(opts.clock.now() / 1000);
  return {
    get state() {
      return state;
    },
    nowS() {
      if (state === 'floor-only') return floor;
      const now = wallS();
      if (now > floor) floor = now;
      return now;
    },
    floorS: () => floor,
    raiseFloor(s) {
      if (Number.isSafeInteger(s) && s > floor) floor = s;
    },
    trust() {
      state = 'trusted';
    },
  };
}

export type ChallengeCheck = 'ok' | 'unknown' | 'expired';

export interface Challenges {
  /** A fresh single-use challenge, or null when too many are outstanding. */
  issue(): Uint8Array | null;
  /** Checks and burns a challenge. */
  consume(chal: Uint8Array): ChallengeCheck;
  /** True when the challenge is outstanding and fresh (does not burn it). */
  valid(chal: Uint8Array): boolean;
}

export function createChallenges(opts: { crypto: CryptoPort; clock: IntentClock; ttlMs?: number; max?: number }): Challenges {
  const ttl = opts.ttlMs ?? CHALLENGE_TTL_MS;
  const max = opts.max ?? MAX_CHALLENGES;
  const issued = new Map<string, number>();
  const prune = (now: number): void => {
    for (const [k, at] of issued) {
      if (now - at <= ttl) break; // insertion order is issue order
      issued.delete(k);
    }
  };
  return {
    issue() {
      const now = opts.clock.monotonic();
      prune(now);
      if (issued.size >= max) return null;
      const chal = opts.crypto.randomBytes(CHALLENGE_BYTES);
      issued.set(hex(chal), now);
      return chal;
    },
    valid(chal) {
      const at = issued.get(hex(chal));
      return at !== undefined && opts.clock.monotonic() - at <= ttl;
    },
    consume(chal) {
      const key = hex(chal);
      const at = issued.get(key);
      if (at === undefined) return 'unknown';
      issued.delete(key);
      return opts.clock.monotonic() - at <= ttl ? 'ok' : 'expired';
    },
  };
}
