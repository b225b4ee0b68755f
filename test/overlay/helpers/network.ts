/** Builds in-process IP2 networks on the memory transport for tests and simulations. */
import { softwareKeyStore } from '../../../agent/identity/software-keystore.ts';
import { VirtualClock } from '../../../agent/overlay/clock.ts';
import { silentLog, type Log } from '../../../agent/overlay/log.ts';
import { NetDb, type NetDbPersistence } from '../../../agent/overlay/netdb.ts';
import { createRouter, type Router, type RouterConfig } from '../../../agent/overlay/router.ts';
import { makeSeedBundle, type SeedSource } from '../../../agent/overlay/seed.ts';
import type { Transport } from '../../../agent/overlay/transport-port.ts';
import type { CryptoPort } from '../../../agent/crypto/port.ts';
import { MemoryNetwork } from '../../../agent/overlay/transport-memory.ts';
import { testCrypto } from './crypto.ts';

export const NET_ID = 4242;

export function memoryPersistence(): NetDbPersistence & { records: Uint8Array[] } {
  const store = {
    records: [] as Uint8Array[],
    load: () => Promise.resolve([...store.records]),
    save: (r: readonly Uint8Array[]) => {
      store.records = [...r];
      return Promise.resolve();
    },
  };
  return store;
}

export interface NodeSpec {
  readonly floodfill: boolean;
  readonly host: string;
  readonly seed?: Uint8Array;
  readonly persistence?: NetDbPersistence;
  readonly config?: Partial<RouterConfig>;
}

export class TestNetwork {
  readonly crypto: CryptoPort = testCrypto();
  readonly clock = new VirtualClock();
  readonly net = new MemoryNetwork();
  readonly seedKey;

  constructor(readonly log: Log = silentLog) {
    this.seedKey = softwareKeyStore(new Uint8Array(32).fill(99), this.crypto);
  }

  router(spec: NodeSpec, transport: Transport = this.net.transport(spec.host)): Router {
    const { crypto, clock, log } = this;
    const seed = spec.seed ?? crypto.randomBytes(32);
    const signer = softwareKeyStore(seed, crypto);
    const x = crypto.x25519;
    const sPriv = crypto.sha256(seed, new TextEncoder().encode('x25519'));
    const netDb = new NetDb({ crypto, clock, log, netId: NET_ID, ...(spec.persistence ? { persistence: spec.persistence } : {}) });
    return createRouter({
      crypto, clock, log, transport, netDb,
      identity: { signer, staticKey: { privateKey: sPriv, publicKey: x.publicKey(sPriv) } },
      config: { netId: NET_ID, listen: `${spec.host}:0`, floodfill: spec.floodfill, ...spec.config },
    });
  }

  async seedBundle(routers: readonly Router[]): Promise<SeedSource> {
    const bundle = await makeSeedBundle(routers.map((r) => r.ownRouterInfo.bytes), this.seedKey, NET_ID, this.clock.now());
    return { did: this.seedKey.did, minRouters: 3, fetch: () => Promise.resolve(bundle) };
  }
}
