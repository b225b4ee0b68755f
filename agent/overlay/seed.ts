/**
 * Seed bundles (research/overlay.md §5.4, su3-like): a COSE_Sign1 by a seed key over
 *   { "v": 1, "net": netId, "created": ms, "ri": [RouterInfo bstr …] }
 * Read from a file or a URL, verified against the configured seed DID, and retried with
 * exponential backoff until enough routers are known.
 */
import { readFile } from 'node:fs/promises';
import type { CryptoPort } from '../crypto/port.ts';
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import { signCose1, verifyCose1, type Signer } from '../identity/cose.ts';
import { MAX_ROUTERINFO_BYTES, MAX_SEED_BUNDLE_BYTES, MIN_KNOWN_ROUTERS } from './constants.ts';
import { OverlayError } from './errors.ts';
import type { Router } from './router.ts';

export interface SeedSource {
  /** Returns the bundle bytes (a file, a URL, an MQTT blob…). */
  fetch(): Promise<Uint8Array>;
  /** The seed key's DID: the bundle must be signed by it. */
  readonly did: string;
  /** Stop retrying once this many routers are known (default MIN_KNOWN_ROUTERS, capped by the bundle). */
  readonly minRouters?: number;
}

export async function makeSeedBundle(routerInfos: readonly Uint8Array[], signer: Signer, netId: number, now: number): Promise<Uint8Array> {
  return signCose1(encodeCbor({ v: 1, net: netId, created: now, ri: [...routerInfos] }), signer);
}

export function readSeedBundle(bytes: Uint8Array, opts: { crypto: CryptoPort; did: string; netId: number }): Uint8Array[] {
  let payload: Uint8Array;
  try {
    payload = verifyCose1(bytes, { crypto: opts.crypto, maxBytes: MAX_SEED_BUNDLE_BYTES, kid: opts.did }).payload;
  } catch (cause) {
    throw new OverlayError('SEED_INVALID', 'seed bundle signature invalid or not from the seed key', { cause });
  }
  let raw: unknown;
  try {
    raw = decodeCbor(payload, { maxBytes: MAX_SEED_BUNDLE_BYTES, maxDepth: 3, maxItems: 1 + MAX_SEED_BUNDLE_BYTES / 64 });
  } catch (cause) {
    throw new OverlayError('SEED_INVALID', 'seed bundle payload invalid', { cause });
  }
  const o = raw as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o['v'] !== 1 || !Array.isArray(o['ri'])) throw new OverlayError('SEED_INVALID', 'seed bundle malformed');
  if (o['net'] !== opts.netId) throw new OverlayError('WRONG_NETWORK', `seed bundle for network ${String(o['net'])}`);
  return (o['ri'] as unknown[]).filter((x): x is Uint8Array => x instanceof Uint8Array && x.length <= MAX_ROUTERINFO_BYTES);
}

/** A seed source reading a file path or an http(s) URL. */
export function seedFrom(location: string, did: string, minRouters?: number): SeedSource {
  return {
    did,
    ...(minRouters === undefined ? {} : { minRouters }),
    async fetch() {
      if (/^https?:\/\//.test(location)) {
        const res = await fetch(location, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new OverlayError('SEED_INVALID', `seed URL answered ${res.status}`);
        const buf = new Uint8Array(await res.arrayBuffer());
        if (buf.length > MAX_SEED_BUNDLE_BYTES) throw new OverlayError('SEED_INVALID', 'seed bundle too large');
        return buf;
      }
      return new Uint8Array(await readFile(location));
    },
  };
}

/** Retries the seed with exponential backoff (1 s … 5 min) until enough routers are known. */
export class Bootstrapper {
  #cancel: (() => void) | undefined;
  #delay = 1000;
  #stopped = false;

  constructor(private readonly router: Router, private readonly seed: SeedSource) {}

  #enough(): boolean {
    const db = this.router.deps.netDb;
    return db.floodfills().some((e) => !e.hash.every((b, i) => b === this.router.hash[i])) && db.size >= Math.min(this.seed.minRouters ?? MIN_KNOWN_ROUTERS, 2);
  }

  /** One attempt now (awaited), then retries on the clock while not enough is known. */
  async run(): Promise<void> {
    if (this.#enough()) return;
    await this.#attempt();
  }

  async #attempt(): Promise<void> {
    const { crypto, netDb, log, config } = this.router.deps;
    try {
      const bundle = await this.seed.fetch();
      let added = 0;
      for (const ri of readSeedBundle(bundle, { crypto, did: this.seed.did, netId: config.netId })) {
        try {
          if (netDb.put(ri).result !== 'unchanged') added++;
        } catch {
          // expired or invalid entries in a bundle are skipped
        }
      }
      log.log('info', 'bootstrap.seed', { added, known: netDb.size });
    } catch (err) {
      log.log('warn', 'bootstrap.failed', { code: err instanceof OverlayError ? err.code : 'SEED_INVALID', retryMs: this.#delay });
    }
    if (!this.#enough() && !this.#stopped) {
      this.#cancel = this.router.deps.clock.setTimer(() => void this.#attempt(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, 5 * 60_000);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
  }
}
