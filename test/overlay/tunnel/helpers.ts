import type { CryptoPort } from '../../../agent/crypto/port.ts';
import { VirtualClock } from '../../../agent/overlay/clock.ts';
import { silentLog } from '../../../agent/overlay/log.ts';
import type { HopSpec } from '../../../agent/overlay/tunnel/build.ts';
import { MemoryTunnelHub, type HubOptions } from '../../../agent/overlay/tunnel/net-memory.ts';
import { TunnelRouter, type OwnTunnel } from '../../../agent/overlay/tunnel/tunnel-router.ts';
import type { TransitConfig } from '../../../agent/overlay/tunnel/transit.ts';

export interface TestRouter {
  readonly router: TunnelRouter;
  readonly spec: HopSpec;
  readonly received: { message: Uint8Array; via: OwnTunnel }[];
}

/** N tunnel routers on one in-memory hub; hashes are SHA-256 of the static keys. */
export function makeNet(crypto: CryptoPort, n: number, opts: { config?: TransitConfig; hub?: HubOptions; clock?: VirtualClock } = {}) {
  const clock = opts.clock ?? new VirtualClock();
  const hub = new MemoryTunnelHub(opts.hub);
  const routers: TestRouter[] = [];
  for (let i = 0; i < n; i++) {
    const privateKey = crypto.randomBytes(32);
    const publicKey = crypto.x25519.publicKey(privateKey);
    const hash = crypto.sha256(publicKey);
    const received: TestRouter['received'] = [];
    const router = new TunnelRouter({
      crypto, clock, log: silentLog, identity: { hash, staticKey: { privateKey, publicKey } }, net: hub.netFor(hash),
      ...(opts.config ? { config: opts.config } : {}), onMessage: (message, via) => received.push({ message, via }),
    });
    hub.attach(hash, router);
    routers.push({ router, spec: { hash, staticKey: publicKey }, received });
  }
  return { clock, hub, routers };
}

export const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
