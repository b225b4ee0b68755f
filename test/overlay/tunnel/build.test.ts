import { describe, expect, it } from 'vitest';
import { createNobleCrypto, createNodeCrypto } from '../../../agent/crypto/index.ts';
import { TMSG } from '../../../agent/overlay/tunnel/constants.ts';
import { isTunnelError } from '../../../agent/overlay/tunnel/errors.ts';
import { hexOf, makeNet } from './helpers.ts';

for (const crypto of [createNodeCrypto(), createNobleCrypto()]) {
  describe(`3-hop tunnels on the memory hub (${crypto.name})`, () => {
    it('builds an inbound and an outbound tunnel and carries a message through 3 + 3 hops', async () => {
      const { clock, routers } = makeNet(crypto, 8);
      const [a, b, ...hops] = routers;
      if (a === undefined || b === undefined) throw new Error('setup');
      const inP = b.router.build({ inbound: true, hops: [hops[0]!.spec, hops[1]!.spec, hops[2]!.spec] });
      await clock.advance(10);
      const inbound = await inP;
      const outP = a.router.build({ inbound: false, hops: [hops[3]!.spec, hops[4]!.spec, hops[5]!.spec] });
      await clock.advance(10);
      const outbound = await outP;
      expect(hops.map((h) => h.router.transit.size)).toEqual([1, 1, 1, 1, 1, 1]);
      const payload = new Uint8Array(3000).map((_, i) => i % 251);
      const message = new Uint8Array([TMSG.data, ...payload]);
      a.router.sendOutbound(outbound, { type: 'tunnel', tunnelId: inbound.gateway.tunnelId, router: inbound.gateway.router }, message);
      await clock.advance(10);
      expect(b.received).toHaveLength(1);
      expect(b.received[0]!.message).toEqual(message);
      expect([...b.router.drops.entries()]).toEqual([]);
      expect(hexOf(b.received[0]!.via.gateway.router)).toBe(hexOf(hops[0]!.spec.hash));
    });

    it('sends an inbound build through an outbound tunnel: the creator never talks to the gateway', async () => {
      const wire: { from: string; to: string }[] = [];
      const { clock, routers } = makeNet(crypto, 8, { hub: { tap: (from, to) => wire.push({ from, to }) } });
      const [a, ...hops] = routers;
      const outP = a!.router.build({ inbound: false, hops: hops.slice(0, 3).map((h) => h.spec) });
      await clock.advance(10);
      const out = await outP;
      wire.length = 0;
      const inP = a!.router.build({ inbound: true, hops: hops.slice(3, 6).map((h) => h.spec), sendVia: out });
      await clock.advance(10);
      const inbound = await inP;
      expect(wire.some((w) => w.from === hexOf(a!.spec.hash) && w.to === hexOf(hops[3]!.spec.hash))).toBe(false);
      a!.router.sendToGateway(inbound.gateway, new Uint8Array([TMSG.data, 9]));
      await clock.advance(10);
      expect(a!.received.at(-1)!.message).toEqual(new Uint8Array([TMSG.data, 9]));
    });

    it('rejects with code 30 at the transit cap, and the creator sees BUILD_REJECTED', async () => {
      const { clock, routers } = makeNet(crypto, 5, { config: { transitCap: 1 } });
      const [a, h1, h2, h3] = routers;
      const hops = [h1!.spec, h2!.spec, h3!.spec];
      const first = a!.router.build({ inbound: true, hops });
      await clock.advance(10);
      await first;
      const second = a!.router.build({ inbound: true, hops }).catch((e: unknown) => e);
      await clock.advance(10);
      const err = await second;
      expect(isTunnelError(err, 'BUILD_REJECTED')).toBe(true);
      expect((err as Error).message).toContain('30,30,30');
      expect(h1!.router.drops.get('TRANSIT_CAP')).toBe(1);
    });

    it('drops a replayed build record and a replayed cell, and times out on the virtual clock', async () => {
      const seen: { to: string; m: Uint8Array }[] = [];
      const { clock, routers } = makeNet(crypto, 4, { hub: { tap: (_f, to, m) => seen.push({ to, m }) } });
      const [a, h1, h2, h3] = routers;
      const p = a!.router.build({ inbound: true, hops: [h1!.spec, h2!.spec, h3!.spec] });
      await clock.advance(10);
      await p;
      const firstBuild = seen.find((s) => s.m[0] === 25)!;
      h1!.router.receive(firstBuild.m.slice());
      expect(h1!.router.drops.get('RECORD_REPLAY')).toBe(1);
      // a cell: b sends through the inbound tunnel's gateway, then the captured cell is replayed
      a!.router.sendToGateway({ router: h1!.spec.hash, tunnelId: a!.router.inboundTunnels()[0]!.gateway.tunnelId }, new Uint8Array([TMSG.data, 1, 2, 3]));
      await clock.advance(10);
      expect(a!.received).toHaveLength(1);
      const toH3 = seen.filter((s) => s.m[0] === 18 && s.to === hexOf(h3!.spec.hash)).at(-1)!;
      h3!.router.receive(toH3.m.slice());
      await clock.advance(10);
      expect(h3!.router.drops.get('CELL_REPLAY')).toBe(1);
      expect(a!.received).toHaveLength(1);
      const lost = makeNet(crypto, 2, { hub: { drop: () => true } });
      const t = lost.routers[0]!.router.build({ inbound: true, hops: [lost.routers[1]!.spec] }).catch((e: unknown) => e);
      await lost.clock.advance(30_000);
      expect(isTunnelError(await t, 'BUILD_TIMEOUT')).toBe(true);
    });
  });
}
