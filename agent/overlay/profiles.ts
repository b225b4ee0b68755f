/**
 * Peer profiles (DESIGN.md §6, i2pd `Profiling.h`): success, failure and latency with decay,
 * and bans on protocol violations, each with its typed reason. Bounded: the least recently
 * touched profile goes when the table is full.
 */
import type { Clock } from './clock.ts';
import type { OverlayErrorCode } from './errors.ts';

/** Counters halve every hour (decay). */
const HALF_LIFE_MS = 60 * 60_000;
/** i2pd: a peer that declined recently is avoided for 330 s; we ban violators for 1 h. */
const BAN_MS = 60 * 60_000;
const MAX_PROFILES = 10_000;

export interface PeerProfile {
  success: number;
  failure: number;
  /** Exponential moving average of reply latency, ms. */
  latencyMs: number;
  bannedUntil: number;
  lastReason: OverlayErrorCode | undefined;
  touched: number;
}

export class PeerProfiles {
  readonly #profiles = new Map<string, PeerProfile>();
  constructor(private readonly clock: Clock) {}

  get(peer: string): PeerProfile {
    const now = this.clock.now();
    let p = this.#profiles.get(peer);
    if (p === undefined) {
      if (this.#profiles.size >= MAX_PROFILES) {
        const first = this.#profiles.keys().next();
        if (first.done !== true) this.#profiles.delete(first.value);
      }
      p = { success: 0, failure: 0, latencyMs: 0, bannedUntil: 0, lastReason: undefined, touched: now };
    } else {
      const f = Math.pow(0.5, (now - p.touched) / HALF_LIFE_MS);
      p.success *= f;
      p.failure *= f;
      p.touched = now;
      this.#profiles.delete(peer); // re-insert: most recent last
    }
    this.#profiles.set(peer, p);
    return p;
  }

  success(peer: string, latencyMs: number): void {
    const p = this.get(peer);
    p.success++;
    p.latencyMs = p.latencyMs === 0 ? latencyMs : 0.8 * p.latencyMs + 0.2 * latencyMs;
  }

  failure(peer: string, reason: OverlayErrorCode): void {
    const p = this.get(peer);
    p.failure++;
    p.lastReason = reason;
  }

  ban(peer: string, reason: OverlayErrorCode): void {
    const p = this.get(peer);
    p.failure++;
    p.lastReason = reason;
    p.bannedUntil = this.clock.now() + BAN_MS;
  }

  isBanned(peer: string): boolean {
    const p = this.#profiles.get(peer);
    return p !== undefined && p.bannedUntil > this.clock.now();
  }

  entries(): [string, PeerProfile][] {
    return [...this.#profiles.entries()];
  }
}
