/**
 * The floodfill netDb protocol over links (I2P netDb, research/overlay.md §5.4):
 *   - a router stores its RouterInfo at the floodfill closest to its routing key (with an ack),
 *     then verifies the store through a different floodfill;
 *   - a floodfill receiving a direct store floods it to the FLOOD_REDUNDANCY floodfills closest
 *     to the key (flooded stores are not flooded again);
 *   - lookups go to LOOKUP_PARALLELISM floodfills at a time, iterating on the closer floodfills
 *     each search reply names, for at most LOOKUP_MAX_ROUNDS rounds;
 *   - exploratory lookups return routers (not only floodfills) near a random key.
 */
import {
  FLOOD_REDUNDANCY, LOOKUP_MAX_ROUNDS, LOOKUP_PARALLELISM, ROUTERINFO_MAX_AGE_MS, SEARCH_REPLY_PEERS,
} from './constants.ts';
import { OverlayError } from './errors.ts';
import { closest, routingKey } from './kademlia.ts';
import { MAX_REPLY_PEERS, type NetDbMessage } from './messages.ts';
import type { VerifiedRouterInfo } from './routerinfo.ts';
import type { Router } from './router.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export interface LookupResult {
  readonly entry: VerifiedRouterInfo;
  /** Rounds of queries needed (0 = known locally). */
  readonly hops: number;
}

export class NetDbService {
  constructor(private readonly router: Router) {}

