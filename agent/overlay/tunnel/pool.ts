/**
 * Tunnel pools (I2CP `inbound.quantity`/`outbound.quantity`; i2pd `TunnelPool`): keep `quantity`
 * tunnels of `hops` hops alive on the injected clock. A tunnel lives 10 minutes; its replacement
 * starts 90 s before expiry (i2pd `TUNNEL_RECREATION_THRESHOLD`), a build that gets no reply in
 * 30 s fails (`TUNNEL_CREATION_TIMEOUT`) and is retried after a short backoff. Peers: a random set
 * with no two from one IPv4 /16 (I2P `IPRestriction`, off switch for loopback test networks),
 * then ordered by XOR(SHA-256(peer ‖ k), k) with a per-pool random k, so a pool always uses its
 * peers in the same order (I2P peer ordering against predecessor attacks).
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { Clock } from '../clock.ts';
import type { Log } from '../log.ts';
import { randomU32, shuffle, type HopSpec } from './build.ts';
import { DEFAULT_HOPS, MAX_HOPS, REBUILD_BEFORE_EXPIRY_MS } from './constants.ts';
import { isTunnelError } from './errors.ts';
import type { OwnTunnel, TunnelRouter } from './tunnel-router.ts';

export interface PoolPeer extends HopSpec {
  /** "host:port"; used for the /16 rule when present. */
  readonly address?: string;
}

export interface PoolConfig {
  readonly inbound: boolean;
  readonly hops?: number;
  readonly quantity?: number;
  /** Test networks on loopback: allow two hops from one /16. */
  readonly allowSameSubnet?: boolean;
  readonly retryMs?: number;
}

export interface PoolDeps {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly router: TunnelRouter;
  readonly peers: () => readonly PoolPeer[];
  /** Outbound pools: an inbound tunnel for build replies (zero-hop when undefined). */
  readonly replyVia?: () => OwnTunnel | undefined;
  /** Inbound pools: an outbound tunnel to send build messages through (direct when undefined). */
  readonly sendVia?: () => OwnTunnel | undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function subnet16(address: string | undefined): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}:\d+$/.exec(address ?? '');
  return m === null ? undefined : `${m[1]}.${m[2]}`;
}

export class TunnelPool {
  readonly #tunnels = new Set<OwnTunnel>();
  readonly #timers = new Set<() => void>();
  readonly #orderKey: Uint8Array;
  #building = 0;
  #running = false;
  builds = { ok: 0, failed: 0 };

  constructor(private readonly deps: PoolDeps, private readonly config: PoolConfig) {
    const hops = config.hops ?? DEFAULT_HOPS;
    if (hops < 1 || hops > MAX_HOPS) throw new RangeError('a pool tunnel has 1..7 hops');
    this.#orderKey = deps.crypto.randomBytes(32);
  }

  get tunnels(): readonly OwnTunnel[] {
    const now = this.deps.clock.now();
    return [...this.#tunnels].filter((t) => t.expires > now);
  }

  /** A random live tunnel of the pool. */
  pick(): OwnTunnel | undefined {
    const live = this.tunnels;
    return live.length === 0 ? undefined : live[randomU32(this.deps.crypto) % live.length];
  }

  start(): void {
    this.#running = true;
    this.#fill();
  }

  stop(): void {
    this.#running = false;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
  }

  #after(ms: number, fn: () => void): void {
    const cancel = this.deps.clock.setTimer(() => {
      this.#timers.delete(cancel);
      if (this.#running) fn();
    }, ms);
    this.#timers.add(cancel);
  }

  /** Drops a tunnel that failed a test (or whose hop died) and builds its replacement now. */
  discard(t: OwnTunnel): void {
    if (!this.#tunnels.delete(t)) return;
    this.deps.log.log('debug', 'tunnel.pool.discard', { hops: t.hops.length });
    if (this.#running) this.#fill();
  }

  /** Starts builds until live + building tunnels (not about to expire) reach the quantity. */
  #fill(): void {
    const now = this.deps.clock.now();
    const healthy = [...this.#tunnels].filter((t) => t.expires - REBUILD_BEFORE_EXPIRY_MS > now).length;
    for (let i = healthy + this.#building; i < (this.config.quantity ?? 2); i++) this.#buildOne();
  }

  #buildOne(): void {
    const hops = this.selectPeers();
    if (hops === undefined) {
      this.#after(this.config.retryMs ?? 5_000, () => this.#fill());
      return;
    }
    this.#building++;
    const replyVia = this.config.inbound ? undefined : this.deps.replyVia?.();
    const sendVia = this.config.inbound ? this.deps.sendVia?.() : undefined;
    this.deps.router.build({ inbound: this.config.inbound, hops, ...(replyVia ? { replyVia } : {}), ...(sendVia ? { sendVia } : {}) }).then((t) => {
      this.#building--;
      this.builds.ok++;
      this.#tunnels.add(t);
      const now = this.deps.clock.now();
      this.#after(t.expires - REBUILD_BEFORE_EXPIRY_MS - now, () => this.#fill());
      this.#after(t.expires - now, () => {
        this.#tunnels.delete(t);
        this.deps.router.expire();
        this.#fill();
      });
    }, (err: unknown) => {
      this.#building--;
      this.builds.failed++;
      this.deps.log.log('debug', 'tunnel.pool.build_failed', { code: isTunnelError(err) ? err.code : 'UNKNOWN' });
      this.#after(this.config.retryMs ?? 5_000, () => this.#fill());
    });
  }

  /** A random peer set respecting the /16 rule, in this pool's fixed XOR order; undefined if too few. */
  selectPeers(): HopSpec[] | undefined {
    const self = hex(this.deps.router.hash);
    const candidates = shuffle(this.deps.crypto, this.deps.peers().filter((p) => hex(p.hash) !== self));
    const chosen: PoolPeer[] = [];
    const subnets = new Set<string>();
    for (const p of candidates) {
      if (chosen.length === (this.config.hops ?? DEFAULT_HOPS)) break;
      const net = subnet16(p.address);
      if (this.config.allowSameSubnet !== true && net !== undefined) {
        if (subnets.has(net)) continue;
        subnets.add(net);
      }
      chosen.push(p);
    }
    if (chosen.length < (this.config.hops ?? DEFAULT_HOPS)) return undefined;
    const rank = (p: PoolPeer) => hex(xor(this.deps.crypto.sha256(p.hash, this.#orderKey), this.#orderKey));
    return chosen.map((p) => ({ p, r: rank(p) })).sort((a, b) => (a.r < b.r ? -1 : 1)).map(({ p }) => ({ hash: p.hash, staticKey: p.staticKey }));
  }
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => v ^ (b[i] as number));
}
