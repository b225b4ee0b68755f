/**
 * Adapts the part 1 netDb (verified RouterInfos) to what tunnels need: hop specs for building and
 * pools (`PeerDirectory`, `PoolPeer` with the address for the /16 rule) and addresses for links
 * (`LinkDirectory`). A router hash is SHA-256 of the RouterInfo's DID (routerinfo.ts).
 */
import type { VerifiedRouterInfo } from '../routerinfo.ts';
import type { LinkDirectory } from './net-link.ts';
import type { PoolPeer } from './pool.ts';
import type { PeerDirectory } from './tunnel-router.ts';

/** The narrow part of NetDb used here. */
export interface RouterInfoSource {
  get(hash: Uint8Array): VerifiedRouterInfo | undefined;
  all(): VerifiedRouterInfo[];
}

function toPeer(e: VerifiedRouterInfo): PoolPeer {
  const a = e.info.addresses[0];
  return { hash: e.hash, staticKey: e.info.staticKey, ...(a ? { address: `${a.host}:${a.port}` } : {}) };
}

export function netDbDirectory(netDb: RouterInfoSource): PeerDirectory & LinkDirectory & { peers(): PoolPeer[] } {
  return {
    get: (hash) => {
      const e = netDb.get(hash);
      return e === undefined ? undefined : toPeer(e);
    },
    list: () => netDb.all().map(toPeer),
    peers: () => netDb.all().filter((e) => e.info.addresses.length > 0).map(toPeer),
    resolve: (hash) => {
      const e = netDb.get(hash);
      const a = e?.info.addresses[0];
      return e === undefined || a === undefined ? undefined : { staticKey: e.info.staticKey, address: `${a.host}:${a.port}` };
    },
  };
}