  get #db() {
    return this.router.deps.netDb;
  }

  /** Other floodfills closest to `hash`, never ourselves. */
  closestOthers(hash: Uint8Array, n: number, exclude: Iterable<string> = []): VerifiedRouterInfo[] {
    return this.#db.closestFloodfills(hash, n, new Set([this.router.hashHex, ...exclude]));
  }

  async handle(peer: string, m: NetDbMessage): Promise<void> {
    if (m.t === 'store') await this.#onStore(peer, m);
    else if (m.t === 'lookup') await this.#onLookup(peer, m);
  }

  async #onStore(peer: string, m: Extract<NetDbMessage, { t: 'store' }>): Promise<void> {
    const { result, entry } = this.#db.put(m.ri); // throws a typed error on bad input
    const sender = this.#db.get(Buffer.from(peer, 'hex'));
    if (m.id !== 0 && sender !== undefined) await this.router.send(sender, { t: 'ack', id: m.id });
    // A direct store is flooded when it is news, or when it is the sender's own RouterInfo (which
    // the handshake's message 3 may already have delivered); flooded stores are never re-flooded.
    if (!this.router.floodfill || m.flood || (result === 'unchanged' && hex(entry.hash) !== peer)) return;
    const targets = this.closestOthers(entry.hash, FLOOD_REDUNDANCY, [peer, hex(entry.hash)]);
    await Promise.allSettled(targets.map((t) => this.router.send(t, { t: 'store', id: 0, ri: entry.bytes, flood: true })));
    this.router.deps.log.log('debug', 'netdb.flood', { key: hex(entry.hash).slice(0, 16), to: targets.length });
  }

  async #onLookup(peer: string, m: Extract<NetDbMessage, { t: 'lookup' }>): Promise<void> {
    const sender = this.#db.get(Buffer.from(peer, 'hex'));
    if (sender === undefined) return;
    if (m.x && hex(m.key) === peer) {
      // A router searching for itself wants the floodfills closest to its own key (before a store).
      const near = this.closestOthers(m.key, MAX_REPLY_PEERS - 1, [peer]);
      const self = this.router.floodfill ? [this.router.ownRouterInfo.bytes] : [];
      await this.router.send(sender, { t: 'reply', id: m.id, peers: [...self, ...near.map((e) => e.bytes)] });
      return;
    }
    if (m.x) {
      const now = this.router.deps.clock.now();
      const crypto = this.router.deps.crypto;
      const target = routingKey(crypto, m.key, now);
      const others = this.#db.all().filter((e) => hex(e.hash) !== peer && hex(e.hash) !== this.router.hashHex);
      const near = closest(target, others, (e) => routingKey(crypto, e.hash, now), MAX_REPLY_PEERS);
      await this.router.send(sender, { t: 'reply', id: m.id, peers: [this.router.ownRouterInfo.bytes, ...near.map((e) => e.bytes)].slice(0, MAX_REPLY_PEERS) });
      return;
    }
    const found = this.#db.get(m.key);
    const fresh = found !== undefined && this.router.deps.clock.now() - found.info.published <= ROUTERINFO_MAX_AGE_MS;
    if (found !== undefined && fresh) {
      await this.router.send(sender, { t: 'found', id: m.id, ri: found.bytes });
      return;
    }
    const closer = this.closestOthers(m.key, SEARCH_REPLY_PEERS, [peer]);
    await this.router.send(sender, { t: 'reply', id: m.id, peers: closer.map((e) => e.bytes) });
  }

  /**
   * Iteratively asks the floodfills closest to our own key for ones closer still (a lookup of
   * our own hash with `x` set), so a store lands where lookups will search.
   */
  async findClosestToSelf(): Promise<void> {
    const own = this.router.ownRouterInfo;
    const queried = new Set<string>([this.router.hashHex]);
    for (let round = 1; round <= LOOKUP_MAX_ROUNDS; round++) {
      const batch = this.closestOthers(own.hash, LOOKUP_PARALLELISM, queried);
      if (batch.length === 0) return;
      for (const b of batch) queried.add(hex(b.hash));
      const answers = await Promise.allSettled(batch.map((ff) => this.router.request(ff, (id) => ({ t: 'lookup', id, key: own.hash, x: true }))));
      for (const a of answers) if (a.status === 'fulfilled') this.#absorb(a.value, own.hash);
    }
  }

  /** Stores our RouterInfo at the closest floodfill, acked; floodfills flood it themselves. */
  async publish(): Promise<void> {
    await this.findClosestToSelf();
    const own = this.router.ownRouterInfo;
    const targets = this.closestOthers(own.hash, this.router.floodfill ? FLOOD_REDUNDANCY : 1);
    if (targets.length === 0) return;
    if (this.router.floodfill) {
      await Promise.allSettled(targets.map((t) => this.router.send(t, { t: 'store', id: 0, ri: own.bytes, flood: true })));
      return;
    }
    for (const target of targets) {
      const ack = await this.router.request(target, (id) => ({ t: 'store', id, ri: own.bytes, flood: false }));
      if (ack.t !== 'ack') throw new OverlayError('MESSAGE_INVALID', 'store answered with something other than an ack');
    }
  }

  /** Checks a store through a floodfill other than the one stored to (I2P store verification). */
  async verifyStore(): Promise<boolean> {
    const own = this.router.ownRouterInfo;
    const first = this.closestOthers(own.hash, 1)[0];
    const other = this.closestOthers(own.hash, 1, first === undefined ? [] : [hex(first.hash)])[0] ?? first;
    if (other === undefined) return false;
    const answer = await this.router.request(other, (id) => ({ t: 'lookup', id, key: own.hash, x: false }));
    return answer.t === 'found' && this.#db.put(answer.ri).entry.info.published >= own.info.published;
  }

  /** Iterative parallel lookup of a router hash. */
  async lookup(hash: Uint8Array): Promise<LookupResult> {
    const local = this.#db.get(hash);
    if (local !== undefined) return { entry: local, hops: 0 };
    const queried = new Set<string>([this.router.hashHex]);
    for (let round = 1; round <= LOOKUP_MAX_ROUNDS; round++) {
      const batch = this.closestOthers(hash, LOOKUP_PARALLELISM, queried);
      if (batch.length === 0) break;
      for (const b of batch) queried.add(hex(b.hash));
      const answers = await Promise.allSettled(batch.map((ff) => this.router.request(ff, (id) => ({ t: 'lookup', id, key: hash, x: false }))));
      for (const a of answers) {
        if (a.status !== 'fulfilled') continue;
        const found = this.#absorb(a.value, hash);
        if (found !== undefined) return { entry: found, hops: round };
      }
    }
    throw new OverlayError('LOOKUP_FAILED', `router ${hex(hash).slice(0, 16)} not found`, { badInput: false });
  }

  /** Stores what an answer carries; returns the entry when it is the one we look for. */
  #absorb(m: NetDbMessage, hash: Uint8Array): VerifiedRouterInfo | undefined {
    const list = m.t === 'found' ? [m.ri] : m.t === 'reply' ? m.peers : [];
    let hit: VerifiedRouterInfo | undefined;
    for (const ri of list) {
      try {
        const { entry } = this.#db.put(ri);
        if (m.t === 'found' && hex(entry.hash) === hex(hash)) hit = entry;
      } catch {
        // an invalid RouterInfo in an answer is skipped; the answer's sender keeps its profile
      }
    }
    return hit;
  }

  /** Exploratory lookup at a random floodfill: learns routers near a random key. */
  async explore(): Promise<number> {
    const ffs = this.closestOthers(this.router.deps.crypto.randomBytes(32), 3);
    const ff = ffs[Math.floor(Math.random() * ffs.length)];
    if (ff === undefined) return 0;
    const before = this.#db.size;
    const answer = await this.router.request(ff, (id) => ({ t: 'lookup', id, key: this.router.deps.crypto.randomBytes(32), x: true }));
    this.#absorb(answer, new Uint8Array(32));
    return this.#db.size - before;
  }
}
