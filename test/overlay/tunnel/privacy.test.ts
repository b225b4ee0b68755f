/**
 * What each link sees (issue 12 "Done when"): every message on every link of the memory hub is
 * captured while an owner sends through its outbound tunnel to a device's inbound tunnel. No
 * router both hears from the owner and talks to the device, the payload never crosses a link in
 * clear, and fuzzed link messages are dropped with a counted reason without growing state.
 */
import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { TMSG } from '../../../agent/overlay/tunnel/constants.ts';
import { hexOf, makeNet } from './helpers.ts';

const crypto = createNodeCrypto();

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay).includes(Buffer.from(needle));
}

describe('what the links see', () => {
  it('no hop sees both endpoints, and the payload never appears in clear', async () => {
    const wire: { from: string; to: string; m: Uint8Array }[] = [];
    const { clock, routers } = makeNet(crypto, 8, { hub: { tap: (from, to, m) => wire.push({ from, to, m }) } });
    const [owner, device, ...hops] = routers;
    const inP = device!.router.build({ inbound: true, hops: hops.slice(0, 3).map((h) => h.spec) });
    await clock.advance(5);
    const inbound = await inP;
    const outP = owner!.router.build({ inbound: false, hops: hops.slice(3).map((h) => h.spec), replyVia: owner!.router.zeroHopInbound() });
    await clock.advance(5);
    const outbound = await outP;
    wire.length = 0;
    const secret = new TextEncoder().encode('owner reads sensor 42 on the device, secret payload!');
    owner!.router.sendOutbound(outbound, { type: 'tunnel', tunnelId: inbound.gateway.tunnelId, router: inbound.gateway.router }, new Uint8Array([TMSG.data, ...secret]));
    await clock.advance(5);
    expect(device!.received.at(-1)!.message.subarray(1)).toEqual(secret);
    const o = hexOf(owner!.spec.hash);
    const d = hexOf(device!.spec.hash);
    for (const h of hops) {
      const me = hexOf(h.spec.hash);
      const heardOwner = wire.some((w) => w.to === me && w.from === o);
      const toldDevice = wire.some((w) => w.from === me && w.to === d);
      expect(heardOwner && toldDevice).toBe(false);
    }
    // the OBEP hands the message to the IBGW in clear inside a TunnelGateway message (as in I2P);
    // end-to-end secrecy of the payload is garlic's job. Every tunnel cell is layered:
    for (const w of wire.filter((x) => x.m[0] === 18)) expect(contains(w.m, secret)).toBe(false);
  });

  it('fuzzed link messages are dropped with counted reasons, and state stays bounded', () => {
    const { routers } = makeNet(crypto, 1);
    const r = routers[0]!.router;
    for (let i = 0; i < 2000; i++) {
      const len = [1029, 1749, 6, 0, 37][i % 5]!;
      const m = crypto.randomBytes(len);
      if (len > 0) m[0] = [18, 25, 19, 0, 99][i % 5]!;
      r.receive(m);
    }
    const total = [...r.drops.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(2000);
    for (const code of r.drops.keys()) expect(['BUILD_MALFORMED', 'CELL_MALFORMED', 'RECORD_NOT_FOUND', 'UNKNOWN_TUNNEL']).toContain(code);
    expect(r.drops.get('UNKNOWN_TUNNEL')).toBe(800); // random cells and gateway messages for no tunnel
    expect(r.transit.size).toBe(0);
  });
});
