import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { silentLog } from '../../../agent/overlay/log.ts';
import { BUILD_TIMEOUT_MS, REBUILD_BEFORE_EXPIRY_MS, TUNNEL_LIFETIME_MS } from '../../../agent/overlay/tunnel/constants.ts';
import { TunnelPool, subnet16 } from '../../../agent/overlay/tunnel/pool.ts';
import { hexOf, makeNet } from './helpers.ts';

const crypto = createNodeCrypto();

describe('tunnel pools on the virtual clock', () => {
  it('keeps the quantity alive: rebuilds 90 s before expiry, drops expired tunnels', async () => {
    const { clock, routers } = makeNet(crypto, 8);
    const [me] = routers;
    const pool = new TunnelPool({ crypto, clock, log: silentLog, router: me!.router, peers: () => routers.map((r) => r.spec) }, { inbound: true, hops: 3, quantity: 2 });
    pool.start();
    await clock.advance(10);
    expect(pool.tunnels).toHaveLength(2);
    const first = pool.tunnels.map((t) => t.endpointId);
    await clock.advance(TUNNEL_LIFETIME_MS - REBUILD_BEFORE_EXPIRY_MS - 20);
    expect(pool.builds.ok).toBe(2);
    await clock.advance(20);
    expect(pool.builds.ok).toBe(4); // replacements started 90 s before expiry
    expect(pool.tunnels).toHaveLength(4);
    await clock.advance(REBUILD_BEFORE_EXPIRY_MS);
    expect(pool.tunnels.map((t) => t.endpointId).some((id) => first.includes(id))).toBe(false);
    expect(pool.tunnels).toHaveLength(2);
    pool.stop();
  });

  it('a build that gets no reply fails after 30 s and is retried', async () => {
    let lose = true;
    const { clock, routers } = makeNet(crypto, 5, { hub: { drop: () => lose } });
    const pool = new TunnelPool({ crypto, clock, log: silentLog, router: routers[0]!.router, peers: () => routers.map((r) => r.spec) }, { inbound: false, hops: 2, quantity: 1, retryMs: 1000 });
    pool.start();
    await clock.advance(BUILD_TIMEOUT_MS - 1);
    expect(pool.builds).toEqual({ ok: 0, failed: 0 });
    await clock.advance(1);
    expect(pool.builds.failed).toBe(1);
    lose = false;
    await clock.advance(1000);
    expect(pool.builds.ok).toBe(1);
    expect(pool.tunnels).toHaveLength(1);
    pool.stop();
  });

  it('a tunnel whose hop died fails its test and is replaced; traffic then flows again', async () => {
    const { clock, hub, routers } = makeNet(crypto, 10);
    const [me, ...others] = routers;
    const deps = { crypto, clock, log: silentLog, router: me!.router };
    const ins = new TunnelPool({ ...deps, peers: () => others.slice(0, 3).map((r) => r.spec) }, { inbound: true, hops: 3, quantity: 1 });
    const outs = new TunnelPool({ ...deps, peers: () => others.slice(3).map((r) => r.spec), replyVia: () => ins.pick() }, { inbound: false, hops: 3, quantity: 1 });
    ins.start();
    await clock.advance(10);
    outs.start();
    await clock.advance(10);
    const out1 = outs.pick()!;
    const probe1 = me!.router.probe(out1, ins.pick()!);
    await clock.advance(10);
    expect(await probe1).toBe(true);
    const victim = routers.find((r) => hexOf(r.spec.hash) === hexOf(out1.hops[1]!.hash))!;
    hub.detach(victim.spec.hash); // the middle hop of the outbound tunnel dies
    const probe2 = me!.router.probe(out1, ins.pick()!);
    await clock.advance(5_000);
    expect(await probe2).toBe(false);
    outs.discard(out1);
    for (let i = 0; i < 100 && outs.tunnels.length === 0; i++) await clock.advance(5_000); // peers may include the dead one: retries
    const out2 = outs.pick()!;
    expect(out2).not.toBe(out1);
    const probe3 = me!.router.probe(out2, ins.pick()!);
    await clock.advance(10);
    expect(await probe3).toBe(true);
    ins.stop();
    outs.stop();
  });

  it('never puts two hops from one /16 in a tunnel (unless allowed) and keeps a fixed order per pool', () => {
    const { clock, routers } = makeNet(crypto, 7);
    const peers = routers.map((r, i) => ({ ...r.spec, address: `10.${i < 4 ? 1 : i}.0.${i}:1` }));
    const pool = new TunnelPool({ crypto, clock, log: silentLog, router: routers[0]!.router, peers: () => peers }, { inbound: true, hops: 3 });
    for (let k = 0; k < 20; k++) {
      const hops = pool.selectPeers()!;
      const nets = hops.map((h) => subnet16(peers.find((p) => hexOf(p.hash) === hexOf(h.hash))!.address));
      expect(new Set(nets).size).toBe(3);
    }
    const two = new TunnelPool({ crypto, clock, log: silentLog, router: routers[0]!.router, peers: () => peers.slice(0, 4) }, { inbound: true, hops: 3 });
    expect(two.selectPeers()).toBeUndefined();
    const loop = new TunnelPool({ crypto, clock, log: silentLog, router: routers[0]!.router, peers: () => peers.slice(0, 4) }, { inbound: true, hops: 3, allowSameSubnet: true });
    const a = loop.selectPeers()!.map((h) => hexOf(h.hash));
    const b = loop.selectPeers()!.map((h) => hexOf(h.hash));
    expect([...a].sort()).toEqual([...b].sort()); // only 3 eligible peers besides us
    expect(a).toEqual(b); // same peers → same order in one pool
  });
});
