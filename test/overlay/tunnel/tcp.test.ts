/**
 * Tunnels across real TCP links (Noise XK) between router instances on loopback: a 3-hop inbound
 * and a 3-hop outbound tunnel, then a message through both. Real clock; no timed assertions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { systemClock } from '../../../agent/overlay/clock.ts';
import { silentLog } from '../../../agent/overlay/log.ts';
import { createTcpTransport } from '../../../agent/overlay/transport-tcp.ts';
import { TMSG } from '../../../agent/overlay/tunnel/constants.ts';
import { LinkTunnelNet } from '../../../agent/overlay/tunnel/net-link.ts';
import { TunnelRouter, type OwnTunnel } from '../../../agent/overlay/tunnel/tunnel-router.ts';

const crypto = createNodeCrypto();
const clock = systemClock();
const directory = new Map<string, { staticKey: Uint8Array; address: string }>();
const nets: LinkTunnelNet[] = [];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function startRouter(onMessage: (m: Uint8Array, via: OwnTunnel) => void = () => undefined) {
  const privateKey = crypto.randomBytes(32);
  const staticKey = { privateKey, publicKey: crypto.x25519.publicKey(privateKey) };
  const hash = crypto.sha256(staticKey.publicKey);
  const net = new LinkTunnelNet({
    crypto, clock, log: silentLog, transport: createTcpTransport(), staticKey, netId: 99, routerInfo: new Uint8Array([1]),
    directory: { resolve: (h) => directory.get(hex(h)) },
  });
  const router = new TunnelRouter({ crypto, clock, log: silentLog, identity: { hash, staticKey }, net, onMessage });
  const address = await net.listen('127.0.0.1:0', (m) => router.receive(m));
  directory.set(hex(hash), { staticKey: staticKey.publicKey, address });
  nets.push(net);
  return { router, spec: { hash, staticKey: staticKey.publicKey } };
}

afterAll(async () => {
  await Promise.all(nets.map((n) => n.close()));
});

describe('tunnels over TCP links on loopback', () => {
  it('builds 3-hop inbound and outbound tunnels and carries a message through them', async () => {
    let resolveGot: (m: Uint8Array) => void = () => undefined;
    const got = new Promise<Uint8Array>((r) => (resolveGot = r));
    const owner = await startRouter();
    const device = await startRouter((m) => resolveGot(m));
    const hops = await Promise.all([...Array(6).keys()].map(() => startRouter()));
    const inbound = await device.router.build({ inbound: true, hops: hops.slice(0, 3).map((h) => h.spec) });
    const outbound = await owner.router.build({ inbound: false, hops: hops.slice(3).map((h) => h.spec) });
    const message = new Uint8Array([TMSG.data, ...new TextEncoder().encode('read_temperature')]);
    owner.router.sendOutbound(outbound, { type: 'tunnel', tunnelId: inbound.gateway.tunnelId, router: inbound.gateway.router }, message);
    expect(await got).toEqual(message);
    expect(hops.every((h) => h.router.transit.size === 1)).toBe(true);
  });
});
