/**
 * The local netDb: verified RouterInfos keyed by router hash, bounded, expiring, persisted.
 *
 * `put` verifies before storing and keeps only the newest `published` per router. Expiry uses
 * the floodfill age (1 h) for what we serve and the local age (27 h) for what we keep.
 * Persistence goes through a small port; `fileNetDbStore` writes one CBOR array of the exact
 * signed bytes, atomically, and `load` re-verifies every record (a tampered file is skipped).
 */
import { readFile } from 'node:fs/promises';
import type { CryptoPort } from '../crypto/port.ts';
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { Clock } from './clock.ts';
import { NETDB_LOCAL_MAX_AGE_MS, NETDB_MAX_ENTRIES, MAX_ROUTERINFO_BYTES } from './constants.ts';
import { OverlayError } from './errors.ts';
import { closest, routingKey } from './kademlia.ts';
import type { Log } from './log.ts';
import { verifyRouterInfo, type VerifiedRouterInfo } from './routerinfo.ts';

export interface NetDbPersistence {
  load(): Promise<Uint8Array[]>;
  save(records: readonly Uint8Array[]): Promise<void>;
}

export interface NetDbOptions {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly netId: number;
  readonly persistence?: NetDbPersistence;
  readonly maxEntries?: number;
  readonly maxAgeMs?: number;
}

export type PutResult = 'stored' | 'updated' | 'unchanged';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class NetDb {
  readonly #entries = new Map<string, VerifiedRouterInfo>();
  constructor(private readonly opts: NetDbOptions) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Verifies and stores; throws the verification's OverlayError for bad input. */
  put(bytes: Uint8Array): { result: PutResult; entry: VerifiedRouterInfo } {
    const entry = verifyRouterInfo(bytes, {
      crypto: this.opts.crypto, netId: this.opts.netId, now: this.opts.clock.now(),
      maxAgeMs: this.opts.maxAgeMs ?? NETDB_LOCAL_MAX_AGE_MS,
    });
    return { result: this.putVerified(entry), entry };
  }

  putVerified(entry: VerifiedRouterInfo): PutResult {
    const key = hex(entry.hash);
    const old = this.#entries.get(key);
    if (old !== undefined && old.info.published >= entry.info.published) return 'unchanged';
    if (old === undefined && this.#entries.size >= (this.opts.maxEntries ?? NETDB_MAX_ENTRIES)) this.#evictOldest();
    this.#entries.set(key, entry);
    return old === undefined ? 'stored' : 'updated';
  }

  get(hash: Uint8Array): VerifiedRouterInfo | undefined {
    return this.#entries.get(hex(hash));
  }

  delete(hash: Uint8Array): void {
    this.#entries.delete(hex(hash));
  }

  all(): VerifiedRouterInfo[] {
    return [...this.#entries.values()];
  }

  floodfills(): VerifiedRouterInfo[] {
    return this.all().filter((e) => e.info.floodfill);
  }

  /** The `n` floodfills closest to `hash` in today's keyspace, skipping `exclude` hashes. */
  closestFloodfills(hash: Uint8Array, n: number, exclude: ReadonlySet<string> = new Set()): VerifiedRouterInfo[] {
    const now = this.opts.clock.now();
    const target = routingKey(this.opts.crypto, hash, now);
    const candidates = this.floodfills().filter((e) => !exclude.has(hex(e.hash)));
    return closest(target, candidates, (e) => routingKey(this.opts.crypto, e.hash, now), n);
  }

  /** Drops entries older than `maxAgeMs`; returns how many went. */
  expire(maxAgeMs = this.opts.maxAgeMs ?? NETDB_LOCAL_MAX_AGE_MS): number {
    const now = this.opts.clock.now();
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (now - e.info.published > maxAgeMs) {
        this.#entries.delete(k);
        n++;
      }
    }
    return n;
  }

  #evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, e] of this.#entries) {
      if (e.info.published < oldest) {
        oldest = e.info.published;
        oldestKey = k;
      }
    }
    if (oldestKey !== undefined) this.#entries.delete(oldestKey);
  }

  /** Loads persisted records, verifying each; returns the number accepted. */
  async load(): Promise<number> {
    const p = this.opts.persistence;
    if (p === undefined) return 0;
    let accepted = 0;
    for (const bytes of await p.load()) {
      try {
        this.put(bytes);
        accepted++;
      } catch (err) {
        const code = err instanceof OverlayError ? err.code : 'ROUTERINFO_INVALID';
        this.opts.log.log('debug', 'netdb.load.skip', { code });
      }
    }
    return accepted;
  }

  async save(): Promise<void> {
    await this.opts.persistence?.save(this.all().map((e) => e.bytes));
  }
}

/** Persistence in one file: a CBOR array of signed RouterInfo bytes. */
export function fileNetDbStore(path: string, maxEntries = NETDB_MAX_ENTRIES): NetDbPersistence {
  return {
    async load() {
      let data: Uint8Array;
      try {
        data = await readFile(path);
      } catch {
        return [];
      }
      let decoded: unknown;
      try {
        decoded = decodeCbor(data, { maxBytes: maxEntries * (MAX_ROUTERINFO_BYTES + 8), maxItems: maxEntries + 1, maxDepth: 2 });
      } catch {
        return [];
      }
      if (!Array.isArray(decoded)) return [];
      return decoded.filter((x): x is Uint8Array => x instanceof Uint8Array);
    },
    async save(records) {
      await writeFileAtomic(path, encodeCbor([...records]));
    },
  };
}
